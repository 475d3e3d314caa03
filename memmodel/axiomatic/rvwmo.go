package axiomatic

// RVWMO is the RISC-V weak memory model, after herd's riscv.cat and
// riscv-defs.cat (RISC-V ISA manual, chapter "RVWMO"):
//
//	acyclic co | rf | fr | po-loc  as Coherence
//	acyclic co | rfe | fr | ppo    as Model
//	empty rmw & (fre;coe)          as Atomic
//
// ppo is the union of the thirteen preserved-program-order rules r1..r13.
// Annotations follow herd's RISCVSem: an .aq.rl access is both acquire and
// release; an AMO is one Update event (both R and W) carrying Atomic
// (herd's X) and its .aq/.rl, so rmw only holds LR/SC pairs; LR/SC events
// carry Exclusive (herd's EX). fence.i orders nothing in riscv.cat.
type RVWMO struct{}

func (RVWMO) Name() string { return "rvwmo" }

func (RVWMO) Consistent(x *Execution) bool {
	if !x.Coherence() || !x.Atomicity() {
		return false
	}
	m := RVWMO{}.PPO(x)
	m.UnionWith(x.CO)
	m.UnionWith(x.Ext(x.RF))
	m.UnionWith(x.FR())
	return m.Acyclic()
}

// PPO computes riscv-defs.cat's preserved program order.
func (RVWMO) PPO(x *Execution) Rel {
	r, w, m := x.R(), x.W(), x.M()
	po, poLoc := x.PO, x.PoLoc()

	// r1: [M];po-loc;[W]
	ppo := poLoc.Restrict(m, w)

	// r2: ([R];po-loc-no-w;[R]) \ rsw, where po-loc-no-w drops pairs with
	// a same-location write between them and rsw = rf^-1;rf.
	through := poLoc.Restrict(m, w).Seq(poLoc)
	rsw := x.RF.Inverse().Seq(x.RF)
	ppo.UnionWith(poLoc.Restrict(r, r).Minus(through).Minus(rsw))

	// r3: [AMO|SC];rfi;[R] with AMO = X and SC = EX & W.
	amoOrSC := x.Where(func(e Event) bool {
		return e.IsWrite() && e.Annot&(Atomic|Exclusive) != 0
	})
	ppo.UnionWith(x.Int(x.RF).Restrict(amoOrSC, r))

	// r4: fences, each ordering its predecessor set before its successor set.
	ppo.UnionWith(riscvFences(x))

	// r5: [AQ];po;[M]   r6: [M];po;[RL]
	aq, rl := x.HasAnnot(Acquire), x.HasAnnot(Release)
	ppo.UnionWith(po.Restrict(aq, m))
	ppo.UnionWith(po.Restrict(m, rl))

	// r7: [RCsc];po;[RCsc], RCsc = (Acq|Rel|AcqRel) & (EX|X)
	rcsc := x.Where(func(e Event) bool {
		return e.Mem() && e.Annot&(Acquire|Release) != 0 && e.Annot&(Exclusive|Atomic) != 0
	})
	ppo.UnionWith(po.Restrict(rcsc, rcsc))

	// r8: rmw
	ppo.UnionWith(x.RMW)

	// r9: [M];addr;[M]  r10: [M];data;[W]  r11: [M];ctrl;[W]
	ppo.UnionWith(x.Addr.Restrict(m, m))
	ppo.UnionWith(x.Data.Restrict(m, w))
	ppo.UnionWith(x.Ctrl.Restrict(m, w))

	// r12: [M];(addr|data);[W];rfi;[R]
	ad := x.Addr.Union(x.Data).Restrict(m, w)
	ppo.UnionWith(ad.Seq(x.Int(x.RF)).Restrict(m, r))

	// r13: [M];addr;[M];po;[W]
	ppo.UnionWith(x.Addr.Restrict(m, m).Seq(po).Restrict(m, w))
	return ppo
}

// riscvFences returns riscv-defs.cat's `fence` relation: for fence pred,succ
// the pairs [pred];fencerel;[succ], and for fence.tso
// ([W];fencerel;[W]) | ([R];fencerel;[M]).
func riscvFences(x *Execution) Rel {
	r, w, m := x.R(), x.W(), x.M()
	out := NewRel(len(x.Events))
	setOf := func(bits int) Set {
		switch bits {
		case FenceR:
			return r
		case FenceW:
			return w
		case FenceR | FenceW:
			return m
		}
		return NewSet(len(x.Events))
	}
	kinds := map[FenceKind]bool{}
	for _, e := range x.Events {
		if e.Kind == Fence {
			kinds[e.Fence] = true
		}
	}
	for k := range kinds {
		fr := x.FenceRel(func(f FenceKind) bool { return f == k })
		if k == FenceRISCVTSO {
			out.UnionWith(fr.Restrict(w, w))
			out.UnionWith(fr.Restrict(r, m))
			continue
		}
		if pred, succ, ok := k.RISCVSets(); ok {
			out.UnionWith(fr.Restrict(setOf(pred), setOf(succ)))
		}
	}
	return out
}
