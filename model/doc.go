// Package model is the machine and the search.
//
// A Machine is the whole state a race can depend on: each hart's PC,
// registers and scheduling state (running, preempted, parked in
// stop_machine, pending IPIs), the patcher's position in its protocol,
// the data memory as a memory model sees it, and each hart's view of the
// text as its instruction fetch sees it. Nothing else is in the state, so
// two executions that reach equal Machines are merged.
//
// The package knows no instruction set and no protocol. An ISA executes
// one instruction on a CPU (the hart as this package exposes it); a
// DataMemory is a memory model (package memmodel); a FetchState is an
// instruction-fetch model (package ifetch); the patcher is a list of
// PatchOps that a protocol (package patchproto) writes; checks (package
// checks) judge each transition. A Monitor is a check with memory: its
// Record of the execution so far is part of the Machine (monitor.go).
//
// Explore runs an exhaustive breadth-first search with a visited set.
// Because the search is breadth-first, the first violation found has a
// counterexample with the fewest transitions of any violating execution
// within the bounds. A trace is stored as the list of Labels that lead to
// it and is rebuilt by replaying them (Replay), so every trace shown to a
// user is a real execution of the model.
package model
