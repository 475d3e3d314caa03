package axiomatic

// ARMv8 is the other-multi-copy-atomic Armv8 AArch64 model, after the
// aarch64.cat that herd shipped in 2020 (Arm's release 814a6fc, the
// version the Dartagnan verdicts use):
//
//	ca  = fr | co
//	lrs = [W]; (po-loc \ (po-loc;[W];po-loc)); [R]
//	lws = po-loc; [W]
//	obs = rfe | fre | coe
//	dob = addr | data | ctrl;[W] | (ctrl | addr;po);[ISB];po;[R]
//	    | addr;po;[W] | (addr|data);lrs
//	aob = rmw | [range(rmw)];lrs;[A|Q]
//	bob = po;[dmb.full];po | po;([A];amo;[L]);po | [L];po;[A]
//	    | [R];po;[dmb.ld];po | [A|Q];po | [W];po;[dmb.st];po;[W] | po;[L]
//	lob = lws;si | dob | aob | bob
//	ob  = obs;si | lob
//	acyclic po-loc | ca | rf as internal
//	acyclic ob as external
//	empty rmw & (fre;coe) as atomic
//
// si (same instruction) is the identity except for mixed-size accesses,
// whose pieces it relates (Execution.SI); it makes the pieces of one
// access single-copy atomic towards other threads.
type ARMv8 struct{}

func (ARMv8) Name() string { return "armv8" }

func (ARMv8) Consistent(x *Execution) bool {
	if !x.Coherence() || !x.Atomicity() {
		return false
	}
	obs := x.Ext(x.RF)
	obs.UnionWith(x.Ext(x.FR()))
	obs.UnionWith(x.Ext(x.CO))
	ob := ARMv8{}.LOB(x)
	ob.UnionWith(x.SeqSI(obs))
	return ob.Acyclic()
}

// LOB computes locally-ordered-before: lws;si | dob | aob | bob.
func (ARMv8) LOB(x *Execution) Rel {
	r, w, m := x.R(), x.W(), x.M()
	po, poLoc := x.PO, x.PoLoc()
	all := x.All()

	lrs := poLoc.Minus(poLoc.Restrict(all, w).Seq(poLoc)).Restrict(w, r)
	lob := x.SeqSI(poLoc.Restrict(m, w)) // lws;si

	isb := x.Where(func(e Event) bool { return e.Kind == Fence && e.Fence == FenceISB })
	addrPo := x.Addr.Seq(po)
	dob := x.Addr.Union(x.Data)
	dob.UnionWith(x.Ctrl.Restrict(all, w))
	dob.UnionWith(x.Ctrl.Union(addrPo).Restrict(all, isb).Seq(po).Restrict(all, r))
	dob.UnionWith(addrPo.Restrict(all, w))
	dob.UnionWith(x.Addr.Union(x.Data).Seq(lrs))
	lob.UnionWith(dob)

	acq := x.HasAnnot(Acquire)
	acqOrPC := x.HasAnnot(Acquire | AcquirePC)
	rel := x.HasAnnot(Release)
	lob.UnionWith(x.RMW)
	lob.UnionWith(x.RMW.Range().restrictRel(lrs).Restrict(all, acqOrPC))

	dmb := func(k FenceKind) Rel {
		return x.FenceRel(func(f FenceKind) bool { return f == k || f.dmbOf() == k })
	}
	lob.UnionWith(dmb(FenceDMBFull))
	amoAL := x.AMO.Restrict(acq, rel)
	lob.UnionWith(po.Restrict(all, amoAL.Domain()).Seq(amoAL).Seq(po))
	lob.UnionWith(po.Restrict(rel, acq))
	lob.UnionWith(dmb(FenceDMBLd).Restrict(r, all))
	lob.UnionWith(po.Restrict(acqOrPC, all))
	lob.UnionWith(dmb(FenceDMBSt).Restrict(w, w))
	lob.UnionWith(po.Restrict(all, rel))
	return lob
}

// restrictRel returns [s];r.
func (s Set) restrictRel(r Rel) Rel {
	all := NewSet(r.n)
	for i := range all {
		all[i] = ^uint64(0)
	}
	return r.Restrict(s, all)
}

// dmbOf maps a DSB to the DMB of the same class, for models that do not
// tell them apart.
func (f FenceKind) dmbOf() FenceKind {
	switch f {
	case FenceDSBFull:
		return FenceDMBFull
	case FenceDSBLd:
		return FenceDMBLd
	case FenceDSBSt:
		return FenceDMBSt
	}
	return FenceNone
}
