package checks

import (
	"fmt"

	"github.com/ftcheck/ftcheck/model"
)

// BadFetch is the bad-fetch check: a hart executed bytes that are no
// instruction of any version of the code. Who knows that is the ISA or
// the fetch model, which mark the step with Exec.BadFetch: an undefined
// encoding (arm64), a unit fetched while being modified in a way the
// architecture leaves undefined (arm64 CMODX: not both the old and the
// new instruction are B, BL, NOP, BRK, SVC, HVC, SMC or ISB), a resume in
// the middle of an instruction (x86). The check only reports it; other
// faults (an instruction outside the modelled subset) are torn-pair's.
type BadFetch struct {
	Symbols model.Symbols
	// Insns, for ISAs fetched a byte at a time (x86) or whose
	// instructions can straddle two fetch units (RISC-V), are the bytes of
	// every instruction of every version of the text by the address it
	// starts at: an executed instruction (Exec.Bytes) that is none of
	// those at its PC was assembled from bytes of different versions, or
	// decoded from inside an instruction (badfetchx86.go).
	Insns map[uint64][][]byte
}

// BadFetchDef is bad-fetch in the registry. Its section takes no lines:
// the ISA and the fetch model know what is no instruction.
var BadFetchDef = &Def{
	Name:    "bad-fetch",
	Doc:     "executing bytes that are no instruction of any version: an undefined encoding, a fetch of code being modified outside the architecture's CMODX set (arm64), a resume mid-instruction, an instruction assembled from two versions (x86 bytes, the halves of a RISC-V instruction straddling two fetch units)",
	Subject: model.SubjectText,
	Parse:   noLines("the ISA and the fetch model say what is no instruction", buildBadFetch),
}

// buildBadFetch: Insns is nil but for ISAs fetched by the byte or with
// straddling instructions, whose instructions are compared with the
// text's.
func buildBadFetch(sc Scenario) (Wiring, error) {
	return Wiring{Check: BadFetch{Symbols: sc.Symbols(), Insns: sc.Insns()}}, nil
}

func (BadFetch) Name() string { return BadFetchDef.Name }

// Subject is what the check judges, for coverage (model.Coverage).
func (BadFetch) Subject() model.Subject { return BadFetchDef.Subject }

func (c BadFetch) Inspect(t *model.Transition) *model.Violation {
	x := t.Event.Exec
	if x != nil && x.BadFetch == "" && c.Insns != nil && x.Bytes != nil {
		return c.inspectBytes(t)
	}
	if x == nil || x.BadFetch == "" {
		return nil
	}
	return &model.Violation{Check: c.Name(), Message: fmt.Sprintf("%s at %s: %s", t.Event.Actor, c.Symbols.Name(t.Event.PC), x.BadFetch)}
}
