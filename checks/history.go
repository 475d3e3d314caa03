package checks

import (
	"fmt"
	"io"
	"math"

	"github.com/anishathalye/porcupine"

	"github.com/ftcheck/ftcheck/model"
)

// The sequential specification the stale-dest history is checked
// against: one register, the tracer pointer. update(f) writes f and
// always succeeds; call() reads, and its output must be the value held.

type regInput struct {
	update bool
	value  uint64 // update: the value written
}

// An atomic register is plain linearizability: a call that returned the
// new tracer forces the update to have taken effect, so a call that
// begins after it must not see the old one (no new-old inversion
// between CPUs). A regular register (Lamport) asks only that each call
// be linearizable with the updates alone: a call overlapping an update
// may see the old or the new tracer whatever other calls saw, and a
// call that begins after update(f) returned sees f or a later tracer.
// That is what ftrace_update_ftrace_func promises. porcupine decides it
// with one partition per call, holding the updates and that call.
func registerModel(initial uint64, name func(uint64) string, atomic bool) porcupine.Model {
	m := porcupine.Model{
		Init: func() any { return initial },
		Step: func(state, in, out any) (bool, any) {
			i := in.(regInput)
			if i.update {
				return true, i.value
			}
			return out.(uint64) == state.(uint64), state
		},
		DescribeOperation: func(in, out any) string {
			if i := in.(regInput); i.update {
				return "update(" + name(i.value) + ")"
			}
			return "call() → " + name(out.(uint64))
		},
		DescribeState: func(state any) string { return name(state.(uint64)) },
	}
	if !atomic {
		m.Partition = callByCall
	}
	return m
}

// callByCall partitions a history into one history per call, each with
// every update.
func callByCall(ops []porcupine.Operation) [][]porcupine.Operation {
	var parts [][]porcupine.Operation
	var ups []porcupine.Operation
	for _, o := range ops {
		if o.Input.(regInput).update {
			ups = append(ups, o)
		}
	}
	for _, o := range ops {
		if !o.Input.(regInput).update {
			parts = append(parts, append(append([]porcupine.Operation(nil), ups...), o))
		}
	}
	if len(parts) == 0 {
		return [][]porcupine.Operation{ups}
	}
	return parts
}

// pendingReturn is the response time given to an update still running:
// it may take effect at any point after its invocation, or not at all
// as far as the completed calls can tell.
const pendingReturn = math.MaxInt32

// operations converts the history for porcupine. A pending update may
// have taken effect or not: it gets an open end. A pending call has
// read nothing anyone saw: it is left out. Clients: the patcher is 0,
// hart h is h+1 (porcupine numbers clients from 0).
func (h *History) operations() []porcupine.Operation {
	var ops []porcupine.Operation
	for _, o := range h.Ops {
		ret := int64(o.Return)
		if o.Return == 0 {
			if !o.Update {
				continue
			}
			ret = pendingReturn
		}
		op := porcupine.Operation{ClientId: o.Client + 1, Input: regInput{update: o.Update, value: o.Value}, Call: int64(o.Call), Return: ret}
		if o.Update {
			op.Output = uint64(0)
		} else {
			op.Output = o.Value
		}
		ops = append(ops, op)
	}
	return ops
}

// Linearizable decides the history with porcupine.
func (h *History) Linearizable() bool {
	return porcupine.CheckOperations(registerModel(h.Initial, hexName, h.Atomic), h.operations())
}

func hexName(v uint64) string { return fmt.Sprintf("%#x", v) }

// FailedHistory is a stale-dest violation's history, for the views.
type FailedHistory struct {
	History *History
	Symbols model.Symbols
	Dest    uint64
}

// Visualize writes porcupine's interactive HTML view of the history: one
// row per client (the patcher, then each hart), the operations as
// intervals, and the longest partial linearizations it found.
func (f *FailedHistory) Visualize(w io.Writer) error {
	m := registerModel(f.History.Initial, f.Symbols.Name, f.History.Atomic)
	res, info := porcupine.CheckOperationsVerbose(m, f.History.operations(), 0)
	if res != porcupine.Illegal {
		return fmt.Errorf("stale-dest: porcupine finds the history %s on a second look", res)
	}
	info.AddAnnotations(f.annotations())
	return porcupine.Visualize(m, info, w)
}

// annotations name the clients: porcupine shows numbers otherwise.
func (f *FailedHistory) annotations() []porcupine.Annotation {
	seen := map[int]bool{}
	var as []porcupine.Annotation
	for _, o := range f.History.Ops {
		if seen[o.Client] {
			continue
		}
		seen[o.Client] = true
		who := fmt.Sprintf("hart%d: traced calls through %s", o.Client, f.Symbols.Name(f.Dest))
		if o.Client == Patcher {
			who = "patcher: updates of " + f.Symbols.Name(f.Dest)
		}
		as = append(as, porcupine.Annotation{ClientId: o.Client + 1, Start: 0, Description: who}) // at time 0: a row label
	}
	return as
}
