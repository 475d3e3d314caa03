package checks

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/ftcheck/ftcheck/model"
)

// inspectBytes judges an instruction fetched a byte at a time, or from
// two fetch units (a RISC-V instruction at an address ≡ 2 mod 4): it must
// be exactly one of the instructions some version of the text has at its
// PC. A CPU that has not serialised since the text changed may assemble
// one from the old first byte and the new displacement (Intel SDM Vol. 3A
// §8.1.3), and a task that resumes where an instruction used to start
// decodes from inside the new one: neither is an instruction of any
// version.
func (c BadFetch) inspectBytes(t *model.Transition) *model.Violation {
	x := t.Event.Exec
	pc := t.Event.PC
	for _, want := range c.Insns[pc] {
		if bytes.Equal(x.Bytes, want) {
			return nil
		}
	}
	var why string
	if vs := c.Insns[pc]; len(vs) == 0 {
		why = "no version of the text has an instruction starting there: the CPU decodes from inside one"
	} else {
		var alts []string
		for _, v := range vs {
			alts = append(alts, fmt.Sprintf("% x", v))
		}
		why = "the versions there are " + strings.Join(alts, " | ")
	}
	what := x.Disasm
	if what == "" {
		what = "an instruction"
	}
	return &model.Violation{Check: c.Name(), Message: fmt.Sprintf("%s at %s executed % x (%s), which is no instruction of any version of the code: %s%s",
		t.Event.Actor, c.Symbols.Name(pc), x.Bytes, what, why, fetchedVersions(t))}
}

// fetchedVersions says which version of each byte (or fetch unit: a
// RISC-V instruction straddling two) the step fetched, when some had
// several.
func fetchedVersions(t *model.Transition) string {
	var parts []string
	mixed := false
	for _, f := range t.Event.Fetches {
		parts = append(parts, fmt.Sprintf("v%d", f.Version))
		mixed = mixed || f.Versions > 1
	}
	if !mixed {
		return ""
	}
	what := "bytes"
	if len(t.Event.Fetches) != len(t.Event.Exec.Bytes) {
		what = "fetch units"
	}
	return " (" + what + " fetched as " + strings.Join(parts, " ") + "; v0 is the boot text)"
}
