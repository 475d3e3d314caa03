package memmodel

import (
	"fmt"
	"strings"

	"github.com/ftcheck/ftcheck/model"
)

// Models lists the memory models by name, with one line each.
var Models = []struct{ Name, Doc string }{
	{"sc", "sequential consistency: every store visible to every CPU at once, loads read the latest store"},
	{"tso", "x86-TSO: per-CPU FIFO store buffer (store->load reordering); fence rw,rw and w,o drain it"},
	{"rvwmo", "RISC-V RVWMO, operational (views + store buffer, no promises): store->load, store->store and load->load reordering within the fences' rules; multi-copy atomic"},
	{"armv8", "Armv8 AArch64, operational (views + store buffer, no promises): as rvwmo, with DMB ISH/ISHLD/ISHST and LDAR/LDAPR/STLR; a fence w,o is the DSB before a GIC IPI"},
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
