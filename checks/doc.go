// Package checks holds the properties ftcheck judges executions by. A
// check looks at one transition (the state before, the event, the state
// after) and states a violation as a concrete fact about it. Checks know
// no protocol: what the code is meant to do comes in as an Intent, which
// a protocol derives from all versions of its text.
//
//   - torn-pair: a control transfer to an address that is no instruction
//     boundary of any version of the code, or an indirect jump (jalr)
//     whose target is not one of the targets the code intends from that
//     site in any version — the mark of a pair of instructions executed
//     from two different versions (the high bits of the address from one
//     auipc, the low bits from another jalr), and of a task resumed in
//     the middle of a sequence that was rewritten under it. Executing a
//     word that is no instruction (a fault) is reported by it too.
//   - stale-dest: a monitor (model.Monitor) that records the history of
//     tracer updates (ftrace_update_ftrace_func) and traced calls and
//     asks porcupine whether it is linearizable for a register: a call
//     that began after update(f) returned must reach f or a later
//     tracer. The record's key is a summary with the same verdicts.
//   - pair-mismatch: a tracer called with an op that was never in
//     function_trace_op while that tracer was in ftrace_call_dest; the
//     pairs set together come from the patcher's program.
package checks
