// Package model is the machine and the search.
//
// A Machine is the whole state a race can depend on: each hart's PC,
// registers and scheduling state (running, preempted, parked in
// stop_machine, pending IPIs, an interrupt frame), the patcher's position
// in its protocol, the data memory as a memory model sees it, and each
// hart's view of the text as its instruction fetch sees it. Nothing else
// is in the state, so two executions that reach equal Machines are
// merged.
//
// The package knows no instruction set and no patching protocol. An ISA
// executes one instruction on a CPU (the hart as this package exposes
// it); a DataMemory is a memory model (package memmodel); a FetchState is
// an instruction-fetch model (package ifetch); the patcher is a list of
// PatchOps that a protocol (package patchproto) writes; checks (package
// checks) judge each transition. A Monitor is a check with memory: its
// Record of the execution so far is part of the Machine (monitor.go).
//
// What it does know are the kernel mechanisms every protocol runs on, as
// steps of the machine with the ordering the kernel gives them:
//
//   - IPIs (ipi.go): smp_call_function and on_each_cpu, to every CPU or
//     to the CPUs of a cpumask read before; delivered through a csd
//     (kernel/smp.c: llist_add, csd_unlock, csd_lock_wait) or by the SBI,
//     which order memory differently; the patcher's wait for them.
//   - stop_machine (machine.go, system.go): CPUs park in multi_cpu_stop
//     with IRQs off at a schedule point, the patcher waits for all and
//     releases them; preemption, which matters only there, is bounded.
//   - CPU hotplug (hotplug.go): CPUs that come online by set_cpu_online
//     and a local fence.i, and the patcher's plain read of
//     cpu_online_mask.
//   - interrupts, NMIs and synchronous exceptions such as int3
//     (interrupt.go, trap.go): handler code run on the interrupted hart
//     with its registers saved in a frame; interrupt entry as a fetch
//     serialisation where the architecture says so.
//   - the patcher's own steps (patchstep.go): stores, barriers, its local
//     fence.i, arm64 cache maintenance (DC CVAU, IC IVAU, DSB ISH;
//     cachemaint.go, with the CMODX rules the fetch model judges), and
//     spin and cmpxchg loops as one step (patchwait.go).
//   - each task's shadow call stack, for the lost-return check
//     (shadow.go).
//
// Explore searches every reachable state within the bounds, breadth-first
// by default (depth-first in dfs.go), with a visited set, partial-order
// reduction (reduce.go) and symmetry reduction over hart numbering
// (symmetry.go). Breadth-first, the first violation found has a
// counterexample with the fewest transitions of any violating execution
// within the bounds. A trace is stored as the list of Labels that lead to
// it and is rebuilt by replaying them (Replay), so every trace shown to a
// user is a real execution of the model.
package model
