/*
 * riscv-pair (variant stopmachine, op enable, SC, 1 call per hart) in
 * Promela, step for step like ftcheck's model
 * (patchproto/protocols/riscv-pair.scenario): the call site f is the pair
 * nop; nop -> auipc t0; jalr t0 -> ftrace_caller, both words written by
 * one 8-byte store while every CPU is parked in stop_machine.
 *
 * Each hart runs its task: jal f; [f: nop | auipc t0]; [f+4: nop | jalr
 * t0]; in the trampoline mv s1,ra; ld a2,op; auipc ra; jalr ra; (tracer)
 * ret; mv ra,s1; jr t0; then ret and ebreak. A hart may fetch each word of
 * the pair in any version from the oldest it may still see to the newest
 * (fetching the new one raises its view). A CPU parks when its task is at
 * a schedule point (before jal f, at ebreak), preempted or done; on the
 * way out of stop_machine it runs fence.i. A task may be preempted
 * NPREEMPT times at any instruction boundary and resumes on its CPU.
 * torn-pair: a jalr t0 at f+4 whose t0 was not set by the auipc at f.
 *
 * NPREEMPT 0 is safe; NPREEMPT 1 finds the torn pair (R-5: a task
 * preempted between the two words resumes into the new jalr with the old
 * nop's t0). Used by bench/spin/run.sh.
 */
#ifndef NHARTS
#define NHARTS 2
#endif
#ifndef NPREEMPT
#define NPREEMPT 1
#endif

bool requested = false;   /* stop_machine() asked every CPU to park */
bool released = false;    /* the patcher let them go */
byte nparked = 0;
byte version = 0;         /* the pair: 0 nop; nop, 1 auipc t0; jalr t0 */
byte view0[NHARTS];       /* oldest version of f each hart may fetch */
byte view1[NHARTS];       /* ... and of f+4 */

active proctype patcher() {
	requested = true;          /* stop_machine(__ftrace_modify_code) */
	nparked == NHARTS;         /* wait parked */
	version = 1;               /* store64 f = {auipc t0; jalr t0} */
	skip;                      /* fence.i (the patcher's own) */
	released = true            /* atomic_inc_return_release(&cpu_count) */
}

/* fetch one word of the pair in version v (from view up to the newest) */
inline fetch(view) {
	v = view;
	if
	:: v < version -> v = version
	:: true
	fi;
	view = v
}

active [NHARTS] proctype hart() {
	/* pc: 0 jal f (schedule point), 1 f, 2 f+4, 3 mv s1,ra, 4 ld a2,
	 * 5 auipc ra, 6 jalr ra, 7 tracer ret, 8 mv ra,s1, 9 jr t0,
	 * 10 ret (f+8), 11 ebreak (schedule point), 12 done */
	byte pc = 0, t0 = 0, ra = 0, s1 = 0, a2 = 0, v, pre = 0;
	bool parked = false, preempted = false;
	byte h = _pid - 1;
end:	do
	:: atomic { requested && !released && !parked && (preempted || pc == 0 || pc == 11 || pc == 12) ->
	            parked = true; nparked++ }
	:: atomic { parked && released -> parked = false; nparked--; view0[h] = version; view1[h] = version }
	:: atomic { !parked && !preempted && pc < 12 && pre < NPREEMPT -> preempted = true; pre++ }
	:: atomic { !parked && preempted -> preempted = false }
	:: atomic { !parked && !preempted && pc == 0 -> ra = 1; pc = 1 }
	:: atomic { !parked && !preempted && pc == 1 -> fetch(view0[h]); if :: v == 1 -> t0 = 1 :: else fi; pc = 2; v = 0 }
	:: atomic { !parked && !preempted && pc == 2 -> fetch(view1[h]);
	            if
	            :: v == 1 -> assert(t0 == 1); t0 = 2; pc = 3   /* jalr t0 -> ftrace_caller */
	            :: else -> pc = 10                             /* nop */
	            fi; v = 0 }
	:: atomic { !parked && !preempted && pc == 3 -> s1 = ra; pc = 4 }
	:: atomic { !parked && !preempted && pc == 4 -> a2 = 1; pc = 5 }
	:: atomic { !parked && !preempted && pc == 5 -> ra = 3; pc = 6 }
	:: atomic { !parked && !preempted && pc == 6 -> ra = 4; pc = 7 }
	:: atomic { !parked && !preempted && pc == 7 -> pc = 8 }
	:: atomic { !parked && !preempted && pc == 8 -> ra = s1; pc = 9 }
	:: atomic { !parked && !preempted && pc == 9 -> pc = 10 }
	:: atomic { !parked && !preempted && pc == 10 -> pc = 11 }
	:: atomic { !parked && !preempted && pc == 11 -> pc = 12 }
	od
}
