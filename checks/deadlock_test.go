package checks

import (
	"strings"
	"testing"

	"github.com/ftcheck/ftcheck/memmodel"
	"github.com/ftcheck/ftcheck/model"
)

// haltISA ends every task at once: the harts do nothing but park and
// take IPIs, which is all a deadlock needs.
type haltISA struct{}

func (haltISA) Name() string         { return "halt" }
func (haltISA) RegName(i int) string { return "r" }
func (haltISA) Step(cpu model.CPU) model.Exec {
	return model.Exec{Halt: true}
}

func stuckSystem(t *testing.T, patch []model.PatchOp) *model.System {
	t.Helper()
	mem, err := memmodel.New("sc")
	if err != nil {
		t.Fatal(err)
	}
	s, err := model.NewSystem(model.Config{
		Name: "t", ISA: haltISA{},
		Initial:  &model.Machine{Harts: model.NewHarts(2), Mem: mem, Fetch: fetchNone{}},
		Handlers: []model.Handler{{Name: "ipi_remote_fence_i", SyncFetch: true}},
		Patch:    patch,
		Checks:   []model.Check{Deadlock{}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// An IPI sent to CPUs parked in stop_machine and waited for: stuck, in
// 7 steps (each task ends, each CPU parks, stop_machine, wait, send).
// The same IPI after the release: everyone finishes, no deadlock.
func TestDeadlock(t *testing.T) {
	stop := []model.PatchOp{{Kind: model.PatchStopMachine}, {Kind: model.PatchWaitParked}}
	ipi := []model.PatchOp{{Kind: model.PatchSendIPI, Handler: 0, ToSelf: true}, {Kind: model.PatchWaitIPI, Handler: 0, Why: "on_each_cpu"}}
	release := []model.PatchOp{{Kind: model.PatchRelease}}

	bad := stuckSystem(t, append(append(append([]model.PatchOp{}, stop...), ipi...), release...))
	r := model.Explore(t.Context(), bad, model.Options{})
	if r.Outcome != model.Violated || r.Violation.Check != "deadlock" || len(r.Trace) != 7 {
		t.Fatalf("%v %v, %d steps", r.Outcome, r.Violation, len(r.Trace))
	}
	for _, want := range []string{"hart0 spins in stop_machine", "patcher waits for every CPU to run IPI ipi_remote_fence_i; hart0, hart1 never took it", "[on_each_cpu]"} {
		if !strings.Contains(r.Violation.Message, want) {
			t.Errorf("%q lacks %q", r.Violation.Message, want)
		}
	}

	good := stuckSystem(t, append(append(append([]model.PatchOp{}, stop...), release...), ipi...))
	if r := model.Explore(t.Context(), good, model.Options{}); r.Outcome != model.Safe {
		t.Fatalf("IPI after the release: %v %v", r.Outcome, r.Violation)
	}
}

// fetchNone is a fetch model with no text (the harts never fetch).
type fetchNone struct{}

func (fetchNone) Clone() model.FetchState              { return fetchNone{} }
func (fetchNone) AppendKey(b []byte) []byte            { return b }
func (fetchNone) Contains(uint64) bool                 { return false }
func (fetchNone) Choices(int, uint64) int              { return 0 }
func (fetchNone) Fetch(int, uint64, int) (uint32, int) { return 0, 0 }
func (fetchNone) Commit(model.Commit)                  {}
func (fetchNone) Sync(int)                             {}
func (fetchNone) Versions(uint64) int                  { return 0 }
func (fetchNone) AppendHartKey(h int, b []byte) []byte { return b }
func (fetchNone) PermuteHarts([]int)                   {}
