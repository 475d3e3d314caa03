package patchproto

import (
	"fmt"

	"github.com/ftcheck/ftcheck/checks"
	"github.com/ftcheck/ftcheck/ifetch/riscv"
	"github.com/ftcheck/ftcheck/model"
)

// riscv-pair: RISC-V dynamic ftrace up to v6.15, where the call site is
// the pair auipc t0 + jalr t0 and both words are written together.
//
// Call site (arch/riscv/kernel/ftrace.c, ftrace_make_call / ftrace_make_nop,
// v6.9-v6.15 at c5fb51b71788):
//
//	disabled: f+0: nop                f+4: nop
//	enabled:  f+0: auipc t0, hi       f+4: jalr t0, lo(t0)      -> ftrace_caller
//
// written by one 8-byte patch_insn_write ("Replace the auipc-jalr pair at
// once"). The trampoline calls the tracer through a second patched pair at
// ftrace_call (auipc ra; jalr ra), which ftrace_update_ftrace_func
// rewrites the same way (mcount-dyn.S, before b2137c3b6d7a).
//
// Variants:
//
//	stopmachine  arch_ftrace_update_code = stop_machine(__ftrace_modify_code):
//	             every other CPU parks with IRQs off; the last to arrive
//	             patches and releases them; each runs local_flush_icache_all().
//	             stop_machine parks CPUs, not tasks: a task preempted inside
//	             the pair resumes after the patch (R-5, commit 8547649981e6).
//	nostop       the same 8-byte writes without stop_machine, ended by
//	             flush_icache_all() (the 6.16 batch driver). This is what
//	             b2137c3b6d7a rules out: "instruction fetch can break down to
//	             4 byte at a time, it is impossible to update two instructions
//	             without a race" (R-5').
func init() {
	register(&Protocol{
		Name: "riscv-pair",
		Arch: "riscv64",
		Doc:  "RISC-V <= 6.15: auipc+jalr written together by one 8-byte store, under stop_machine",
		Sources: []string{
			"arch/riscv/kernel/ftrace.c (v6.9-v6.15, c5fb51b71788: __ftrace_modify_call, arch_ftrace_update_code, __ftrace_modify_code)",
			"arch/riscv/kernel/mcount-dyn.S (ftrace_caller, ftrace_call before b2137c3b6d7a)",
			"arch/riscv/kernel/patch.c (patch_insn_write)",
			"kernel/stop_machine.c (stop_machine parks CPUs with IRQs off)",
			"commit 8547649981e6 riscv: ftrace: Fixup panic by disabling preemption",
		},
		Variants: []Variant{
			{"stopmachine", "v6.9-v6.15: the pair written inside stop_machine; parked CPUs run local fence.i on release"},
			{"nostop", "the pair written without stop_machine (what b2137c3b6d7a rules out), then flush_icache_all"},
		},
		Ops:   []string{"enable", "disable", "change"},
		build: buildRISCVPair,
	})
}

// Trampoline layout for the pair protocol.
const (
	pcSaveRA  = rvFtraceCaller + 0  // mv s1, ra
	pcLoadOp  = rvFtraceCaller + 4  // ld a2, function_trace_op
	pcCallHi  = rvFtraceCaller + 8  // ftrace_call: auipc ra, hi(tracer)
	pcCallLo  = rvFtraceCaller + 12 //              jalr ra, lo(ra)
	pcRestore = rvFtraceCaller + 16 // mv ra, s1
	pcReturn  = rvFtraceCaller + 20 // jr t0
)

// rvCallPair is the auipc+jalr pair at pc that calls target through rd,
// as one little-endian 8-byte value (auipc in the low word).
func rvCallPair(pc, target uint64, rd int) (auipc, jalr uint32, both uint64) {
	hi, lo := riscv.HiLo(int64(target) - int64(pc))
	auipc = riscv.Auipc(rd, hi)
	jalr = riscv.Jalr(rd, rd, lo)
	return auipc, jalr, uint64(jalr)<<32 | uint64(auipc)
}

func buildRISCVPair(o Options) (model.Config, error) {
	t := newRVText()
	sched := t.task(o.Calls)

	siteHi, siteLo, siteCall := rvCallPair(rvF, rvFtraceCaller, riscv.T0)
	siteNops := uint64(riscv.Nop)<<32 | uint64(riscv.Nop)
	t.label("f", rvF)
	if o.Op == "enable" {
		t.put(rvF, riscv.Nop, riscv.Nop)
	} else {
		t.put(rvF, siteHi, siteLo)
	}
	t.put(rvF+8, riscv.Jalr(riscv.Zero, riscv.RA, 0))
	t.intend(rvF+4, rvFtraceCaller)

	callAHi, callALo, _ := rvCallPair(pcCallHi, rvTracerA, riscv.RA)
	_, _, callB := rvCallPair(pcCallHi, rvTracerB, riscv.RA)
	t.label("ftrace_caller", rvFtraceCaller)
	t.label("ftrace_call", pcCallHi)
	t.put(rvFtraceCaller,
		riscv.Addi(riscv.S1, riscv.RA, 0),
		riscv.Ld(riscv.A2, riscv.GP, rvDataOffOp),
		callAHi, callALo,
		riscv.Addi(riscv.RA, riscv.S1, 0),
		riscv.Jalr(riscv.Zero, riscv.T0, 0))
	t.intend(pcCallLo, t.tracers(pcRestore)...)
	t.intend(pcReturn, rvF+8)

	data := map[uint64]uint64{rvFunctionOp: rvOpA}
	var patch []model.PatchOp
	switch o.Op {
	case "enable":
		patch = patchInsnWrite(rvF, 8, siteCall, "ftrace_make_call")
	case "disable":
		patch = patchInsnWrite(rvF, 8, siteNops, "ftrace_make_nop")
	case "change":
		patch = append(patch, model.PatchOp{Kind: model.PatchStore, Addr: rvFunctionOp, Size: 8, Val: rvOpB,
			Why: "ftrace_modify_all_code: function_trace_op = op"})
		patch = append(patch, patchInsnWrite(pcCallHi, 8, callB, "ftrace_update_ftrace_func")...)
	default:
		return model.Config{}, fmt.Errorf("riscv-pair: no operation %q", o.Op)
	}

	var ops []model.PatchOp
	stop := o.Variant == "stopmachine"
	if stop {
		const why = "stop_machine(__ftrace_modify_code)"
		ops = append(ops,
			model.PatchOp{Kind: model.PatchStopMachine, Why: why},
			model.PatchOp{Kind: model.PatchWaitParked, Why: why})
		ops = append(ops, patch...)
		ops = append(ops, model.PatchOp{Kind: model.PatchRelease, Why: "__ftrace_modify_code: atomic_inc_return_release(&cpu_count)"})
	} else {
		ops = append(ops, patch...)
		ops = append(ops, flushIcacheAll()...)
	}

	m, err := rvMachine(o, t, data)
	if err != nil {
		return model.Config{}, err
	}
	t.intent.Symbols = rvSymbols(t)
	return model.Config{
		Name:         "riscv-pair",
		ISA:          riscv.ISA{},
		Initial:      m,
		Patch:        ops,
		Handlers:     rvHandlers(),
		MaxPreempt:   o.Preempt,
		SchedPoints:  sched,
		ParkExitSync: stop,
		Checks:       []model.Check{checks.TornPair{Intent: t.intent}},
		Symbols:      t.intent.Symbols,
	}, nil
}
