package ifetch

import (
	"fmt"

	"github.com/ftcheck/ftcheck/model"
)

// Stepper is how every ISA executes one instruction for model.Machine
// (model.ISA.Step): fetch the instruction at the PC and decode it with
// x/arch, fault if there is none, execute it. Each ISA gives its Fetch,
// Syntax and Run; the prologue is here once.
type Stepper[I any] struct {
	// Fetch fetches and decodes the instruction at pc. When ok it
	// returns the report so far: the bytes as fetched (Word, Bytes) and
	// NextPC just past the instruction. Otherwise it returns the whole
	// report of a step that cannot execute (a fetch fault, an illegal
	// instruction), which has nothing left to run.
	Fetch func(cpu model.CPU, pc uint64) (inst I, x model.Exec, ok bool)
	// Syntax renders a decoded instruction at pc for a trace.
	Syntax func(inst I, pc uint64) string
	// Run executes a decoded instruction at pc.
	Run func(s *Step, inst I, pc uint64)
}

// Step runs the instruction at cpu's PC.
func (st Stepper[I]) Step(cpu model.CPU) model.Exec {
	pc := cpu.PC()
	inst, x, ok := st.Fetch(cpu, pc)
	if !ok {
		return x
	}
	s := Step{CPU: cpu, X: x, Tracing: cpu.Tracing()}
	if s.Tracing {
		s.X.Disasm = st.Syntax(inst, pc)
	}
	st.Run(&s, inst, pc)
	return s.X
}

// FetchWord is Stepper.Fetch for an ISA of aligned 4-byte words (arm64,
// powerpc; RISC-V, with its 2-byte instructions, has its own): one
// fetch, one decode. undecodable reports a word the decoder refuses.
func FetchWord[I any](d *WordDecoder[I], undecodable func(cpu model.CPU, word uint32, pc uint64) model.Exec) func(model.CPU, uint64) (I, model.Exec, bool) {
	return func(cpu model.CPU, pc uint64) (I, model.Exec, bool) {
		var inst I
		word, ok := cpu.FetchWord(pc)
		if !ok {
			return inst, model.Exec{Fault: fmt.Sprintf("fetch fault: no instruction at %#x", pc)}, false
		}
		inst, err := d.Decode(word)
		if err != nil {
			return inst, undecodable(cpu, word, pc), false
		}
		return inst, model.Exec{Word: word, NextPC: pc + 4}, true
	}
}

// Step is one instruction being executed: the hart's CPU and the report
// the ISA fills in (held here, so that a step allocates once). The words
// of a trace (Exec.Effect) are built only when the step is traced, since
// a search executes millions of steps no one reads.
type Step struct {
	CPU     model.CPU
	X       model.Exec
	Tracing bool
}

// Note adds text to the effect of a traced step.
func (s *Step) Note(text string) {
	if !s.Tracing {
		return
	}
	if s.X.Effect != "" {
		s.X.Effect += "; "
	}
	s.X.Effect += text
}

// Notef is Note with a format. A caller on the search's path tests
// Tracing first: the arguments are boxed before the call, traced or not.
func (s *Step) Notef(format string, args ...any) {
	if s.Tracing {
		s.Note(fmt.Sprintf(format, args...))
	}
}

// Faultf stops the step with a fault; the first fault is the one reported.
func (s *Step) Faultf(format string, args ...any) {
	if s.X.Fault == "" {
		s.X.Fault = fmt.Sprintf(format, args...)
	}
}

// Jump transfers control to target.
func (s *Step) Jump(target uint64) {
	s.X.NextPC, s.X.Jump = target, true
	if s.Tracing {
		s.Notef("jump %#x", target)
	}
}
