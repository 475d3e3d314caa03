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
	{"rvwmo", "RISC-V RVWMO, operational (views + store buffer, no promises): store->load, store->store and load->load reordering within the fences' rules; multi-copy atomic", noPromises},
	{"armv8", "Armv8 AArch64, operational (views + store buffer, no promises): as rvwmo, with DMB ISH/ISHLD/ISHST and LDAR/LDAPR/STLR; a fence w,o is the DSB before a GIC IPI", noPromises},
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

// noPromises is what the operational weak models leave out: a CPU's store
// never becomes visible before an earlier load of the same CPU has read
// (no promises), so load-buffering executions are not explored.
const noPromises = "no load->store reordering (the operational model has no promises): an execution in which a CPU's store becomes visible before its own earlier load has read (load buffering, LB) is not explored, so a race that needs one is not ruled out"

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
