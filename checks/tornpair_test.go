package checks

import (
	"strings"
	"testing"

	"github.com/ftcheck/ftcheck/model"
)

func jump(from, to uint64) *model.Transition {
	return &model.Transition{Event: model.Event{Actor: "hart0", PC: from,
		Exec: &model.Exec{Disasm: "jalr t0,640(t0)", Jump: true, NextPC: to}}}
}

func TestTornPair(t *testing.T) {
	c := TornPair{Intent: Intent{
		Boundaries: map[uint64]bool{0x100: true, 0x104: true, 0x200: true, 0x300: true},
		Targets:    map[uint64][]uint64{0x104: {0x200}},
		Symbols:    model.Symbols{{Name: "f", Addr: 0x100}, {Name: "ftrace_caller", Addr: 0x200}},
	}}
	if v := c.Inspect(jump(0x104, 0x200)); v != nil {
		t.Fatalf("intended jump flagged: %v", v)
	}
	if v := c.Inspect(jump(0x100, 0x300)); v != nil {
		t.Fatalf("a direct jump to a boundary from a site without declared targets: %v", v)
	}
	v := c.Inspect(jump(0x104, 0x280))
	if v == nil || !strings.Contains(v.Message, "no instruction of any version") || !strings.Contains(v.Message, "f+4") {
		t.Fatalf("jump into nowhere: %v", v)
	}
	v = c.Inspect(jump(0x104, 0x300))
	if v == nil || !strings.Contains(v.Message, "only ftrace_caller") {
		t.Fatalf("jump to an unintended boundary: %v", v)
	}
	fault := &model.Transition{Event: model.Event{Actor: "hart1", PC: 0x100, Exec: &model.Exec{Fault: "illegal instruction"}}}
	if v := c.Inspect(fault); v == nil || v.Check != "torn-pair" {
		t.Fatalf("fault: %v", v)
	}
	if v := c.Inspect(&model.Transition{Event: model.Event{Actor: "patcher", Text: "store"}}); v != nil {
		t.Fatalf("non-exec step flagged: %v", v)
	}
}
