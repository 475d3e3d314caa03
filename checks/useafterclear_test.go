package checks

import (
	"strings"
	"testing"

	"github.com/ftcheck/ftcheck/model"
)

func TestUseAfterClearNamesTheClearedPointer(t *testing.T) {
	sys := &model.System{Config: model.Config{Patch: []model.PatchOp{
		{Kind: model.PatchStore, Addr: 0x8000, Size: 8, Val: 0}, // vec = NULL
		{Kind: model.PatchStore, Addr: 0x8008, Size: 8, Val: 0}, // nr_entries = 0
	}}}
	c := UseAfterClear{Pointers: []Pointer{{Name: "bp_vec", Addr: 0x8000, Size: 8}}}
	before := &model.Machine{Patcher: model.Patcher{PC: 1}}
	tr := &model.Transition{Before: before, Sys: sys, Event: model.Event{Actor: "hart0", PC: 0x1300,
		Exec: &model.Exec{DataAccess: true, DataAddr: 0}}}
	v := c.Inspect(tr)
	if v == nil || !strings.Contains(v.Message, "bp_vec (patcher step 1)") {
		t.Fatalf("NULL access after vec = NULL: %v", v)
	}
	// An access outside the NULL page, or none, is fine.
	tr.Event.Exec = &model.Exec{DataAccess: true, DataAddr: 0x8000}
	if v := c.Inspect(tr); v != nil {
		t.Fatalf("ordinary access flagged: %v", v)
	}
	tr.Event.Exec = &model.Exec{}
	if v := c.Inspect(tr); v != nil {
		t.Fatalf("no access flagged: %v", v)
	}
	// A NULL access before any clear is still reported, without a culprit.
	tr.Before = &model.Machine{}
	tr.Event.Exec = &model.Exec{DataAccess: true, DataAddr: 8}
	if v := c.Inspect(tr); v == nil || strings.Contains(v.Message, "bp_vec") {
		t.Fatalf("NULL access before the clear: %v", v)
	}
}
