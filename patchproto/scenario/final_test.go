package scenario

import (
	"context"
	"strings"
	"testing"

	"github.com/ftcheck/ftcheck/model"
)

// storeBuffering is herd's SB test with the two harts as [hart] sections.
const storeBuffering = `RISCV SB
"store buffering: each hart stores one flag and reads the other's"
memory sc
[data 0x8000]
x: .dword 0
y: .dword 0
[hart 0]
        li t1, 1
        sd t1, 0(gp)
        ld a0, 8(gp)
        ebreak
[hart 1]
        li t1, 1
        sd t1, 8(gp)
        ld a0, 0(gp)
        ebreak
[init]
gp = 0x8000
`

// systemOf parses, builds and makes the system of a scenario source.
func systemOf(t *testing.T, src string, s Settings) (*model.System, *Built) {
	t.Helper()
	f, err := Parse("t.scenario", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	b, err := f.Build(s)
	if err != nil {
		t.Fatal(err)
	}
	sys, err := model.NewSystem(b.Config)
	if err != nil {
		t.Fatal(err)
	}
	return sys, b
}

func exploreSource(t *testing.T, src string, s Settings) (model.Result, *model.System) {
	t.Helper()
	sys, b := systemOf(t, src, s)
	r := model.Explore(context.Background(), sys, model.Options{NoSymmetry: b.ConcreteHarts})
	return r, sys
}

func TestFinalConditionsOverTerminalStates(t *testing.T) {
	for _, c := range []struct {
		cond, memory string
		want         model.Outcome
		check        string
	}{
		{"~exists (0:a0=0 /\\ 1:a0=0)", "sc", model.Safe, ""},
		{"exists (0:a0=0 /\\ 1:a0=0)", "sc", model.Safe, ""},
		{"exists (0:a0=0 /\\ 1:a0=0)", "tso", model.Violated, "exists"},
		{"~exists (0:a0=0 /\\ 1:a0=0)", "rvwmo", model.Violated, "~exists"},
		{"exists (0:a0=1 /\\ 1:a0=1)", "sc", model.Violated, "exists"},
		{"forall (x=1 /\\ y=1)", "sc", model.Safe, ""},
		{"forall ([0x8000]=1 /\\ ~(y=0))", "sc", model.Safe, ""},
		{"forall (0:a0=1)", "sc", model.Violated, "forall"},
		{"forall (0:a0=1 \\/ 1:a0=1)", "sc", model.Safe, ""},
		{"~exists (true)", "sc", model.Violated, "~exists"},
	} {
		r, sys := exploreSource(t, storeBuffering+c.cond+"\n", Settings{Memory: c.memory})
		if r.Outcome != c.want || (c.check != "" && r.Violation.Check != c.check) {
			t.Errorf("%s under %s: %v %+v", c.cond, c.memory, r.Outcome, r.Violation)
			continue
		}
		if r.Outcome != model.Violated {
			continue
		}
		labels := make([]model.Label, len(r.Trace))
		for i, e := range r.Trace {
			labels[i] = e.Label
		}
		if _, v, err := model.Replay(sys, labels); err != nil || v == nil || v.Check != c.check {
			t.Errorf("%s: the witness does not replay: %v %v", c.cond, v, err)
		}
	}
}

func TestConditionNamingHartsTurnsSymmetryOff(t *testing.T) {
	for cond, want := range map[string]bool{"exists (0:a0=0)": true, "exists (x=1)": false} {
		f, _ := Parse("t.scenario", []byte(storeBuffering+cond))
		b, err := f.Build(Settings{})
		if err != nil || b.ConcreteHarts != want {
			t.Errorf("%s: %v %v", cond, b.ConcreteHarts, err)
		}
	}
}

// A hart section's name works in conditions and in [init], and the
// number of harts follows the sections.
func TestHartSectionsNameHarts(t *testing.T) {
	src := strings.ReplaceAll(strings.ReplaceAll(storeBuffering, "[hart 0]", "[hart X]"), "[hart 1]", "[hart new]")
	r, _ := exploreSource(t, src+"exists (X:a0=0 /\\ new:a0=0)\n", Settings{Memory: "tso"})
	if r.Outcome != model.Violated {
		t.Fatal(r.Outcome)
	}
	f, _ := Parse("t.scenario", []byte(src+"exists (x=1)"))
	if _, err := f.Build(Settings{Harts: 3}); err == nil || !strings.Contains(err.Error(), "has 2 [hart] sections") {
		t.Fatalf("--harts 3 on two hart sections: %v", err)
	}
}

// A patcher text store must write one of the versions the text declares.
func TestTextStoresMustWriteADeclaredVersion(t *testing.T) {
	src := strings.Replace(minimal, "task:   nop", "task:   nop <-> ebreak", 1)
	src = strings.Replace(src, "store64 x = 1   [why]", "store32 task = {ret}", 1)
	err := buildErr(src)
	if err == nil || !strings.Contains(err.Error(), "t.scenario:12:16: the word stored at 0x1000 (00008067) is none of the versions") {
		t.Fatal(err)
	}
}

// A condition may name harts as traces do (hart0, hart1), so that a
// condition can be copied from a trace; a section of that name wins.
func TestConditionsNameHartsAsTracesDo(t *testing.T) {
	r, _ := exploreSource(t, storeBuffering+"exists (hart0:a0=0 /\\ hart1:a0=0)\n", Settings{Memory: "tso"})
	if r.Outcome != model.Violated || r.Violation.Check != "exists" {
		t.Fatalf("hart0/hart1 under tso: %v %+v", r.Outcome, r.Violation)
	}
	f, _ := Parse("t.scenario", []byte(storeBuffering+"exists (hart2:a0=0)\n"))
	if _, err := f.Build(Settings{}); err == nil || !strings.Contains(err.Error(), "hart 2 does not exist") {
		t.Errorf("hart2 of two: %v", err)
	}
	src := strings.ReplaceAll(storeBuffering, "[hart 1]", "[hart hart0]")
	src = strings.Replace(src, "[hart 0]", "[hart first]", 1)
	f, _ = Parse("t.scenario", []byte(src+"forall (hart0:a0=0 \\/ hart0:a0=1)\n"))
	b, err := f.Build(Settings{})
	if err != nil || !b.ConcreteHarts {
		t.Fatalf("a section named hart0: %v", err)
	}
}
