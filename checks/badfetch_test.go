package checks

import (
	"strings"
	"testing"

	"github.com/ftcheck/ftcheck/model"
)

func TestBadFetch(t *testing.T) {
	c := BadFetch{Symbols: model.Symbols{{Name: "f", Addr: 0x100}}}
	bad := &model.Transition{Event: model.Event{Actor: "hart0", PC: 0x100,
		Exec: &model.Exec{BadFetch: "fetch of 0x100 while it is concurrently modified"}}}
	if v := c.Inspect(bad); v == nil || v.Check != "bad-fetch" || !strings.Contains(v.Message, "hart0 at f:") {
		t.Fatalf("bad fetch: %v", v)
	}
	// Other faults are not bad fetches (torn-pair reports them).
	other := &model.Transition{Event: model.Event{Actor: "hart0", PC: 0x100, Exec: &model.Exec{Fault: "svc is outside the modelled subset"}}}
	if v := c.Inspect(other); v != nil {
		t.Fatalf("other fault flagged: %v", v)
	}
	if v := c.Inspect(&model.Transition{Event: model.Event{Actor: "patcher", Text: "store"}}); v != nil {
		t.Fatalf("non-exec step flagged: %v", v)
	}
}
