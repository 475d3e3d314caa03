package patchproto

import (
	"strings"
	"testing"

	"github.com/ftcheck/ftcheck/model"
)

// x86Race explores a built-in x86 protocol, with and without the
// reductions, and checks the verdict, the check, the minimal trace length
// and that the trace replays to the same violation.
func x86Race(t *testing.T, name string, o Options, check string, steps int, msg string) model.Result {
	t.Helper()
	var first model.Result
	for _, reduce := range []bool{true, false} {
		r, s := explore(t, name, o, model.Options{NoReduce: !reduce, NoSymmetry: !reduce})
		if r.Outcome != model.Violated || r.Violation == nil || r.Violation.Check != check {
			t.Fatalf("%s %+v reduce=%v: %v %v, want %s", name, o, reduce, r.Outcome, r.Violation, check)
		}
		if len(r.Trace) != steps {
			t.Errorf("%s %+v reduce=%v: %d steps, want %d", name, o, reduce, len(r.Trace), steps)
		}
		if !strings.Contains(r.Violation.Message, msg) {
			t.Errorf("%s %+v: %q does not say %q", name, o, r.Violation.Message, msg)
		}
		labels := make([]model.Label, len(r.Trace))
		for i, e := range r.Trace {
			labels[i] = e.Label
		}
		if _, v, err := model.Replay(s, labels); err != nil || v == nil || v.Check != check {
			t.Fatalf("%s %+v: replay gives %v, %v", name, o, v, err)
		}
		if reduce {
			first = r
		}
	}
	return first
}

// x86Safe explores a fixed variant and requires a complete safe search in
// which the task finishes (the verdict is not vacuous).
func x86Safe(t *testing.T, name string, o Options) model.Result {
	t.Helper()
	r, s := explore(t, name, o, model.Options{})
	if r.Outcome != model.Safe {
		t.Fatalf("%s %+v: %v %v, want safe", name, o, r.Outcome, r.Violation)
	}
	finals, err := model.Finals(t.Context(), s, 1_000_000)
	if err != nil || len(finals) == 0 {
		t.Fatalf("%s %+v: %d final states, %v", name, o, len(finals), err)
	}
	for _, m := range finals {
		for h := range m.Harts {
			if m.Harts[h].Task != model.TaskDone {
				t.Fatalf("%s %+v: a final state where hart %d is %v", name, o, h, m.Harts[h].Task)
			}
		}
	}
	t.Logf("%s %+v: safe, %d states", name, o, r.Stats.States)
	return r
}

// the 2008 two-part nop (K8_NOP5 = K8_NOP3; K8_NOP2). The task runs
// the first part, is preempted with ip = f+3, stop_machine writes the
// call, and the task resumes inside the call's rel32 (12 steps; the
// derivation is in docs/protocols.md, x86-stopmachine).
func TestX86StopMachineTwoPartNop(t *testing.T) {
	r := x86Race(t, "x86-stopmachine", Options{Op: "enable", Preempt: 1}, "bad-fetch", 12, "f+3 executed 00 00")
	resumed := false
	for _, e := range r.Trace {
		resumed = resumed || e.Text == "task resumed" && e.PC == 0x1103
	}
	if !resumed {
		t.Errorf("the task does not resume at f+3")
	}
	// Without preemption nothing runs between the two parts.
	x86Safe(t, "x86-stopmachine", Options{Op: "enable", Preempt: 0})
	// Disabling turns the call into the two nops: a task preempted around
	// the call resumes at f (the call) or at f+5, both boundaries.
	x86Safe(t, "x86-stopmachine", Options{Op: "disable", Preempt: 1})
}

// 732f3ca7d4ba: one 5-byte nop, P6_NOP5.
func TestX86StopMachineP6Nop5IsSafe(t *testing.T) {
	for _, op := range []string{"enable", "disable"} {
		x86Safe(t, "x86-stopmachine", Options{Op: op, Variant: "p6nop", Preempt: 1})
		x86Safe(t, "x86-stopmachine", Options{Op: op, Variant: "p6nop", Preempt: 1, Harts: 2})
	}
}

// an NMI on a CPU parked in stop_machine calls the traced function
// while the patcher writes its 5 bytes: the CPU has not serialised, so it
// decodes old and new bytes together (8 steps).
func TestX86StopMachineNMI(t *testing.T) {
	x86Race(t, "x86-stopmachine", Options{Op: "enable", Variant: "nmi", Preempt: 1}, "bad-fetch", 8, "which is no instruction of any version")
	x86Race(t, "x86-stopmachine", Options{Op: "disable", Variant: "nmi", Preempt: 1}, "bad-fetch", 8, "which is no instruction of any version")
}

// text_poke_bp_batch as merged: int3, sync, tail, sync, first byte, sync;
// the handler emulates the new instruction. Safe with the kprobe int3
// running poke_int3_handler during the patching (the R-4 fix).
func TestX86Int3Merged(t *testing.T) {
	for _, op := range []string{"enable", "disable"} {
		x86Safe(t, "x86-int3", Options{Op: op, Harts: 1})
	}
}

// Without the sync after the int3 write, a CPU that has not serialised
// decodes the old first byte with the new tail (8 steps).
func TestX86Int3WithoutFirstSync(t *testing.T) {
	x86Race(t, "x86-int3", Options{Op: "enable", Variant: "nosync"}, "bad-fetch", 8, "0f 1f 00")
	x86Race(t, "x86-int3", Options{Op: "disable", Variant: "nosync"}, "bad-fetch", 8, "e8 fb 44 00 00")
}

// the 2019 patcher clears vec before nr_entries; the kprobe's int3
// handler reads nr_entries = 1, then vec = NULL (27 steps on one CPU;
// 30 on two: patchproto/regress).
func TestX86Int3VecNull(t *testing.T) {
	for _, op := range []string{"enable", "disable"} {
		x86Race(t, "x86-int3", Options{Op: op, Variant: "r4", Harts: 1}, "use-after-clear", 27, "bp_vec (patcher step 13)")
	}
}

// poke_int3_handler's emulation is real code: with the int3 left at the
// site and the descriptor published, every execution reaches the tracer
// through int3_emulate_call and returns to f+5, then to the task.
func TestX86Int3HandlerEmulatesTheCall(t *testing.T) {
	src := `X86 emulate
harts 1
interrupt int3: trap do_int3
.equ PT_REGS, 0xfffffe0000000000
[text 0x1000]
task:   call f
        hlt
f:      int3
        .byte 0xfb, 0x00, 0x00, 0x00    # the tail of call tracer
        ret
tracer: lock incq hits
        ret
do_int3:
        movabsq $PT_REGS, %rdi
        movq    vec, %rsi
        movq    128(%rdi), %rcx
        subq    $1, %rcx
        movq    0(%rsi), %rax
        cmpq    %rax, %rcx
        jne     .Lnot_ours
        movq    152(%rdi), %rdx
        subq    $8, %rdx
        movq    %rdx, 152(%rdi)
        addq    $5, %rcx
        movq    %rcx, 0(%rdx)
        movq    8(%rsi), %rax
        movq    %rax, 128(%rdi)
.Lnot_ours:
        iretq
[data 0x8000]
stack:  .zero 32
vec:    .dword tp
hits:   .dword 0
tp:     .dword f
        .dword tracer
[init]
pc = task
rsp = stack + 32
[patcher]
[check bad-fetch]
[check lost-return]
forall (hits = 1 /\ 0:rsp = stack + 32)
`
	// The tracer's ret returns from the frame the handler pushed with a
	// plain store (int3_emulate_push): a call the shadow stack never saw,
	// not a lost return.
	r, _ := exploreSource(t, src, Options{})
	if r.Outcome != model.Safe {
		t.Fatalf("%v %v, want every execution through the tracer and back", r.Outcome, r.Violation)
	}
	// A return address overwritten in the slot a real call pushed is lost.
	clobbered := strings.Replace(src, "tracer: lock incq hits\n        ret\n", "tracer: lock incq hits\n        ret\nlost:   hlt\n", 1)
	clobbered = strings.Replace(clobbered, "task:   call f\n", "task:   call g\n        hlt\ng:      movq $lost, (%rsp)\n        ret\n", 1)
	if r, _ := exploreSource(t, clobbered, Options{}); r.Outcome != model.Violated || r.Violation.Check != "lost-return" {
		t.Fatalf("a clobbered return slot: %v %v, want lost-return", r.Outcome, r.Violation)
	}
	// The same with the handler's emulation removed: the int3 returns to
	// f+1, inside the call: bad-fetch.
	broken := strings.Replace(src, "        movq    %rax, 128(%rdi)\n", "", 1)
	if r, _ := exploreSource(t, broken, Options{}); r.Outcome != model.Violated || r.Violation.Check != "bad-fetch" {
		t.Fatalf("no emulation: %v %v, want bad-fetch", r.Outcome, r.Violation)
	}
}
