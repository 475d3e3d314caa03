package patchproto

import (
	"context"
	"strings"
	"testing"

	"github.com/ftcheck/ftcheck/model"
)

// x86-nmi (docs/protocols.md). R-3: in the 2008 scheme, with the NMI's
// CPU serialised once it is counted (sync=enter, so that the fetch gap
// below is closed), one NMI reads mod_code_write = 0 and runs f while
// another, counted before the flag was set but reading it after, writes
// f's first byte under it (29 steps).
func TestX86NMI2008FlagCounterRace(t *testing.T) {
	for _, op := range []string{"enable", "disable"} {
		for _, entry := range []string{"flush", "sdm"} {
			o := Options{Variant: "v2008", Op: op, Params: map[string]string{"entry": entry, "sync": "enter"}}
			r := x86Race(t, "x86-nmi", o, "bad-fetch", 29, "which is no instruction of any version")
			// The writer is the other CPU's NMI, not the patcher.
			var nmiStore bool
			for _, e := range r.Trace {
				if e.Exec != nil && strings.Contains(e.Exec.Disasm, "mov %al,(%rdi)") {
					nmiStore = true
				}
			}
			if !nmiStore {
				t.Errorf("%+v: no NMI writes f in the trace", o)
			}
		}
	}
}

// As merged (no serialising instruction after ftrace_nmi_enter), both
// schemes fetch stale bytes: an NMI delivered before the patcher's window
// is counted only after it (26 steps in 2009, 27 in 2008), whether or not
// the delivery serialised the CPU.
func TestX86NMIRegistrationGap(t *testing.T) {
	for _, entry := range []string{"flush", "sdm"} {
		x86Race(t, "x86-nmi", Options{Variant: "v2009", Op: "enable", Params: map[string]string{"entry": entry}}, "bad-fetch", 26, "which is no instruction of any version")
		x86Race(t, "x86-nmi", Options{Variant: "v2008", Op: "enable", Params: map[string]string{"entry": entry}}, "bad-fetch", 27, "which is no instruction of any version")
	}
}

// The 2009 scheme with sync=enter is safe (the entry=flush runs, 11 s
// each, are in patchproto/regress-slow).
func TestX86NMI2009Safe(t *testing.T) {
	if testing.Short() {
		t.Skip("two 3 s searches")
	}
	for _, op := range []string{"enable", "disable"} {
		o := Options{Variant: "v2009", Op: op, Params: map[string]string{"entry": "sdm", "sync": "enter"}}
		if r, _ := explore(t, "x86-nmi", o, model.Options{}); r.Outcome != model.Safe {
			t.Errorf("%+v: %v %v, want safe", o, r.Outcome, r.Violation)
		}
	}
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
