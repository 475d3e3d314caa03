package axiomatic

// ARMv8IFetch is the Armv8 model with instruction fetch, after herd's
// current aarch64.cat (with aarch64hwreqs.cat, enumerations.cat and
// aarch64loc.cat) run with -variant ifetch: the semantics of Simner et
// al., "ARMv8-A system semantics: instruction fetch in relaxed
// architectures" (ESOP 2020), as Arm's model states it.
//
// An instruction at a label whose address the program uses as data may be
// overwritten; executing it starts with a fetch, an implicit read (Event
// with the IFetch annotation) of its location, and the hart executes
// whatever the fetch read. A fetch may read a write older than the latest
// one until the writer cleans the data cache (DC CVAU), invalidates the
// instruction cache (IC IVAU), each completed by a DSB, and the fetching
// hart executes a context synchronisation event (ISB, exception entry or
// return). CTR_EL0.IDC makes the clean unnecessary, CTR_EL0.DIC the
// invalidation as well (DIC implies IDC):
//
//	f-ob   = [Fetch]; po; [~Fetch]
//	DSB-ob = [M|DC|IC]; po; [dsb.full]; po; [~Fetch]
//	       | [Exp&R]; po; [dsb.ld]; po; [~Fetch] | [Exp&W]; po; [dsb.st]; po; [~Fetch]
//	IFB-ob = [Exp&R]; ctrl; [IFB]; po | [Exp&R]; addr; [Exp&M]; po; [IFB]; po
//	       | DSB-ob; [IFB]; po
//	lob    = (f-ob | po-scl-ob | DSB-ob | IFB-ob | lmws | dob | aob | bob)+
//	IC-after, DC-after: every orientation of the pairs (IC followed by a
//	       DSB, fetch) and (DC CVAU, explicit write) on one cache line that
//	       lob does not already order; the execution is allowed if one
//	       choice satisfies the axioms
//	IC-ob  = [Fetch]; po; [Fetch]; (IC-after; [IC]; (DSB-ob | IFB-ob) | DIC ? ca)
//	Exp-haz-ob = [Exp&R]; po-loc; [Exp&R]; ca&ext; [Exp&W]
//	obs    = [Exp&M]; (rfe | ca&ext); [Exp&M]
//	       | rf; [Fetch] | IC-after | DC-after | IC-ca
//	IC-ca  = !IDC: [IC]; IC-after; [Fetch]; ca; [W]; DC-after; [DC]
//	       | IDC && !DIC: [IC]; IC-after; [Fetch]; ca; [W]
//	       | DIC: [Fetch]; ca; [W]
//	ob     = (lob | IC-ob | Exp-haz-ob | obs)+      irreflexive ob
//
// with the internal axioms coRW1, coWW and coWR on explicit accesses and
// the atomicity axiom. Explicit accesses follow the same file, so tests
// without fetches get the current Armv8 model.
type ARMv8IFetch struct {
	// DIC and IDC are CTR_EL0's cache-type bits (a test's CacheType=).
	DIC, IDC bool
}

func (m ARMv8IFetch) Name() string { return "armv8-ifetch" }

// WithCacheType returns the model for a machine with the given CTR_EL0
// bits; DIC implies IDC, as in herd's CacheType parser.
func (m ARMv8IFetch) WithCacheType(dic, idc bool) Model {
	return ARMv8IFetch{DIC: dic, IDC: idc || dic}
}

// ifetchSets are the event classes aarch64.cat names.
type ifetchSets struct {
	all, fetch, notFetch, exp, expR, expW, expM, m, w, iw Set
	dc, ic, icAll, cic, ifb                               Set
	acq, acqPC, rel                                       Set
}

func (m ARMv8IFetch) sets(x *Execution) ifetchSets {
	s := ifetchSets{all: x.All()}
	s.fetch = x.Where(func(e Event) bool { return e.Kind == Read && e.Annot&IFetch != 0 })
	s.notFetch = x.Where(func(e Event) bool { return !(e.Kind == Read && e.Annot&IFetch != 0) })
	s.m = x.M()
	s.w = x.W()
	s.exp = x.Where(func(e Event) bool { return e.Mem() && e.Annot&IFetch == 0 })
	s.expR = x.Where(func(e Event) bool { return e.IsRead() && e.Annot&IFetch == 0 })
	s.expW = x.Where(func(e Event) bool { return e.IsWrite() })
	s.expM = s.exp
	s.iw = x.Where(func(e Event) bool { return e.Thread < 0 })
	s.dc = x.Where(func(e Event) bool { return e.Kind == Fence && e.Fence == FenceDCCVAU })
	s.ic = x.Where(func(e Event) bool {
		return e.Kind == Fence && (e.Fence == FenceICIVAU || e.Fence == FenceICIALLU)
	})
	s.icAll = x.Where(func(e Event) bool { return e.Kind == Fence && e.Fence == FenceICIALLU })
	s.ifb = x.Where(func(e Event) bool {
		return e.Kind == Fence && (e.Fence == FenceISB || e.Fence == FenceExcEntry || e.Fence == FenceExcReturn)
	})
	s.acq = x.HasAnnot(Acquire)
	s.acqPC = x.HasAnnot(Acquire | AcquirePC)
	s.rel = x.HasAnnot(Release)
	// C_IC: the invalidations some DSB completes.
	dsbFull := x.Where(func(e Event) bool { return e.Kind == Fence && e.Fence == FenceDSBFull })
	s.cic = x.PO.Restrict(s.ic, dsbFull).Domain()
	return s
}

// scl is aarch64loc.cat's same-cache-line relation: the same location
// (every modified instruction is assumed to sit on its own line), and IC
// IALLU with every access and maintenance operation.
func (m ARMv8IFetch) scl(x *Execution, s ifetchSets) Rel {
	n := len(x.Events)
	r := NewRel(n)
	located := func(e Event) bool {
		return e.Mem() || e.Kind == Fence && (e.Fence == FenceDCCVAU || e.Fence == FenceICIVAU)
	}
	for i, a := range x.Events {
		for j, b := range x.Events {
			switch {
			case located(a) && located(b) && a.Loc == b.Loc:
				r.Add(i, j)
			case s.icAll.Has(i) && (located(b) || s.ic.Has(j)),
				s.icAll.Has(j) && (located(a) || s.ic.Has(i)):
				r.Add(i, j)
			}
		}
	}
	return r
}

// fenced returns [from]; po; [fences]; po; [to].
func fenced(x *Execution, from Set, match func(FenceKind) bool, to Set) Rel {
	return x.FenceRel(match).Restrict(from, to)
}

func isFence(k FenceKind) func(FenceKind) bool {
	return func(f FenceKind) bool { return f == k }
}

// lob computes locally-ordered-before and DSB-ob, IFB-ob (which IC-ob
// reuses).
func (m ARMv8IFetch) lob(x *Execution, s ifetchSets, scl Rel) (lob, dsbOb, ifbOb Rel) {
	po := x.PO
	all := s.all
	poLoc := x.PoLoc()

	fOb := po.Restrict(s.fetch, s.notFetch)
	poScl := po.Inter(scl)
	poSclOb := poScl.Restrict(s.expM, s.dc).Union(poScl.Restrict(s.dc, s.expM), poScl.Restrict(s.dc, s.dc))

	mdcic := s.m.union(s.dc).union(s.ic)
	dsbOb = fenced(x, mdcic, isFence(FenceDSBFull), s.notFetch)
	dsbOb.UnionWith(fenced(x, s.expR, isFence(FenceDSBLd), s.notFetch))
	dsbOb.UnionWith(fenced(x, s.expW, isFence(FenceDSBSt), s.notFetch))

	poToIFB := po.Restrict(all, s.ifb)
	ifbPo := po.Restrict(s.ifb, all)
	ifbOb = x.Ctrl.Restrict(s.expR, s.ifb).Seq(ifbPo)
	ifbOb.UnionWith(x.Addr.Restrict(s.expR, s.expM).Seq(poToIFB).Seq(ifbPo))
	ifbOb.UnionWith(dsbOb.Restrict(all, s.ifb).Seq(ifbPo))

	lmws := x.SeqSI(poLoc.Restrict(s.expM, s.expW))
	lmrs := poLoc.Minus(poLoc.Restrict(all, s.w).Seq(poLoc)).Restrict(s.w, x.R())

	dob := x.Addr.Union(x.Data)
	dob.UnionWith(x.Ctrl.Restrict(all, s.expW.union(s.dc).union(s.ic)))
	dob.UnionWith(x.Addr.Restrict(all, s.expM).Seq(po).Restrict(all, s.expW))
	dob.UnionWith(x.Addr.Union(x.Data).Restrict(all, s.expM).Seq(lmrs).Restrict(all, s.expR))

	aob := x.RMW.Restrict(s.expM, s.expM)
	aob.UnionWith(x.RMW.Restrict(s.expM, s.expM).Seq(lmrs).Restrict(all, s.acqPC))

	full := func(f FenceKind) bool { return f == FenceDMBFull }
	bob := fenced(x, s.expM, full, s.expM)
	bob.UnionWith(fenced(x, s.expM, full, s.dc))
	bob.UnionWith(fenced(x, s.dc, full, s.expM))
	bob.UnionWith(fenced(x, s.dc, full, s.dc))
	bob.UnionWith(fenced(x, s.expR, isFence(FenceDMBLd), s.expM))
	bob.UnionWith(fenced(x, s.expW, isFence(FenceDMBSt), s.expW))
	amoAL := x.AMO.Restrict(s.acq, s.rel)
	bob.UnionWith(po.Restrict(amoAL.Domain(), s.expM))
	bob.UnionWith(po.Restrict(s.rel.inter(s.expW), s.acq.inter(s.expR)))
	bob.UnionWith(po.Restrict(s.acqPC.inter(s.expR), s.expM))
	bob.UnionWith(po.Restrict(s.expM, s.rel.inter(s.expW)))

	lob = fOb.Union(poSclOb, dsbOb, ifbOb, lmws, dob, aob, bob).Plus()
	return lob, dsbOb, ifbOb
}

// Consistent enumerates the IC-after and DC-after orders and accepts the
// execution if the axioms hold for one of them.
func (m ARMv8IFetch) Consistent(x *Execution) bool {
	if !m.internal(x) {
		return false
	}
	s := m.sets(x)
	scl := m.scl(x, s)
	lob, dsbOb, ifbOb := m.lob(x, s, scl)
	n := len(x.Events)

	fr := x.FR()
	ca := fr.Union(x.CO)
	rfe := x.Ext(x.RF)

	// Everything in ob that does not depend on the enumerated orders.
	base := lob.Clone()
	base.UnionWith(x.PoLoc().Restrict(s.expR, s.expR).Seq(x.Ext(ca).Restrict(s.expR, s.expW))) // Exp-haz-ob
	base.UnionWith(x.SeqSI(rfe.Restrict(s.expM, s.expM).Union(x.Ext(ca).Restrict(s.expM, s.expM))))
	base.UnionWith(x.RF.Restrict(s.all, s.fetch))
	fetchPoFetch := x.PO.Restrict(s.fetch, s.fetch)
	if m.DIC {
		base.UnionWith(fetchPoFetch.Seq(ca)) // IC-ob, DIC case
		base.UnionWith(ca.Restrict(s.fetch, s.w))
	}
	if !base.Acyclic() {
		return false
	}

	// The pairs to orient, each as [a, b] with a the maintenance event.
	type pair struct{ a, b int }
	orient := func(pairs Rel, rel Rel) (fixed Rel, open []pair) {
		fixed = NewRel(n)
		pairs.Each(func(a, b int) {
			switch {
			case rel.Has(a, b):
				fixed.Add(a, b)
			case rel.Has(b, a):
				fixed.Add(b, a)
			default:
				open = append(open, pair{a, b})
			}
		})
		return fixed, open
	}
	icPairs := scl.Restrict(s.cic, s.fetch)
	icFixed, icOpen := orient(icPairs, lob)
	dcRel := lob.Clone()
	dcRel.UnionWith(NewRel(n).fill(s.iw, s.all.minus(s.iw)))
	dcFixed, dcOpen := orient(scl.Restrict(s.dc, s.expW), dcRel)

	// Litmus tests have a handful of maintenance operations, so the 2^k
	// orders of the k open pairs are few.
	open := append(append([]pair(nil), icOpen...), dcOpen...)
	for choice := 0; choice < 1<<len(open); choice++ {
		icAfter, dcAfter := icFixed.Clone(), dcFixed.Clone()
		for k, p := range open {
			dst := dcAfter
			if k < len(icOpen) {
				dst = icAfter
			}
			if choice&(1<<k) != 0 {
				dst.Add(p.b, p.a)
			} else {
				dst.Add(p.a, p.b)
			}
		}
		ob := base.Clone()
		ob.UnionWith(icAfter)
		ob.UnionWith(dcAfter)
		// IC-ob: a fetch po-before a fetch the IC-after order puts before a
		// completed invalidation.
		icThen := icAfter.Restrict(s.all, s.ic).Seq(dsbOb.Union(ifbOb))
		ob.UnionWith(fetchPoFetch.Seq(icThen))
		// IC-ca: the invalidation is ordered before a fetch that still
		// reads an older write.
		switch {
		case m.DIC:
		case m.IDC:
			ob.UnionWith(icAfter.Restrict(s.ic, s.fetch).Seq(ca.Restrict(s.fetch, s.w)))
		default:
			ob.UnionWith(icAfter.Restrict(s.ic, s.fetch).Seq(ca.Restrict(s.fetch, s.w)).Seq(dcAfter.Restrict(s.w, s.dc)))
		}
		if ob.Acyclic() {
			return true
		}
	}
	return false
}

// internal checks the internal visibility axioms and atomicity on
// explicit accesses:
//
//	irreflexive [Exp&R]; (po-loc | rmw); [Exp&W]; rfi; [Exp&R]  as coRW1
//	irreflexive [Exp&W]; po-loc; [Exp&W]; ca&int; [Exp&W]       as coWW
//	irreflexive [Exp&W]; po-loc; [Exp&R]; ca&int; [Exp&W]       as coWR
//	empty (rmw & (fr;co)) \ (([Exp];rmw;[Exp]) & (fri;[Exp&W];coi)) as atomic
func (m ARMv8IFetch) internal(x *Execution) bool {
	s := m.sets(x)
	poLoc := x.PoLoc()
	rfi := x.Int(x.RF)
	fr := x.FR()
	caInt := x.Int(fr.Union(x.CO))
	coRW1 := poLoc.Union(x.RMW).Restrict(s.expR, s.expW).Seq(rfi.Restrict(s.all, s.expR))
	coWW := poLoc.Restrict(s.expW, s.expW).Seq(caInt.Restrict(s.all, s.expW))
	coWR := poLoc.Restrict(s.expW, s.expR).Seq(caInt.Restrict(s.all, s.expW))
	if !coRW1.Irreflexive() || !coWW.Irreflexive() || !coWR.Irreflexive() {
		return false
	}
	bad := x.RMW.Inter(fr.Seq(x.CO))
	ok := x.RMW.Restrict(s.exp, s.exp).Inter(x.Int(fr).Restrict(s.all, s.expW).Seq(x.Int(x.CO)))
	return bad.Minus(ok).IsEmpty()
}

func (s Set) union(o Set) Set {
	out := make(Set, len(s))
	for i := range s {
		out[i] = s[i] | o[i]
	}
	return out
}

func (s Set) inter(o Set) Set {
	out := make(Set, len(s))
	for i := range s {
		out[i] = s[i] & o[i]
	}
	return out
}

func (s Set) minus(o Set) Set {
	out := make(Set, len(s))
	for i := range s {
		out[i] = s[i] &^ o[i]
	}
	return out
}

// fill adds dom × rng to r and returns it.
func (r Rel) fill(dom, rng Set) Rel {
	for i := 0; i < r.n; i++ {
		if !dom.Has(i) {
			continue
		}
		row := r.row(i)
		for k := range row {
			row[k] |= rng[k]
		}
	}
	return r
}
