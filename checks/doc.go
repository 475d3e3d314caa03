// Package checks holds the properties ftcheck judges executions by. A
// check looks at one transition (the state before, the event, the state
// after) and states a violation as a concrete fact about it; a monitor
// (stale-dest) also carries a record of the execution with the state.
// Checks know no protocol: what the code is meant to do comes in through
// the check's [check NAME] section and every version of the text.
//
// Each check's file holds the check and its Def (registry.go): its name,
// the line `ftcheck list` shows, what it judges for coverage, the parser
// of its section and what it adds to the machine. Registry lists them in
// the order they judge a step:
//
//   - torn-pair: a control transfer to an address that is no instruction
//     boundary of any version of the code, an indirect jump to a target
//     the code does not intend from that site in any version (auipc from
//     one version, jalr from another; a task resumed mid-sequence), or a
//     fault.
//   - bad-fetch: bytes executed that are no instruction of any version
//     (arm64 CMODX, an undefined encoding, x86 bytes of two versions).
//   - lost-return: a return to somewhere other than the address its call
//     linked (the shadow call stack).
//   - stale-fetch: an old version of patched text fetched after the
//     patcher's final instruction-fetch sync.
//   - deadlock: a state where nothing can move and someone has not
//     finished.
//   - stale-dest: a monitor whose history of tracer updates
//     (ftrace_update_ftrace_func) and traced calls porcupine finds not
//     linearizable for a register.
//   - pair-mismatch: a tracer called with an op that was never in
//     function_trace_op while that tracer was in ftrace_call_dest.
//   - use-after-clear: a data access through a descriptor pointer the
//     patcher had cleared.
//
// docs/checks.md describes each one; its table of checks is generated
// from Registry.
package checks
