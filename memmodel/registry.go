package memmodel

import (
	"fmt"
	"strings"

	"github.com/ftcheck/ftcheck/model"
)

// Models lists the memory models by name, with one line each and what a
// verdict under the model does not cover.
var Models = []struct{ Name, Doc, Caveat string }{
	{"sc", "sequential consistency: every store visible to every CPU at once, loads read the latest store", ""},
	{"tso", "x86-TSO: per-CPU FIFO store buffer (store->load reordering); fence rw,rw and w,o drain it", ""},
	{"rvwmo", "RISC-V RVWMO, operational (views, store buffer and promises): every reordering the fences, dependencies and same-address rules allow; multi-copy atomic", promiseBounds},
	{"armv8", "Armv8 AArch64, operational (views, store buffer and promises): as rvwmo, with DMB ISH/ISHLD/ISHST and LDAR/LDAPR/STLR; a fence w,o is the DSB before a GIC IPI", promiseBounds},
}

// New returns the named model's initial (empty) memory.
func New(name string) (model.DataMemory, error) {
	switch name {
	case "sc":
		return NewSC(), nil
	case "tso":
		return NewTSO(), nil
	case "rvwmo":
		return NewRVWMO(), nil
	case "armv8":
		return NewARMv8(), nil
	}
	var names []string
	for _, m := range Models {
		names = append(names, m.Name)
	}
	return nil, fmt.Errorf("unknown memory model %q (known: %s)", name, strings.Join(names, ", "))
}

// promiseBounds is what the operational weak models leave out: their
// promises (model/promise.go) give load->store reordering for data
// stores, certified by a bounded thread-local run.
const promiseBounds = "load->store reordering is explored for data stores only: a text store is never promised (it becomes visible only after it executes), and a promise is certified by running its CPU alone for at most 64 steps, taking no IPI or interrupt, so an execution that needs more is not explored"

// Caveat says what a verdict under the named model does not cover ("" for
// an unknown name or a model without one).
func Caveat(name string) string {
	for _, m := range Models {
		if m.Name == name {
			return m.Caveat
		}
	}
	return ""
}
