package litmus

import (
	"context"
	"fmt"
	"time"

	"github.com/ftcheck/ftcheck/ifetch"
	ax "github.com/ftcheck/ftcheck/memmodel/axiomatic"
	"github.com/ftcheck/ftcheck/model"
)

// The machine engine: a litmus test run on the operational machine the
// protocols run on (package model, with an operational memory model from
// memmodel), instead of the axiomatic enumeration. Each thread is a hart;
// its code is the test's decoded instructions, one per 4-byte fetch unit,
// executed by machineISA through model.CPU, so loads, stores and fences
// go through the memory model exactly as a protocol's do (promises
// included). The verdict is decided on the terminal states of the
// exhaustive search (model.Finals). Executions, Consistent and Positive
// then count distinct final states (registers and locations), not
// executions.
//
// The machine's CPU has plain loads and stores and FenceKind barriers
// only: a test with an annotated access (acquire, release, exclusive,
// atomic), an AMO, a store-conditional, an indirect jump, cache
// maintenance, ISB, fence.i, instruction fetch or a fault handler is
// refused, at its position.

// machineCodeBase is where thread i's code starts (machineCodeStride
// apart): far above the test's location handles.
const (
	machineCodeBase   = 1 << 40
	machineCodeStride = 1 << 12
	machineFlagsReg   = 31 // the slot the compare flags live in
)

// MachineMemory is what the machine engine needs of a memory model
// beyond model.DataMemory: the final value of a location.
type MachineMemory interface {
	model.DataMemory
	Latest(addr uint64, size int) uint64
}

// RunMachine decides t's final condition on the machine under mem, a
// fresh operational memory (its Name is the model reported).
func RunMachine(t *Test, mem MachineMemory, opts Options) (res Result) {
	start := time.Now()
	res = Result{Test: t.Name, Model: mem.Name()}
	defer func() { res.Duration = time.Since(start) }()
	if t.Unsupported != "" {
		res.Unsupported = t.Unsupported
		return res
	}
	if why := machineUnsupported(t); why != "" {
		res.Unsupported = why
		return res
	}
	s, err := machineSystem(t, mem)
	if err != nil {
		res.Unsupported = err.Error()
		return res
	}
	ctx := context.Background()
	if opts.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, opts.Timeout)
		defer cancel()
	}
	finals, err := model.Finals(ctx, s, 0)
	if err != nil {
		res.TimedOut = ctx.Err() != nil
		if !res.TimedOut {
			res.Unsupported = err.Error()
		}
		return res
	}
	seen := map[string]bool{}
	for _, m := range finals {
		fs, ok := machineFinal(t, m)
		if !ok {
			continue // a thread that did not finish: herd drops such a path
		}
		// Terminal states that differ only in what no register or
		// location shows (the order of visible stores) are one outcome.
		k := fmt.Sprint(fs.regs, machineLocations(t, fs))
		if seen[k] {
			continue
		}
		seen[k] = true
		if t.Filter != nil && !t.Filter.eval(fs) {
			continue
		}
		res.Executions++
		res.Consistent++
		if t.Cond.Prop.eval(fs) {
			res.Positive++
		}
	}
	res.judge(t.Cond.Quant)
	return res
}

// machineUnsupported says, at its position, why the machine cannot run t.
func machineUnsupported(t *Test) string {
	if t.IFetch {
		return "the machine engine does not run instruction-fetch tests"
	}
	for _, th := range t.Threads {
		if th.handler >= 0 || len(th.handlerCode) > 0 {
			return fmt.Sprintf("P%d has a fault handler, which the machine engine does not run", th.ID)
		}
		if len(th.Code) >= machineCodeStride/4 {
			return fmt.Sprintf("P%d has %d instructions; the machine engine takes at most %d", th.ID, len(th.Code), machineCodeStride/4-1)
		}
		if len(th.regName) > machineFlagsReg {
			return fmt.Sprintf("P%d uses %d registers; the machine has %d", th.ID, len(th.regName), machineFlagsReg)
		}
		for _, in := range th.Code {
			if why := machineInstUnsupported(&in); why != "" {
				return fmt.Sprintf("%s:%d:%d: %s", t.File, in.line, in.col, why)
			}
		}
	}
	return ""
}

func machineInstUnsupported(in *inst) string {
	name := in.text
	if name == "" {
		name = "this instruction"
	}
	switch in.op {
	case opNop, opALU, opCmp, opBranch:
	case opJump:
		if in.link {
			return fmt.Sprintf("%s: a call is not modelled by the machine engine", name)
		}
	case opLoad, opStore:
		if in.annot != 0 {
			return fmt.Sprintf("%s: an acquire, release, exclusive or atomic access is not modelled by the machine engine (its CPU has plain loads and stores only)", name)
		}
		if in.pair != noReg {
			return fmt.Sprintf("%s: a pair access is not modelled by the machine engine", name)
		}
	case opFence:
		if _, ok := machineFence(in.fence); !ok {
			return fmt.Sprintf("%s: this barrier is not modelled by the machine engine", name)
		}
	default:
		return fmt.Sprintf("%s is not modelled by the machine engine", name)
	}
	return ""
}

// machineFence maps a barrier onto the machine's FenceKind.
func machineFence(f ax.FenceKind) (model.FenceKind, bool) {
	rw := model.FenceR | model.FenceW
	bits := func(b int) uint8 {
		var s uint8
		if b&1 != 0 {
			s |= model.FenceR
		}
		if b&2 != 0 {
			s |= model.FenceW
		}
		return s
	}
	switch {
	case f&ax.FenceRISCV != 0:
		k := int(f &^ ax.FenceRISCV)
		return model.FenceKind{Pred: bits(k >> 2), Succ: bits(k & 3)}, true
	case f == ax.FenceRISCVTSO:
		return model.FenceKind{Pred: rw, Succ: rw, TSO: true}, true
	case f == ax.FenceDMBFull, f == ax.FenceDSBFull, f == ax.FenceMFence:
		return model.FenceRWRW, true
	case f == ax.FenceDMBLd, f == ax.FenceDSBLd:
		return model.FenceKind{Pred: model.FenceR, Succ: rw}, true
	case f == ax.FenceDMBSt, f == ax.FenceDSBSt:
		return model.FenceWW, true
	}
	return model.FenceKind{}, false
}

// machineSystem builds the machine: one hart per thread, no patcher.
func machineSystem(t *Test, mem MachineMemory) (*model.System, error) {
	for name, a := range t.Locations {
		if v := t.MemInit[name]; v != 0 {
			mem.Init(uint64(a), 8, uint64(v))
		}
	}
	n := len(t.Threads)
	text := make([]uint32, n*machineCodeStride/4)
	m := &model.Machine{Mem: mem, Harts: model.NewHarts(n)}
	for i, th := range t.Threads {
		for k := range th.Code {
			text[i*machineCodeStride/4+k] = uint32(k) + 1 // any word: the ISA reads th.Code
		}
		h := m.Harts[i]
		h.PC = machineCodeBase + uint64(i)*machineCodeStride
		for slot, v := range th.RegInit {
			if slot > 0 && slot < machineFlagsReg {
				h.Regs[slot] = uint64(v)
			}
		}
	}
	m.Fetch = ifetch.NewWords(machineCodeBase, text, n)
	return model.NewSystem(model.Config{Name: t.Name, ISA: machineISA{t}, Initial: m, HartsStore: true})
}

// machineFinal is the final state of m as a condition sees it, or false
// if some thread did not finish.
func machineFinal(t *Test, m *model.Machine) (*finalState, bool) {
	fs := &finalState{regs: make([][]int64, len(t.Threads))}
	for i, th := range t.Threads {
		h := m.Harts[i]
		if h.Task != model.TaskDone {
			return nil, false
		}
		regs := make([]int64, len(th.regName))
		for slot := 1; slot < len(regs); slot++ {
			regs[slot] = int64(h.Regs[slot])
		}
		fs.regs[i] = regs
	}
	mem := m.Mem.(MachineMemory)
	fs.mem = func(addr int64, size int) int64 { return int64(mem.Latest(uint64(addr), size)) }
	return fs, true
}

// machineLocations lists every location's final value, in the test's
// order of locations.
func machineLocations(t *Test, fs *finalState) []int64 {
	var vs []int64
	for _, name := range t.locOrder {
		vs = append(vs, fs.mem(t.Locations[name], 8))
	}
	return vs
}

// machineISA executes a test's decoded instructions on model.CPU.
type machineISA struct{ t *Test }

func (machineISA) Name() string { return "litmus" }

func (isa machineISA) RegName(i int) string {
	if i == machineFlagsReg {
		return "flags"
	}
	return fmt.Sprintf("r%d", i)
}

func (isa machineISA) Step(cpu model.CPU) model.Exec {
	pc := cpu.PC()
	th := isa.t.Threads[cpu.Hart()]
	idx := int(pc-machineCodeBase-uint64(cpu.Hart())*machineCodeStride) / 4
	x := model.Exec{NextPC: pc + 4}
	w, ok := cpu.FetchWord(pc)
	x.Word = w
	if !ok {
		x.Fault = "no code here"
		return x
	}
	end := len(th.Code)
	if th.mainEnd > 0 {
		end = th.mainEnd
	}
	if idx >= end {
		x.Halt = true
		return x
	}
	in := &th.Code[idx]
	get := func(r int) int64 {
		if r <= 0 {
			return 0
		}
		return int64(cpu.Reg(r))
	}
	set := func(r int, v int64) {
		if r > 0 {
			cpu.SetReg(r, uint64(v))
		}
	}
	op2 := func() int64 {
		if in.useImm {
			return in.imm
		}
		return get(in.rs2)
	}
	address := func() uint64 {
		a := get(in.rs1) + in.imm
		if in.hasStoreImm && in.rs1 == noReg {
			a = in.imm
		}
		if in.rs2 != noReg {
			ix := get(in.rs2)
			switch in.ixExt {
			case ixSXTW:
				ix = int64(int32(ix))
			case ixUXTW:
				ix = int64(uint32(ix))
			}
			a += ix
		}
		return uint64(a)
	}
	jump := func(target int) {
		x.NextPC = machineCodeBase + uint64(cpu.Hart())*machineCodeStride + uint64(target)*4
		x.Jump = true
	}
	switch in.op {
	case opNop:
	case opALU:
		set(in.rd, alu(in.alu, get(in.rs1), op2(), in.width32))
	case opCmp:
		set(machineFlagsReg, alu(aluSub, get(in.rs1), op2(), in.width32))
	case opJump:
		jump(in.targetPC)
	case opBranch:
		var a, b int64
		if in.rs1 == flagsReg {
			a = get(machineFlagsReg)
		} else {
			a, b = get(in.rs1), op2()
		}
		if in.width32 {
			a, b = int64(uint32(a)), int64(uint32(b))
		}
		taken := false
		switch in.cond {
		case condEq:
			taken = a == b
		case condNe:
			taken = a != b
		case condLt:
			taken = a < b
		case condGe:
			taken = a >= b
		}
		if taken {
			jump(in.targetPC)
		}
	case opLoad:
		v := int64(cpu.Load(address(), in.size))
		if in.signExt && in.size < 8 {
			sh := 64 - 8*uint(in.size)
			v = v << sh >> sh
		}
		set(in.rd, v)
	case opStore:
		addr := address()
		var v int64
		if in.hasStoreImm {
			v = in.storeImm
		} else {
			v = get(in.rv)
		}
		cpu.Store(addr, in.size, uint64(truncate(v, in.size)))
	case opFence:
		k, _ := machineFence(in.fence)
		cpu.Fence(k)
	default:
		x.Fault = fmt.Sprintf("%s is not modelled by the machine engine", in.text)
	}
	return x
}
