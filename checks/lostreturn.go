package checks

import (
	"fmt"

	"github.com/ftcheck/ftcheck/model"
)

// LostReturn is the lost-return check: a return (arm64 ret, RISC-V
// jr ra) goes somewhere other than the return address its call linked.
// The machine keeps each task's shadow call stack (model.Hart.Shadow,
// with Config.ShadowStack): every call the ISA reports pushes the address
// after it, every return pops one. The check compares the return's
// target with the top of that stack in the state before the return.
//
// This is how arm64 ftrace breaks when its LR saver is missing:
// ftrace_caller restores lr from x9, and if the task never ran
// `mov x9, lr` the traced function returns through whatever x9 held.
type LostReturn struct{ Symbols model.Symbols }

// LostReturnDef is lost-return in the registry. Its section takes no
// lines: the calls the ISA reports say where returns go; the machine
// keeps the shadow call stacks only for it.
var LostReturnDef = &Def{
	Name:    "lost-return",
	Doc:     "a return whose target is not the return address the matching call linked (arm64 lr restored from a stale x9)",
	Subject: model.SubjectExecution,
	Parse:   noLines("the calls the ISA reports say where returns go", buildLostReturn),
}

func buildLostReturn(sc Scenario) (Wiring, error) {
	return Wiring{Check: LostReturn{Symbols: sc.Symbols()}, ShadowStack: true}, nil
}

func (LostReturn) Name() string { return LostReturnDef.Name }

// Subject is what the check judges, for coverage (model.Coverage).
func (LostReturn) Subject() model.Subject { return LostReturnDef.Subject }

func (c LostReturn) Inspect(t *model.Transition) *model.Violation {
	x := t.Event.Exec
	if x == nil || !x.Return || x.Fault != "" || t.Before == nil {
		return nil
	}
	h := t.Label.Actor
	if h < 0 || h >= len(t.Before.Harts) {
		return nil
	}
	want, ok := t.Before.Harts[h].ShadowFor(x)
	if !ok || want == x.NextPC {
		return nil
	}
	sym := c.Symbols.Name
	return &model.Violation{Check: c.Name(), Message: fmt.Sprintf(
		"%s: %s at %s returns to %s, but the call it returns from was made from %s and linked %s",
		t.Event.Actor, x.Disasm, sym(t.Event.PC), sym(x.NextPC), sym(want-4), sym(want))}
}
