/*
 * riscv-jalr (op enable, SC, 1 call per hart) in Promela, step for step
 * like ftcheck's model (patchproto/riscv_jalr.go): each hart executes
 * jal f; auipc t0; [f+4: nop | jalr t0 -> ftrace_caller]; in the
 * trampoline mv s1,ra; ld a2,op; ld ra,dest; jalr ra; (tracer) ret;
 * mv ra,s1; jr t0; then ret and ebreak. Each hart may fetch f+4 from any
 * version from the oldest it may still see to the newest, until fence.i.
 * Pending IPIs are taken at instruction boundaries. The patcher runs
 * ftrace_modify_all_code + flush_icache_all as 18 steps.
 * Used by bench/spin/run.sh to compare states and time with ftcheck.
 */
#ifndef NHARTS
#define NHARTS 2
#endif

#define STUB 0
#define LIST 1
#define TRACER_A 2
#define OPEND 0
#define OPA 1
#define SYNC 1   /* ftrace_sync_ipi: fence r,r */
#define FENCEI 2 /* ipi_remote_fence_i: fence.i */

byte dest = STUB;          /* ftrace_call_dest */
byte op = OPEND;           /* function_trace_op */
byte site_versions = 1;    /* versions of the word at f+4: 1 = nop only, 2 = nop, jalr */
byte view[NHARTS];         /* oldest version of f+4 each hart may fetch */
byte pending[NHARTS];      /* pending IPI bits */

/* one step, enabled when every hart has taken IPI b */
inline wait_ipi(b) {
	((pending[0] & b) == 0
#if NHARTS > 1
		&& (pending[1] & b) == 0
#endif
#if NHARTS > 2
		&& (pending[2] & b) == 0
#endif
#if NHARTS > 3
		&& (pending[3] & b) == 0
#endif
	)
}

/* one step: IPI b pending on every hart */
inline send_ipi(b) {
	d_step { j = 0; do :: j < NHARTS -> pending[j] = pending[j] | b; j++ :: else -> break od; j = 0 }
}

inline update_ftrace_func(fn) {
	dest = fn;          /* WRITE_ONCE(ftrace_call_dest) */
	skip;               /* smp_wmb() */
	send_ipi(SYNC);     /* smp_call_function(ftrace_sync_ipi) */
	wait_ipi(SYNC)
}

active proctype patcher() {
	byte j;
	update_ftrace_func(LIST);
	site_versions = 2;  /* patch_insn_write: store32 f+4 = jalr */
	skip;               /* local fence.i */
	op = OPA;           /* function_trace_op = op */
	skip;               /* smp_wmb() */
	send_ipi(SYNC);
	wait_ipi(SYNC);
	update_ftrace_func(TRACER_A);
	skip;               /* flush_icache_all: local fence.i */
	skip;               /* fence w,o */
	send_ipi(FENCEI);
	wait_ipi(FENCEI)
}

/* take a pending IPI (the lowest first), as one step */
#define TAKE_IPI(h) \
	:: atomic { (pending[h] & SYNC) -> pending[h] = pending[h] & ~SYNC } \
	:: atomic { (pending[h] & SYNC) == 0 && (pending[h] & FENCEI) -> pending[h] = pending[h] & ~FENCEI; view[h] = site_versions - 1 }

active [NHARTS] proctype hart() {
	/* pc: 0 jal f, 1 auipc, 2 f+4, 3 mv s1,ra, 4 ld a2, 5 ld ra, 6 jalr ra,
	 * 20+k tracer k's ret, 7 mv ra,s1, 8 jr t0, 9 ret (f+8), 10 ebreak */
	byte pc = 0;
	byte a2 = 0, ra = 0, t0 = 0, s1 = 0, v;
	byte h = _pid - 1;
	do
	TAKE_IPI(h)
	:: atomic { pc == 0 -> ra = 1; pc = 1 }
	:: atomic { pc == 1 -> t0 = 1; pc = 2 }
	:: atomic { pc == 2 -> v = view[h]; if :: v == 0 && site_versions == 2 -> v = 1 :: true fi;
	            view[h] = v; if :: v == 1 -> t0 = 2; pc = 3 :: else -> pc = 9 fi; v = 0 }
	:: atomic { pc == 3 -> s1 = ra; pc = 4 }
	:: atomic { pc == 4 -> a2 = op; pc = 5 }
	:: atomic { pc == 5 -> ra = dest; pc = 6 }
	:: atomic { pc == 6 -> pc = 20 + ra; ra = 3 }
	:: atomic { pc >= 20 -> pc = 7 }
	:: atomic { pc == 7 -> ra = s1; pc = 8 }
	:: atomic { pc == 8 -> pc = 9 }
	:: atomic { pc == 9 -> pc = 10 }
	:: atomic { pc == 10 -> break }
	od;
	/* the task ended; the idle CPU still takes IPIs */
end:	do
	TAKE_IPI(h)
	od
}
