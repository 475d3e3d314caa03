package axiomatic

// Kind says what an event does.
type Kind uint8

const (
	Read  Kind = iota // a memory read
	Write             // a memory write (thread -1 holds the initial writes)
	Fence             // a barrier; its Fence field says which
	// Update is a read-modify-write performed as one event that is both a
	// read and a write, as herd models RISC-V AMOs (its Amo action).
	// ReadValue is the value read, Value the value written.
	Update
)

// Annot is the set of ordering annotations herd attaches to an access.
type Annot uint16

const (
	Acquire   Annot = 1 << iota // RISC-V .aq, ARM LDAR (A), x86 never
	AcquirePC                   // ARM LDAPR (Q): acquire, RCpc flavour
	Release                     // RISC-V .rl, ARM STLR (L)
	Exclusive                   // RISC-V LR/SC, ARM LDXR/STXR (herd's EX)
	Atomic                      // produced by one AMO / locked instruction (herd's X)
	// IFetch marks the read by which a hart fetches an instruction it
	// then executes (herd's Imp & Instr & R, under -variant ifetch). It is
	// an implicit access: no model's explicit-access rules apply to it.
	IFetch
)

// FenceKind identifies a barrier instruction. The RISC-V ones carry
// predecessor and successor access sets.
type FenceKind uint16

const (
	FenceNone FenceKind = iota
	// RISC-V: fence pred,succ is FenceRISCV|pred<<2|succ with R=1, W=2.
	FenceRISCVTSO
	FenceDMBFull // DMB SY/ISH/OSH and DSB equivalents
	FenceDMBLd   // DMB LD/ISHLD
	FenceDMBSt   // DMB ST/ISHST
	FenceISB
	FenceMFence
	FenceOther // fence.i and other barriers with no data-ordering effect

	// Armv8 DSBs, kept apart from DMBs because they also order cache
	// maintenance and instruction fetches (aarch64.cat's dsb.full,
	// dsb.ld, dsb.st). Models without instruction fetch treat each as
	// the DMB of the same class.
	FenceDSBFull
	FenceDSBLd
	FenceDSBSt
	// Cache maintenance (herd's CMO events). DC CVAU and IC IVAU carry the
	// address they clean or invalidate in Event.Loc; IC IALLU has none and
	// is on the same cache line as everything.
	FenceDCCVAU
	FenceICIVAU
	FenceICIALLU
	// Exception entry (a fault taken) and exception return (ERET): context
	// synchronisation events, like ISB (aarch64hwreqs.cat's IFB).
	FenceExcEntry
	FenceExcReturn

	FenceRISCV FenceKind = 0x100
)

// RISCVFence builds the kind of `fence pred,succ`, where pred and succ are
// bit sets of FenceR and FenceW.
func RISCVFence(pred, succ int) FenceKind {
	return FenceRISCV | FenceKind(pred<<2|succ)
}

// Access bits used by RISCVFence.
const (
	FenceR = 1
	FenceW = 2
)

// RISCVSets returns the predecessor and successor sets of a RISC-V fence.
func (f FenceKind) RISCVSets() (pred, succ int, ok bool) {
	if f&FenceRISCV == 0 {
		return 0, 0, false
	}
	return int(f>>2) & 3, int(f) & 3, true
}

// Event is one node of a candidate execution.
type Event struct {
	Kind   Kind
	Thread int // -1 for initial writes
	Index  int // program-order position inside its thread
	Loc    int64
	Value  int64 // value written, or read for a Read
	// ReadValue is the value an Update reads.
	ReadValue int64
	Annot     Annot
	Fence     FenceKind
}

// Mem reports whether the event accesses memory.
func (e Event) Mem() bool { return e.Kind != Fence }

// IsRead reports membership in herd's R set (reads and updates).
func (e Event) IsRead() bool { return e.Kind == Read || e.Kind == Update }

// IsWrite reports membership in herd's W set (writes and updates).
func (e Event) IsWrite() bool { return e.Kind == Write || e.Kind == Update }

// Execution is a candidate execution: events plus the relations herd
// calls po, rf, co, addr, data, ctrl, rmw and amo. Models derive the rest
// (fr, po-loc, int/ext, ...) from these.
type Execution struct {
	Events []Event
	PO     Rel // program order, transitive, within each thread
	RF     Rel // write -> read it feeds
	CO     Rel // coherence, transitive, per location, initial write first
	Addr   Rel // read -> access whose address depends on it
	Data   Rel // read -> write whose value depends on it
	Ctrl   Rel // read -> every event after a branch depending on it
	RMW    Rel // read -> write of one atomic read-modify-write (AMO or LR/SC pair)
	AMO    Rel // the pairs of RMW made by one instruction (not LR/SC)
	// SI relates distinct events produced by one instruction (herd's si
	// without its identity part). Only mixed-size accesses fill it: an
	// access overlapping others of different extents is split into
	// pieces, one event each, and its pieces are SI-related and not
	// po-ordered among themselves.
	SI Rel

	derived *derived
}

// derived caches the sets and relations that do not depend on rf and co,
// so that checking many rf/co choices over the same events stays cheap.
type derived struct {
	r, w, m, f Set
	sameLoc    Rel
	poLoc      Rel
	int_       Rel
	fenceRel   map[FenceKind]Rel
	hasSI      bool
}

// NewExecution allocates empty relations for the given events.
func NewExecution(events []Event) *Execution {
	n := len(events)
	return &Execution{
		Events: events,
		PO:     NewRel(n), RF: NewRel(n), CO: NewRel(n),
		Addr: NewRel(n), Data: NewRel(n), Ctrl: NewRel(n),
		RMW: NewRel(n), AMO: NewRel(n), SI: NewRel(n),
	}
}

// Invalidate drops cached derived relations; call it after changing
// events, po or dependencies (not needed after changing rf or co).
func (x *Execution) Invalidate() { x.derived = nil }

func (x *Execution) d() *derived {
	if x.derived != nil {
		return x.derived
	}
	n := len(x.Events)
	d := &derived{r: NewSet(n), w: NewSet(n), m: NewSet(n), f: NewSet(n),
		sameLoc: NewRel(n), int_: NewRel(n), fenceRel: map[FenceKind]Rel{}}
	for i, e := range x.Events {
		if e.IsRead() {
			d.r.Add(i)
		}
		if e.IsWrite() {
			d.w.Add(i)
		}
		if e.Mem() {
			d.m.Add(i)
		} else {
			d.f.Add(i)
		}
		for j, o := range x.Events {
			if e.Mem() && o.Mem() && e.Loc == o.Loc {
				d.sameLoc.Add(i, j)
			}
			if e.Thread == o.Thread && e.Thread >= 0 {
				d.int_.Add(i, j)
			}
		}
	}
	d.poLoc = x.PO.Inter(d.sameLoc)
	d.hasSI = !x.SI.IsEmpty()
	x.derived = d
	return d
}

// Sets R, W, M (memory accesses) and F (fences).
func (x *Execution) R() Set { return x.d().r }
func (x *Execution) W() Set { return x.d().w }
func (x *Execution) M() Set { return x.d().m }

// All returns the set of every event.
func (x *Execution) All() Set {
	s := NewSet(len(x.Events))
	for i := range x.Events {
		s.Add(i)
	}
	return s
}

// Where returns the events satisfying keep.
func (x *Execution) Where(keep func(Event) bool) Set {
	s := NewSet(len(x.Events))
	for i, e := range x.Events {
		if keep(e) {
			s.Add(i)
		}
	}
	return s
}

// HasAnnot returns the memory events carrying any of the annotations a.
func (x *Execution) HasAnnot(a Annot) Set {
	return x.Where(func(e Event) bool { return e.Mem() && e.Annot&a != 0 })
}

// PoLoc is po restricted to accesses of the same location.
func (x *Execution) PoLoc() Rel { return x.d().poLoc }

// Internal relates events of the same thread (herd's int); its complement
// among memory events is ext. Initial writes are external to everything.
func (x *Execution) Internal() Rel { return x.d().int_ }

// FR is from-read: (rf^-1;co) \ id.
func (x *Execution) FR() Rel {
	fr := x.RF.Inverse().Seq(x.CO)
	for i := range x.Events {
		if fr.Has(i, i) {
			fr.b[i*fr.w+i>>6] &^= 1 << (uint(i) & 63)
		}
	}
	return fr
}

// SeqSI returns r;si, where si is SI plus the identity: r extended from
// each event to the other pieces of its instruction.
func (x *Execution) SeqSI(r Rel) Rel {
	if !x.d().hasSI {
		return r
	}
	return r.Union(r.Seq(x.SI))
}

// Ext returns r restricted to pairs in different threads.
func (x *Execution) Ext(r Rel) Rel { return r.Minus(x.Internal()) }

// Int returns r restricted to pairs in the same thread.
func (x *Execution) Int(r Rel) Rel { return r.Inter(x.Internal()) }

// FenceRel is herd's fencerel(F): pairs (a, b) with a po F po b for a
// fence event F satisfying match.
func (x *Execution) FenceRel(match func(FenceKind) bool) Rel {
	n := len(x.Events)
	before := NewRel(n)
	for f, e := range x.Events {
		if e.Kind != Fence || !match(e.Fence) {
			continue
		}
		for a := 0; a < n; a++ {
			if x.PO.Has(a, f) {
				before.Add(a, f)
			}
		}
	}
	return before.Seq(x.PO)
}

// Coherence is SC-per-location: acyclic po-loc | rf | co | fr.
func (x *Execution) Coherence() bool {
	return x.PoLoc().Union(x.RF, x.CO, x.FR()).Acyclic()
}

// Atomicity is herd's `empty rmw & (fre;coe)`: no external write slips
// between the read and the write of an atomic pair.
func (x *Execution) Atomicity() bool {
	fre := x.Ext(x.FR())
	coe := x.Ext(x.CO)
	return x.RMW.Inter(fre.Seq(coe)).IsEmpty()
}
