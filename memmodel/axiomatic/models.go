package axiomatic

import "sort"

// Model is a memory model: a predicate on candidate executions.
type Model interface {
	Name() string
	// Consistent reports whether every axiom of the model holds.
	Consistent(x *Execution) bool
}

var models = map[string]Model{
	"sc":    SC{},
	"tso":   TSO{},
	"rvwmo": RVWMO{},
	"armv8": ARMv8{},
	// armv8-ifetch answers for a machine with neither CTR_EL0.IDC nor
	// .DIC; litmus tests set theirs with WithCacheType.
	"armv8-ifetch": ARMv8IFetch{},
}

// ByName returns the model called name ("sc", "tso", "rvwmo", "armv8",
// "armv8-ifetch").
func ByName(name string) (Model, bool) {
	m, ok := models[name]
	return m, ok
}

// Names lists the model names ByName accepts.
func Names() []string {
	var ns []string
	for n := range models {
		ns = append(ns, n)
	}
	sort.Strings(ns)
	return ns
}

// SC is sequential consistency, after herd's sc.cat:
//
//	empty rmw & (fre;coe) as atom
//	acyclic po | rf | co | fr as sc
//
// With mixed-size accesses the pieces of an instruction act as one
// event: the cycle check is on si;(po | rf | co | fr);si.
type SC struct{}

func (SC) Name() string { return "sc" }

func (SC) Consistent(x *Execution) bool {
	if !x.Atomicity() {
		return false
	}
	r := x.PO.Restrict(x.M(), x.M()).Union(x.RF, x.CO, x.FR())
	if x.d().hasSI {
		r = x.SeqSI(r)
		r.UnionWith(x.SI.Seq(r))
	}
	return r.Acyclic()
}

// TSO is x86-TSO, after herd's x86tso.cat:
//
//	acyclic po-loc | com                      (uniproc)
//	empty rmw & (fre;coe)                     (atomic)
//	ghb = mfence | implied | WW(po) | RM(po) | rfe | fr | co
//	acyclic ghb as tso
//
// where implied orders a write before a later read when either is a
// locked access (X, produced by XCHG or a LOCK prefix).
type TSO struct{}

func (TSO) Name() string { return "tso" }

func (TSO) Consistent(x *Execution) bool {
	if !x.Coherence() || !x.Atomicity() {
		return false
	}
	r, w, m := x.R(), x.W(), x.M()
	locked := x.HasAnnot(Atomic)
	po := x.PO
	ghb := po.Restrict(w, w).Union(po.Restrict(r, m))
	ghb.UnionWith(po.Restrict(w, locked).Inter(po.Restrict(w, r)))
	ghb.UnionWith(po.Restrict(locked, r).Inter(po.Restrict(w, r)))
	ghb.UnionWith(x.FenceRel(func(f FenceKind) bool { return f == FenceMFence }).Restrict(m, m))
	ghb.UnionWith(x.Ext(x.RF))
	ghb.UnionWith(x.FR())
	ghb.UnionWith(x.CO)
	return ghb.Acyclic()
}
