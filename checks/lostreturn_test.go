package checks

import (
	"strings"
	"testing"

	"github.com/ftcheck/ftcheck/model"
)

func ret(shadow []uint64, to uint64) *model.Transition {
	h := model.Hart{}
	for _, a := range shadow {
		h.Shadow[h.ShadowLen] = a
		h.ShadowLen++
	}
	return &model.Transition{Label: model.Label{Actor: 0}, Before: &model.Machine{Harts: []*model.Hart{&h}},
		Event: model.Event{Actor: "hart0", PC: 0x110, Exec: &model.Exec{Disasm: "ret", Return: true, Jump: true, NextPC: to}}}
}

func TestLostReturn(t *testing.T) {
	c := LostReturn{Symbols: model.Symbols{{Name: "task", Addr: 0x1000}, {Name: "f", Addr: 0x1100}}}
	if v := c.Inspect(ret([]uint64{0x1004}, 0x1004)); v != nil {
		t.Fatalf("a return to the linked address flagged: %v", v)
	}
	v := c.Inspect(ret([]uint64{0x1004, 0x1108}, 0x1004))
	if v == nil || v.Check != "lost-return" || !strings.Contains(v.Message, "linked f+8") || !strings.Contains(v.Message, "returns to task+4") {
		t.Fatalf("return past the innermost call: %v", v)
	}
	if v := c.Inspect(ret([]uint64{0x1004}, 0)); v == nil {
		t.Fatal("return to 0 not flagged")
	}
	// A return with no open call (the task's own entry) has nothing to compare.
	if v := c.Inspect(ret(nil, 0x4242)); v != nil {
		t.Fatalf("return with an empty shadow stack flagged: %v", v)
	}
}
