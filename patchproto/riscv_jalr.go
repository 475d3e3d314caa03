package patchproto

import (
	"fmt"

	"github.com/ftcheck/ftcheck/checks"
	"github.com/ftcheck/ftcheck/ifetch/riscv"
	"github.com/ftcheck/ftcheck/model"
)

// riscv-jalr: RISC-V dynamic ftrace as merged for 6.16 (Andy Chiu,
// "riscv: ftrace: atomic patching and preempt improvements", b2137c3b6d7a,
// 5aa4ef955884, ca358692de41, d0262e907e29), without CALL_OPS.
//
// Call site (arch/riscv/kernel/ftrace.c, ftrace_init_nop, ftrace_make_call,
// ftrace_make_nop):
//
//	f+0: auipc t0, hi(ftrace_caller - f)   written once at boot, never again
//	f+4: nop  <->  jalr t0, lo(ftrace_caller - f)(t0)   the only word toggled
//
// Trampoline (arch/riscv/kernel/mcount-dyn.S, ftrace_caller, !CALL_OPS):
// SAVE_ABI_REGS; a2 = function_trace_op; REG_L ra, ftrace_call_dest;
// jalr ra; RESTORE_ABI_REGS; jr t0. The op is loaded before the dest,
// with no fence between them.
//
// Patcher (arch_ftrace_update_code -> ftrace_modify_all_code in
// kernel/trace/ftrace.c, no stop_machine, text_mutex held):
//
//	update_ftrace_func(ftrace_ops_list_func)
//	ftrace_make_call/nop: patch_insn_write(f+4, 4 bytes) + local fence.i
//	function_trace_op = op; smp_wmb(); smp_call_function(ftrace_sync_ipi)
//	update_ftrace_func(tracer)
//	flush_icache_all()
//
// where ftrace_update_ftrace_func(func) = WRITE_ONCE(ftrace_call_dest,
// func); smp_wmb(); smp_call_function(ftrace_sync_ipi, NULL, 1).
func init() {
	register(&Protocol{
		Name: "riscv-jalr",
		Arch: "riscv64",
		Doc:  "RISC-V 6.16+: auipc t0 fixed at boot, only the 4-byte nop<->jalr toggled, tracer via ftrace_call_dest",
		Sources: []string{
			"arch/riscv/kernel/ftrace.c (ftrace_init_nop, ftrace_make_call, ftrace_make_nop, ftrace_update_ftrace_func, arch_ftrace_update_code)",
			"arch/riscv/kernel/mcount-dyn.S (ftrace_caller)",
			"arch/riscv/kernel/patch.c (patch_insn_write: copy + local_flush_icache_range)",
			"arch/riscv/mm/cacheflush.c (flush_icache_all, after ca358692de41)",
			"kernel/trace/ftrace.c (ftrace_modify_all_code)",
			"commits b2137c3b6d7a, 5aa4ef955884, ca358692de41, d0262e907e29",
		},
		Variants: []Variant{{"merged", "as merged for 6.16: smp_wmb() before the sync IPI"}},
		Ops:      []string{"enable", "disable", "change"},
		build:    buildRISCVJalr,
	})
}

// Trampoline layout (offsets from ftrace_caller).
const (
	fcSaveRA   = rvFtraceCaller + 0  // mv s1, ra            (SAVE_ABI_REGS keeps ra)
	fcLoadOp   = rvFtraceCaller + 4  // ld a2, function_trace_op
	fcLoadDest = rvFtraceCaller + 8  // ld ra, ftrace_call_dest
	fcCall     = rvFtraceCaller + 12 // jalr ra, 0(ra)       (call the tracer)
	fcRestore  = rvFtraceCaller + 16 // mv ra, s1            (RESTORE_ABI_REGS)
	fcReturn   = rvFtraceCaller + 20 // jr t0                (back to f+8)
)

func buildRISCVJalr(o Options) (model.Config, error) {
	t := newRVText()
	sched := t.task(o.Calls)

	hi, lo := riscv.HiLo(rvFtraceCaller - rvF)
	auipc := riscv.Auipc(riscv.T0, hi)
	jalr := riscv.Jalr(riscv.T0, riscv.T0, lo)
	enabled := o.Op != "enable"
	site := riscv.Nop
	if enabled {
		site = jalr
	}
	t.label("f", rvF)
	t.put(rvF, auipc, site, riscv.Jalr(riscv.Zero, riscv.RA, 0))
	t.intend(rvF+4, rvFtraceCaller)

	t.label("ftrace_caller", rvFtraceCaller)
	t.put(rvFtraceCaller,
		riscv.Addi(riscv.S1, riscv.RA, 0),
		riscv.Ld(riscv.A2, riscv.GP, rvDataOffOp),
		riscv.Ld(riscv.RA, riscv.GP, rvDataOffDest),
		riscv.Jalr(riscv.RA, riscv.RA, 0),
		riscv.Addi(riscv.RA, riscv.S1, 0),
		riscv.Jalr(riscv.Zero, riscv.T0, 0))
	t.intend(fcCall, t.tracers(fcRestore)...)
	t.intend(fcReturn, rvF+8)

	data := map[uint64]uint64{rvFtraceDest: rvFtraceStub, rvFunctionOp: rvOpListEnd}
	if enabled {
		data[rvFtraceDest], data[rvFunctionOp] = rvTracerA, rvOpA
	}

	var ops []model.PatchOp
	ops = append(ops, updateFtraceFunc(rvListFunc)...)
	var tracer, op uint64
	switch o.Op {
	case "enable":
		ops = append(ops, patchInsnWrite(rvF+4, 4, uint64(jalr), "ftrace_make_call")...)
		tracer, op = rvTracerA, rvOpA
	case "disable":
		ops = append(ops, patchInsnWrite(rvF+4, 4, uint64(riscv.Nop), "ftrace_make_nop")...)
		tracer, op = rvFtraceStub, rvOpListEnd
	case "change":
		tracer, op = rvTracerB, rvOpB
	default:
		return model.Config{}, fmt.Errorf("riscv-jalr: no operation %q", o.Op)
	}
	const why = "ftrace_modify_all_code"
	ops = append(ops,
		model.PatchOp{Kind: model.PatchStore, Addr: rvFunctionOp, Size: 8, Val: op, Why: why + ": function_trace_op = op"},
		model.PatchOp{Kind: model.PatchFence, Fence: model.FenceWW, Why: why + ": smp_wmb()"},
		model.PatchOp{Kind: model.PatchSendIPI, Handler: rvIPISync, Why: why + ": smp_call_function(ftrace_sync_ipi)"},
		model.PatchOp{Kind: model.PatchWaitIPI, Handler: rvIPISync, Why: why + ": smp_call_function(ftrace_sync_ipi)"})
	ops = append(ops, updateFtraceFunc(tracer)...)
	ops = append(ops, flushIcacheAll()...)

	m, err := rvMachine(o, t, data)
	if err != nil {
		return model.Config{}, err
	}
	t.intent.Symbols = rvSymbols(t)
	return model.Config{
		Name:        "riscv-jalr",
		ISA:         riscv.ISA{},
		Initial:     m,
		Patch:       ops,
		Handlers:    rvHandlers(),
		MaxPreempt:  o.Preempt,
		SchedPoints: sched,
		Checks:      []model.Check{checks.TornPair{Intent: t.intent}},
		Symbols:     t.intent.Symbols,
	}, nil
}

// updateFtraceFunc is ftrace_update_ftrace_func(func) in
// arch/riscv/kernel/ftrace.c (6.16): WRITE_ONCE(ftrace_call_dest, func);
// smp_wmb(); smp_call_function(ftrace_sync_ipi, NULL, 1).
func updateFtraceFunc(fn uint64) []model.PatchOp {
	const why = "ftrace_update_ftrace_func"
	return []model.PatchOp{
		{Kind: model.PatchStore, Addr: rvFtraceDest, Size: 8, Val: fn, Why: why + ": WRITE_ONCE(ftrace_call_dest)"},
		{Kind: model.PatchFence, Fence: model.FenceWW, Why: why + ": smp_wmb()"},
		{Kind: model.PatchSendIPI, Handler: rvIPISync, Why: why + ": smp_call_function(ftrace_sync_ipi)"},
		{Kind: model.PatchWaitIPI, Handler: rvIPISync, Why: why + ": smp_call_function(ftrace_sync_ipi)"},
	}
}

// patchInsnWrite is arch/riscv/kernel/patch.c __patch_insn_write: copy the
// bytes (one store of size bytes), then local_flush_icache_range (a local
// fence.i on the patching hart only; added by the June 2024 fix).
func patchInsnWrite(addr uint64, size int, val uint64, caller string) []model.PatchOp {
	why := caller + ": patch_insn_write"
	return []model.PatchOp{
		{Kind: model.PatchStore, Addr: addr, Size: size, Val: val, Why: why},
		{Kind: model.PatchSyncFetch, Why: why},
	}
}
