package patchproto

import (
	"context"
	"strings"
	"testing"

	"github.com/ftcheck/ftcheck/model"
)

// x86-nmi (docs/protocols.md). R-3: in the 2008 scheme, with the NMI's
// CPU serialised once it is counted (sync=enter, so that the fetch gap
// is closed), one NMI reads mod_code_write = 0 and runs f while another,
// counted before the flag was set but reading it after, writes f's first
// byte under it. The verdicts (29 steps for each op and entry, 26 and 27
// for the registration gap, the 2009 fix safe) are expect lines of
// patchproto/regress and regress-slow; what this test adds is who writes.
func TestX86NMI2008WriterIsTheOtherNMI(t *testing.T) {
	o := Options{Variant: "v2008", Op: "enable", Params: map[string]string{"sync": "enter"}}
	r := x86Race(t, "x86-nmi", o, "bad-fetch", 29, "which is no instruction of any version")
	for _, e := range r.Trace {
		if e.Exec != nil && strings.Contains(e.Exec.Disasm, "mov %al,(%rdi)") {
			return
		}
	}
	t.Errorf("%+v: no NMI writes f in the trace", o)
}

// With a stack per CPU (hart-specific [init]) the symmetry reduction
// renumbers the CPUs along the counterexample, store-buffer drains
// included: a drain is named by its agent, which the renumbering maps like
// a hart (model.MemoryLabel); the trace must replay. (Named by its
// position among the non-empty buffers, it failed to.)
func TestX86NMIPerCPUStacksReplay(t *testing.T) {
	p, err := Lookup("x86-nmi")
	if err != nil {
		t.Fatal(err)
	}
	src := strings.Replace(string(p.Text), "stack:            .zero 64", "stack:            .zero 64\nstack1:           .zero 64", 1)
	src = strings.Replace(src, "rsp = stack + 64\n", "rsp = stack + 64\n1:rsp = stack1 + 64\n", 1)
	if src == string(p.Text) {
		t.Fatal("the scenario's stack lines changed: update this test")
	}
	q, err := Parse("percpu.scenario", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	s, _, err := q.Build(Options{Variant: "v2008", Op: "enable", Params: map[string]string{"sync": "enter"}})
	if err != nil {
		t.Fatal(err)
	}
	r := model.Explore(context.Background(), s, model.Options{})
	if r.Outcome != model.Violated || len(r.Trace) != 29 {
		t.Fatalf("%v %v, %d steps", r.Outcome, r.Violation, len(r.Trace))
	}
	var memSteps int
	for _, e := range r.Trace {
		if e.Label.Action == model.ActMemory {
			memSteps++
		}
	}
	if memSteps == 0 {
		t.Fatal("the trace has no memory step: this test no longer exercises the index mapping")
	}
}
