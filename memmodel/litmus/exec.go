package litmus

import (
	"errors"

	ax "github.com/ftcheck/ftcheck/memmodel/axiomatic"
)

// regVal is a register value with the set of the thread's read events it
// was computed from (herd's register data flow, the source of addr, data
// and ctrl dependencies).
type regVal struct {
	v   int64
	dep uint64
}

// tEvent is an event of one thread path, before being placed in a graph.
type tEvent struct {
	kind    ax.Kind
	size    int
	loc     int64
	val     int64 // value written (or read, for a read)
	readVal int64 // value an Update reads
	annot   ax.Annot
	fence   ax.FenceKind
	addrDep uint64 // reads (by index in the path) the address depends on
	dataDep uint64 // reads the written value depends on
	ctrlDep uint64 // reads some earlier branch depends on
	amoRead int    // for the write of an AMO: index of its read, else -1
	// inst numbers the instruction (memory access or fence) that produced
	// the event along its path; the pieces of a mixed-size access share it.
	inst int
}

// trace is one control-flow path of a thread with a value for every read.
type trace struct {
	events []tEvent
	regs   []int64 // final register values by slot
	faults []faultRec
	// cut marks a path stopped at the unrolling bound: its writes still
	// feed the value domain, but it is no execution.
	cut bool
}

// maxPathEvents bounds the events of one path: dependency sets are 64-bit
// masks, and litmus threads are far shorter.
const maxPathEvents = 64

// maxSteps bounds instructions executed along one path, so that loops
// terminate; longer paths are dropped like herd's unrolling cut-off.
const maxSteps = 256

var errPathTooLong = errors.New("a thread path has more than 64 events")

type pathState struct {
	pc      int
	steps   int
	regs    []regVal
	flags   regVal
	events  []tEvent
	ctrl    uint64
	resAddr int64 // reservation address, 0 when none (herd's RESADDR)
	ninst   int   // instructions that produced events so far

	// Instruction fetch. code is the thread whose code runs (a branch may
	// enter another thread's code); inHandler is set while the fault
	// handler runs; decoded is the instruction the last fetch read, to be
	// executed next; faults are the faults taken so far.
	code      int
	inHandler bool
	decoded   *inst
	faults    []faultRec
	// cut marks a path dropped at herd's unrolling bound.
	cut bool
}

// unroll bounds how often a path enters its fault handler: a handler that
// returns to a faulting instruction loops, and herd cuts such loops at its
// default unrolling bound (-unroll 2), discarding the paths.
const unroll = 2

func (s *pathState) clone() *pathState {
	c := *s
	c.regs = append([]regVal(nil), s.regs...)
	c.events = append([]tEvent(nil), s.events...)
	c.faults = append([]faultRec(nil), s.faults...)
	return &c
}

func (s *pathState) get(r int) regVal {
	if r <= 0 {
		return regVal{}
	}
	return s.regs[r]
}

func (s *pathState) set(r int, v regVal) {
	if r > 0 {
		s.regs[r] = v
	}
}

// paths enumerates every path of th where each read returns one of the
// values the memory domain allows, accesses being split into pieces at
// the domain's cut points. Reads of addresses that are neither locations
// nor written anywhere end the path (herd would fault).
func (t *Test) paths(th *Thread, mem *memory, stop func() bool) ([]trace, error) {
	var out []trace
	init := &pathState{regs: make([]regVal, len(th.regName)), code: th.ID}
	for slot, v := range th.RegInit {
		init.regs[slot] = regVal{v: v}
	}
	stack := []*pathState{init}
	for len(stack) > 0 {
		if stop() {
			return out, nil
		}
		s := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
	run:
		for {
			if s.cut {
				out = append(out, trace{events: s.events, cut: true})
				break
			}
			code := t.Threads[s.code]
			end := code.mainEnd
			if s.inHandler || code.handler < 0 {
				end = len(code.Code)
			}
			if s.pc >= end {
				if len(s.events) > maxPathEvents {
					return nil, errPathTooLong
				}
				regs := make([]int64, len(s.regs))
				for i, r := range s.regs {
					regs[i] = r.v
				}
				out = append(out, trace{events: s.events, regs: regs, faults: s.faults})
				break
			}
			if s.steps++; s.steps > maxSteps {
				break
			}
			if len(s.events) >= maxPathEvents-2 {
				return nil, errPathTooLong
			}
			in := &code.Code[s.pc]
			if s.decoded != nil {
				in, s.decoded = s.decoded, nil
			} else if site := code.sites[s.pc]; site != nil {
				// Fetch the overwritable instruction: one path per word
				// the location may hold, each running what it decodes to.
				vals := mem.values(piece{site.addr, 4})
				for k := len(vals) - 1; k >= 0; k-- {
					c := s.clone()
					c.events = append(c.events, tEvent{kind: ax.Read, size: 4, loc: site.addr, val: vals[k],
						annot: ax.IFetch, ctrlDep: c.ctrl, amoRead: -1, inst: c.ninst})
					c.ninst++
					if c.decoded = site.lookup(vals[k]); c.decoded == nil {
						c.pc++
						if !c.fault(t, th, site.addr, faultUndefinedInstruction) {
							c.pc = len(t.Threads[c.code].Code) // the thread stops
						}
					}
					stack = append(stack, c)
				}
				break run
			}
			here := code.addr[s.pc]
			s.pc++
			switch in.op {
			case opIndirect:
				a := s.get(in.rs1)
				if in.link {
					s.set(in.rd, regVal{v: here + 4})
				}
				s.ctrl |= a.dep
				if !s.jump(t, a.v) {
					break run // not code: herd would stop on a segmentation fault
				}
			case opEret:
				s.events = append(s.events, tEvent{kind: ax.Fence, fence: ax.FenceExcReturn, ctrlDep: s.ctrl, amoRead: -1, inst: s.ninst})
				s.ninst++
				a := s.get(in.rs1) // ELR_EL1
				s.ctrl |= a.dep
				s.inHandler = false
				if !s.jump(t, a.v) {
					break run
				}
			case opUDF:
				if !s.fault(t, th, here, faultUndefinedInstruction) {
					s.pc = len(t.Threads[s.code].Code)
				}
			case opMaint:
				e := tEvent{kind: ax.Fence, fence: in.fence, ctrlDep: s.ctrl, amoRead: -1, inst: s.ninst}
				if in.rs1 != noReg {
					a := s.get(in.rs1)
					e.loc, e.addrDep = a.v, a.dep
				}
				s.events = append(s.events, e)
				s.ninst++
			case opCsel:
				holds, dep := s.branch(&inst{rs1: flagsReg, useImm: true, cond: in.cond})
				var v regVal
				switch {
				case in.cset && holds:
					v = regVal{v: 1}
				case in.cset:
					v = regVal{v: 0}
				case holds:
					v = s.get(in.rs1)
				default:
					v = s.get(in.rs2)
				}
				v.dep |= dep
				if in.width32 {
					v.v = int64(uint32(v.v))
				}
				s.set(in.rd, v)
			case opNop:
			case opALU:
				a := s.get(in.rs1)
				b := s.operand2(in)
				s.set(in.rd, regVal{v: alu(in.alu, a.v, b.v, in.width32), dep: a.dep | b.dep})
			case opCmp:
				a := s.get(in.rs1)
				b := s.operand2(in)
				s.flags = regVal{v: alu(aluSub, a.v, b.v, in.width32), dep: a.dep | b.dep}
			case opFence:
				s.events = append(s.events, tEvent{kind: ax.Fence, fence: in.fence, ctrlDep: s.ctrl, amoRead: -1, inst: s.ninst})
				s.ninst++
			case opJump:
				if in.link {
					s.set(in.rd, regVal{v: here + 4})
				}
				s.pc = in.targetPC
			case opBranch:
				taken, dep := s.branch(in)
				s.ctrl |= dep
				if taken {
					s.pc = in.targetPC
				}
			case opStore:
				addr, adep := s.address(in)
				val := s.storedValue(in)
				s.write(mem.split(addr, in.size), addr, truncate(val.v, in.size), tEvent{kind: ax.Write,
					annot: in.annot, addrDep: adep, dataDep: val.dep, ctrlDep: s.ctrl, amoRead: -1})
			case opStoreCond:
				addr, adep := s.address(in)
				val := s.get(in.rv)
				res := s.resAddr
				s.resAddr = 0
				if res == addr && res != 0 {
					ok := s.clone()
					first := len(ok.events)
					ok.write(mem.split(addr, in.size), addr, truncate(val.v, in.size), tEvent{kind: ax.Write,
						annot: in.annot, addrDep: adep, dataDep: val.dep, ctrlDep: s.ctrl, amoRead: -1})
					result := regVal{v: 0}
					if in.resultDeps {
						// herd (RISC-V): the result register depends on the
						// memory write and on the address.
						result.dep = adep | (1<<uint(len(ok.events)) - 1<<uint(first))
					}
					ok.set(in.rd, result)
					stack = append(stack, ok)
				}
				s.set(in.rd, regVal{v: 1}) // herd lets any store-conditional fail
			case opLoad, opLoadRes, opAMO:
				addr, adep := s.address(in)
				pcs := mem.split(addr, in.size)
				combos := mem.combos(pcs)
				if len(combos) == 0 {
					break run // not an address: herd would fault, we drop the path
				}
				if len(s.events)+2*len(pcs) > maxPathEvents {
					return nil, errPathTooLong
				}
				if in.op == opLoadRes {
					s.resAddr = addr
				}
				for k := len(combos) - 1; k >= 0; k-- {
					c := s
					if k > 0 {
						c = s.clone()
					}
					c.read(in, addr, adep, pcs, combos[k])
					if k > 0 {
						stack = append(stack, c)
					}
				}
			}
		}
	}
	return out, nil
}

// write appends one event per piece of a write of v at addr, each a copy
// of proto with its piece's location, size and bytes of v.
func (s *pathState) write(pcs []piece, addr, v int64, proto tEvent) {
	proto.inst = s.ninst
	s.ninst++
	for _, p := range pcs {
		e := proto
		e.loc, e.size, e.val = p.addr, p.size, extract(v, p.addr-addr, p.size)
		s.events = append(s.events, e)
	}
}

// read appends the read of the piece values vals (and an AMO's write)
// and sets the destination register.
func (s *pathState) read(in *inst, addr int64, adep uint64, pcs []piece, vals []int64) {
	var raw int64
	var dep uint64
	first := len(s.events)
	for i, p := range pcs {
		raw |= int64(uint64(vals[i]) << (8 * uint(p.addr-addr)))
		dep |= 1 << uint(first+i)
	}
	v := extend(raw, in.size, in.signExt)
	mine := regVal{v: v, dep: dep}
	id := s.ninst
	s.ninst++
	if in.op == opAMO && in.oneEvent {
		arg := s.storedValue(in)
		nv := truncate(alu(in.alu, v, arg.v, in.size == 4), in.size)
		for i, p := range pcs {
			s.events = append(s.events, tEvent{kind: ax.Update, size: p.size, loc: p.addr,
				val: extract(nv, p.addr-addr, p.size), readVal: vals[i], annot: in.annot,
				addrDep: adep, dataDep: arg.dep, ctrlDep: s.ctrl, amoRead: -1, inst: id})
		}
		s.set(in.rd, mine)
		return
	}
	for i, p := range pcs {
		s.events = append(s.events, tEvent{kind: ax.Read, size: p.size, loc: p.addr, val: vals[i], annot: in.annot,
			addrDep: adep, ctrlDep: s.ctrl, amoRead: -1, inst: id})
	}
	if in.op == opAMO {
		arg := s.storedValue(in)
		nv := alu(in.alu, v, arg.v, in.size == 4)
		w := len(s.events)
		s.write(pcs, addr, truncate(nv, in.size), tEvent{kind: ax.Write, annot: in.annotW,
			addrDep: adep, dataDep: arg.dep, ctrlDep: s.ctrl})
		for i := range pcs {
			s.events[w+i].amoRead = first + i // the read of the same piece
		}
	}
	s.set(in.rd, mine)
}

func (s *pathState) operand2(in *inst) regVal {
	if in.useImm {
		return regVal{v: in.imm}
	}
	return s.get(in.rs2)
}

func (s *pathState) storedValue(in *inst) regVal {
	if in.hasStoreImm {
		return regVal{v: in.storeImm}
	}
	return s.get(in.rv)
}

func (s *pathState) address(in *inst) (int64, uint64) {
	b := s.get(in.rs1)
	a, dep := b.v+in.imm, b.dep
	if in.rs2 != noReg {
		ix := s.get(in.rs2)
		switch in.ixExt {
		case ixSXTW:
			ix.v = int64(int32(ix.v))
		case ixUXTW:
			ix.v = int64(uint32(ix.v))
		}
		a += ix.v
		dep |= ix.dep
	}
	return a, dep
}

func (s *pathState) branch(in *inst) (bool, uint64) {
	var a, b regVal
	if in.rs1 == flagsReg {
		a = s.flags
	} else {
		a = s.get(in.rs1)
		b = s.operand2(in)
	}
	if in.width32 {
		a.v, b.v = int64(uint32(a.v)), int64(uint32(b.v))
	}
	switch in.cond {
	case condEq:
		return a.v == b.v, a.dep | b.dep
	case condNe:
		return a.v != b.v, a.dep | b.dep
	case condLt:
		return a.v < b.v, a.dep | b.dep
	case condGe:
		return a.v >= b.v, a.dep | b.dep
	}
	return false, 0
}

// flagsReg as a branch source means "the flags set by the last compare".
const flagsReg = -2

func alu(op aluOp, a, b int64, w32 bool) int64 {
	var r int64
	switch op {
	case aluMov, aluSwap:
		r = b
	case aluAdd:
		r = a + b
	case aluSub:
		r = a - b
	case aluXor:
		r = a ^ b
	case aluOr:
		r = a | b
	case aluAnd:
		r = a & b
	case aluSll:
		r = a << uint(b&63)
	}
	if w32 {
		r = int64(uint32(r))
	}
	return r
}

func truncate(v int64, size int) int64 {
	if size >= 8 || size <= 0 {
		return v
	}
	return v & (1<<(8*uint(size)) - 1)
}

func extend(v int64, size int, signed bool) int64 {
	if !signed || size >= 8 {
		return v
	}
	shift := 64 - 8*uint(size)
	return v << shift >> shift
}

// jump continues at code address a, in whichever thread's code holds it.
func (s *pathState) jump(t *Test, a int64) bool {
	th, pc, ok := t.codeAt(a)
	if !ok {
		return false
	}
	s.code, s.pc = th.ID, pc
	return true
}

// fault takes a fault at the instruction at addr: an exception entry
// event, the fault recorded for fault(...) conditions, ELR_EL1 set to the
// instruction, and a jump to the thread's handler. Without a handler (or
// inside it) herd's default handling is fatal: fault returns false and the
// thread stops.
func (s *pathState) fault(t *Test, th *Thread, addr int64, kind faultKind) bool {
	s.events = append(s.events, tEvent{kind: ax.Fence, fence: ax.FenceExcEntry, ctrlDep: s.ctrl, amoRead: -1, inst: s.ninst})
	s.ninst++
	s.faults = append(s.faults, faultRec{addr: addr, kind: kind})
	if th.handler < 0 || s.inHandler {
		return false
	}
	if len(s.faults) > unroll {
		s.cut = true
		return true
	}
	if slot, ok := th.regs[elrEL1]; ok {
		// Only a thread whose code names ELR_EL1 can read it back.
		s.set(slot, regVal{v: addr})
	}
	s.inHandler, s.code, s.pc = true, th.ID, th.handler
	return true
}
