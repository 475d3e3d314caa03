package litmus

import (
	"errors"
	"sort"

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
}

// trace is one control-flow path of a thread with a value for every read.
type trace struct {
	events []tEvent
	regs   []int64 // final register values by slot
}

// maxPathEvents bounds the events of one path: dependency sets are 64-bit
// masks, and litmus threads are far shorter.
const maxPathEvents = 64

// maxSteps bounds instructions executed along one path, so that loops
// terminate; longer paths are dropped like herd's unrolling cut-off.
const maxSteps = 256

var (
	errPathTooLong = errors.New("a thread path has more than 64 events")
	errMixedSize   = errors.New("mixed-size access (an offset inside a location)")
)

type pathState struct {
	pc      int
	steps   int
	regs    []regVal
	flags   regVal
	events  []tEvent
	ctrl    uint64
	resAddr int64 // reservation address, 0 when none (herd's RESADDR)
}

func (s *pathState) clone() *pathState {
	c := *s
	c.regs = append([]regVal(nil), s.regs...)
	c.events = append([]tEvent(nil), s.events...)
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
// values in domain[address]. Reads of addresses that are not locations
// end the path (herd would fault). It also reports the values written.
func (t *Test) paths(th *Thread, domain map[int64][]int64, stop func() bool) ([]trace, error) {
	var out []trace
	init := &pathState{regs: make([]regVal, len(th.regName))}
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
			if s.pc >= len(th.Code) {
				regs := make([]int64, len(s.regs))
				for i, r := range s.regs {
					regs[i] = r.v
				}
				out = append(out, trace{events: s.events, regs: regs})
				break
			}
			if s.steps++; s.steps > maxSteps {
				break
			}
			if len(s.events) >= maxPathEvents-2 {
				return nil, errPathTooLong
			}
			in := &th.Code[s.pc]
			s.pc++
			switch in.op {
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
				s.events = append(s.events, tEvent{kind: ax.Fence, fence: in.fence, ctrlDep: s.ctrl, amoRead: -1})
			case opJump:
				s.pc = in.targetPC
			case opBranch:
				taken, dep := s.branch(in)
				s.ctrl |= dep
				if taken {
					s.pc = in.targetPC
				}
			case opStore:
				addr, adep := s.address(in)
				if t.insideLocation(addr) {
					return nil, errMixedSize
				}
				val := s.storedValue(in)
				s.events = append(s.events, tEvent{kind: ax.Write, size: in.size, loc: addr, val: truncate(val.v, in.size),
					annot: in.annot, addrDep: adep, dataDep: val.dep, ctrlDep: s.ctrl, amoRead: -1})
			case opStoreCond:
				addr, adep := s.address(in)
				val := s.get(in.rv)
				res := s.resAddr
				s.resAddr = 0
				if res == addr && res != 0 {
					ok := s.clone()
					ok.events = append(ok.events, tEvent{kind: ax.Write, size: in.size, loc: addr, val: truncate(val.v, in.size),
						annot: in.annot, addrDep: adep, dataDep: val.dep, ctrlDep: s.ctrl, amoRead: -1})
					result := regVal{v: 0}
					if in.resultDeps {
						// herd (RISC-V): the result register depends on the
						// memory write and on the address.
						result.dep = adep | 1<<uint(len(ok.events)-1)
					}
					ok.set(in.rd, result)
					stack = append(stack, ok)
				}
				s.set(in.rd, regVal{v: 1}) // herd lets any store-conditional fail
			case opLoad, opLoadRes, opAMO:
				addr, adep := s.address(in)
				vals, ok := domain[addr]
				if !ok {
					if t.insideLocation(addr) {
						return nil, errMixedSize
					}
					break run // not an address: herd would fault, we drop the path
				}
				if in.op == opLoadRes {
					s.resAddr = addr
				}
				for k := len(vals) - 1; k >= 0; k-- {
					c := s
					if k > 0 {
						c = s.clone()
					}
					c.read(in, addr, adep, vals[k])
					if k > 0 {
						stack = append(stack, c)
					}
				}
			}
		}
	}
	return out, nil
}

// read appends the read of v (and an AMO's write) and sets the destination.
func (s *pathState) read(in *inst, addr int64, adep uint64, v int64) {
	ri := len(s.events)
	v = extend(truncate(v, in.size), in.size, in.signExt)
	mine := regVal{v: v, dep: 1 << uint(ri)}
	if in.op == opAMO && in.oneEvent {
		arg := s.storedValue(in)
		nv := alu(in.alu, v, arg.v, in.size == 4)
		s.events = append(s.events, tEvent{kind: ax.Update, size: in.size, loc: addr,
			val: truncate(nv, in.size), readVal: v, annot: in.annot,
			addrDep: adep, dataDep: arg.dep, ctrlDep: s.ctrl, amoRead: -1})
		s.set(in.rd, mine)
		return
	}
	s.events = append(s.events, tEvent{kind: ax.Read, size: in.size, loc: addr, val: v, annot: in.annot,
		addrDep: adep, ctrlDep: s.ctrl, amoRead: -1})
	if in.op == opAMO {
		arg := s.storedValue(in)
		nv := alu(in.alu, v, arg.v, in.size == 4)
		s.events = append(s.events, tEvent{kind: ax.Write, size: in.size, loc: addr, val: truncate(nv, in.size),
			annot: in.annotW, addrDep: adep, dataDep: arg.dep, ctrlDep: s.ctrl, amoRead: ri})
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

// insideLocation reports an address that falls strictly inside a
// location, which only mixed-size tests produce.
func (t *Test) insideLocation(a int64) bool {
	if a%locationStride == 0 {
		return false
	}
	_, ok := t.locationAt(a - a%locationStride)
	return ok
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

// valueDomain computes, for every location, the values a read may return:
// the initial value plus every value some path can write, iterated to a
// fixpoint. A causal chain of writes is at most as long as the number of
// write instructions, which bounds the rounds.
func (t *Test) valueDomain(stop func() bool) (map[int64][]int64, error) {
	dom := map[int64]map[int64]bool{}
	for _, name := range t.locOrder {
		a := t.Locations[name]
		dom[a] = map[int64]bool{t.MemInit[name]: true}
	}
	rounds := 2
	for _, th := range t.Threads {
		for _, in := range th.Code {
			if in.op == opStore || in.op == opStoreCond || in.op == opAMO {
				rounds++
			}
		}
	}
	for ; rounds > 0; rounds-- {
		flat := flatten(dom)
		changed := false
		for _, th := range t.Threads {
			trs, err := t.paths(th, flat, stop)
			if err != nil {
				return nil, err
			}
			for _, tr := range trs {
				for _, e := range tr.events {
					if e.kind != ax.Write && e.kind != ax.Update {
						continue
					}
					if dom[e.loc] == nil {
						dom[e.loc] = map[int64]bool{}
					}
					if !dom[e.loc][e.val] {
						dom[e.loc][e.val] = true
						changed = true
					}
				}
			}
		}
		if !changed || stop() {
			break
		}
	}
	return flatten(dom), nil
}

func flatten(dom map[int64]map[int64]bool) map[int64][]int64 {
	out := make(map[int64][]int64, len(dom))
	for a, set := range dom {
		vs := make([]int64, 0, len(set))
		for v := range set {
			vs = append(vs, v)
		}
		sort.Slice(vs, func(i, j int) bool { return vs[i] < vs[j] })
		out[a] = vs
	}
	return out
}
