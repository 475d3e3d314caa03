package patchproto

import (
	"slices"

	"github.com/ftcheck/ftcheck/checks"
	"github.com/ftcheck/ftcheck/ifetch"
	"github.com/ftcheck/ftcheck/ifetch/riscv"
	"github.com/ftcheck/ftcheck/memmodel"
	"github.com/ftcheck/ftcheck/model"
)

// Addresses shared by the RISC-V protocols. The distances are chosen so
// that auipc immediates are non-zero and jalr immediates differ between
// targets, as in a real kernel image.
const (
	rvTextBase     = 0x1000
	rvTask         = 0x1000 // each hart's task: call f, ..., ebreak
	rvF            = 0x1100 // the traced function f
	rvFtraceCaller = 0x2380 // ftrace_caller (f + 0x1280: auipc hi 1, jalr lo 0x280)
	rvFtraceStub   = 0x3000
	rvListFunc     = 0x3100 // ftrace_ops_list_func
	rvTracerA      = 0x3400
	rvTracerB      = 0x4c40
	rvTextEnd      = 0x5000

	rvData        = 0x8000 // gp points here
	rvFtraceDest  = rvData + 0
	rvFunctionOp  = rvData + 8
	rvOpA, rvOpB  = 0x9000, 0x9100 // &ftrace_ops of tracer a and b
	rvOpListEnd   = 0x9200         // &ftrace_list_end
	rvInitialT0   = 0              // what the caller left in t0
	rvIPISync     = 0              // handler: ftrace_sync_ipi (smp_rmb)
	rvIPIFenceI   = 1              // handler: ipi_remote_fence_i (fence.i)
	rvDataOffDest = rvFtraceDest - rvData
	rvDataOffOp   = rvFunctionOp - rvData
)

// rvText is a RISC-V text image under construction: the boot words, the
// symbols, and what every version of the code intends.
type rvText struct {
	words  map[uint64]uint32
	intent checks.Intent
}

func newRVText() *rvText {
	return &rvText{words: map[uint64]uint32{}, intent: checks.Intent{
		Boundaries: map[uint64]bool{}, Targets: map[uint64][]uint64{}}}
}

func (t *rvText) label(name string, addr uint64) {
	t.intent.Symbols = append(t.intent.Symbols, model.Region{Name: name, Addr: addr})
}

// put places a boot-time instruction.
func (t *rvText) put(addr uint64, ws ...uint32) {
	for i, w := range ws {
		a := addr + 4*uint64(i)
		t.words[a] = w
		t.intent.Boundaries[a] = true
	}
}

// intend records targets that the jump at from may reach in some version.
func (t *rvText) intend(from uint64, to ...uint64) {
	for _, a := range to {
		if !slices.Contains(t.intent.Targets[from], a) {
			t.intent.Targets[from] = append(t.intent.Targets[from], a)
		}
	}
}

func (t *rvText) image() []uint32 {
	img := make([]uint32, (rvTextEnd-rvTextBase)/4)
	for a, w := range t.words {
		img[(a-rvTextBase)/4] = w
	}
	return img
}

// rvTask lays out each hart's task: calls of f, then ebreak (the task
// returns to the scheduler). The loop head before each call is a
// voluntary schedule point (a non-preemptible task can give up the CPU
// there, so stop_machine can park its CPU).
func (t *rvText) task(calls int) (sched map[uint64]bool) {
	t.label("task", rvTask)
	sched = map[uint64]bool{}
	for i := 0; i < calls; i++ {
		pc := uint64(rvTask + 4*i)
		t.put(pc, riscv.Jal(riscv.RA, int64(rvF)-int64(pc)))
		sched[pc] = true
		t.intend(rvF+8, pc+4) // f returns here
	}
	end := uint64(rvTask + 4*calls)
	t.put(end, riscv.Ebreak)
	sched[end] = true
	return sched
}

// tracers lays out the tracer functions: each is a plain `ret`, and the
// trampoline's call into them is the observable event.
func (t *rvText) tracers(returnTo uint64) []uint64 {
	ts := []struct {
		name string
		addr uint64
	}{{"ftrace_stub", rvFtraceStub}, {"ftrace_ops_list_func", rvListFunc}, {"tracer_a", rvTracerA}, {"tracer_b", rvTracerB}}
	var addrs []uint64
	for _, tr := range ts {
		t.label(tr.name, tr.addr)
		t.put(tr.addr, riscv.Jalr(riscv.Zero, riscv.RA, 0))
		t.intend(tr.addr, returnTo)
		addrs = append(addrs, tr.addr)
	}
	return addrs
}

// rvHandlers are the IPI handlers of the RISC-V protocols.
func rvHandlers() []model.Handler {
	rr := model.FenceRR
	return []model.Handler{
		rvIPISync:   {Name: "ftrace_sync_ipi", Fence: &rr},
		rvIPIFenceI: {Name: "ipi_remote_fence_i", SyncFetch: true},
	}
}

// flushIcacheAll is arch/riscv/mm/cacheflush.c flush_icache_all() after
// ca358692de41: local fence.i, fence w,o, then every hart runs fence.i.
func flushIcacheAll() []model.PatchOp {
	const why = "flush_icache_all"
	return []model.PatchOp{
		{Kind: model.PatchSyncFetch, Why: why},
		{Kind: model.PatchFence, Fence: model.FenceWO, Why: why},
		{Kind: model.PatchSendIPI, Handler: rvIPIFenceI, ToSelf: true, Why: why},
		{Kind: model.PatchWaitIPI, Handler: rvIPIFenceI, Why: why},
	}
}

// rvMachine builds the initial state: every hart at its task, gp at the
// data, the text as laid out, data initialised.
func rvMachine(o Options, t *rvText, data map[uint64]uint64) (*model.Machine, error) {
	mem, err := memmodel.New(o.Memory)
	if err != nil {
		return nil, err
	}
	for a, v := range data {
		mem.Init(a, 8, v)
	}
	img := t.image()
	for i, w := range img {
		if w != 0 {
			mem.Init(rvTextBase+4*uint64(i), 4, uint64(w))
		}
	}
	m := &model.Machine{Mem: mem, Fetch: ifetch.NewWords(rvTextBase, img, o.Harts)}
	for h := 0; h < o.Harts; h++ {
		hart := model.Hart{PC: rvTask}
		hart.Regs[riscv.GP] = rvData
		hart.Regs[riscv.T0] = rvInitialT0
		m.Harts = append(m.Harts, hart)
	}
	return m, nil
}

func rvSymbols(t *rvText) model.Symbols {
	s := slices.Clone(t.intent.Symbols)
	s = append(s,
		model.Region{Name: "ftrace_call_dest", Addr: rvFtraceDest},
		model.Region{Name: "function_trace_op", Addr: rvFunctionOp})
	return s
}
