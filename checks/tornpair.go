package checks

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/ftcheck/ftcheck/model"
)

// Intent is what a protocol means its code to do, over every version of
// the text it can write.
type Intent struct {
	// Boundaries are the addresses where an instruction starts in some
	// version of the text.
	Boundaries map[uint64]bool
	// Targets lists, for each indirect-jump site, every target the site is
	// meant to reach in some version (the trampoline, a tracer, the return
	// to the patched function).
	Targets map[uint64][]uint64
	Symbols model.Symbols
}

// TornPair is the torn-pair / wild-jump check.
type TornPair struct{ Intent Intent }

// TornPairDef is torn-pair in the registry. Its section says which
// targets each indirect jump is meant to reach, in some version of the
// text:
//
//	intend SITE[, SITE...] -> TARGET[, TARGET...]
var TornPairDef = &Def{
	Name:    "torn-pair",
	Doc:     "a jump to an address no version of the code intends (auipc from one version, jalr from another; a resume mid-sequence), or a fault",
	Subject: model.SubjectPatch,
	Syntax:  "intend SITE[, SITE...] -> TARGET[, TARGET...]",
	Parse:   parseTornPair,
}

func parseTornPair(s Section) (Build, error) {
	targets := map[uint64][]uint64{}
	for _, l := range s.Lines() {
		if err := l.Expect("intend"); err != nil {
			return nil, err
		}
		from, err := l.Addrs()
		if err != nil {
			return nil, err
		}
		if err := l.Expect("->"); err != nil {
			return nil, err
		}
		to, err := l.Addrs()
		if err != nil {
			return nil, err
		}
		if err := l.End(); err != nil {
			return nil, err
		}
		for _, f := range from {
			for _, t := range to {
				if !slices.Contains(targets[f], t) {
					targets[f] = append(targets[f], t)
				}
			}
		}
	}
	return func(sc Scenario) (Wiring, error) {
		return Wiring{Check: TornPair{Intent: Intent{Boundaries: sc.Boundaries(), Targets: targets, Symbols: sc.Symbols()}}}, nil
	}, nil
}

func (TornPair) Name() string { return TornPairDef.Name }

// Subject is what the check judges, for coverage (model.Coverage).
func (TornPair) Subject() model.Subject { return TornPairDef.Subject }

func (c TornPair) Inspect(t *model.Transition) *model.Violation {
	ev := &t.Event
	x := ev.Exec
	if x == nil {
		return nil
	}
	sym := c.Intent.Symbols.Name
	if x.Fault != "" {
		return &model.Violation{Check: c.Name(), Message: fmt.Sprintf("%s at %s: %s", ev.Actor, sym(ev.PC), x.Fault)}
	}
	if !x.Jump {
		return nil
	}
	from, to := ev.PC, x.NextPC
	if !c.Intent.Boundaries[to] {
		return &model.Violation{Check: c.Name(), Message: fmt.Sprintf(
			"%s: %s at %s jumps to %s, which is no instruction of any version of the code%s",
			ev.Actor, x.Disasm, sym(from), sym(to), c.provenance(t))}
	}
	if want, ok := c.Intent.Targets[from]; ok && !slices.Contains(want, to) {
		names := make([]string, len(want))
		for i, w := range want {
			names[i] = sym(w)
		}
		sort.Strings(names)
		return &model.Violation{Check: c.Name(), Message: fmt.Sprintf(
			"%s: %s at %s jumps to %s; the code means it to reach only %s%s",
			ev.Actor, x.Disasm, sym(from), sym(to), strings.Join(names, ", "), c.provenance(t))}
	}
	return nil
}

// provenance says which version of the jumping word was fetched (of
// each half, for a RISC-V instruction straddling two fetch units).
func (c TornPair) provenance(t *model.Transition) string {
	if fs := t.Event.Fetches; len(fs) == 2 && t.Event.Exec != nil && len(t.Event.Exec.Bytes) == 4 && fs[0].Versions*fs[1].Versions > 1 {
		return fmt.Sprintf(" (its first half was fetched as v%d of the unit at %#x, its second as v%d of the unit at %#x; v0 is the boot text)",
			fs[0].Version, fs[0].Addr, fs[1].Version, fs[1].Addr)
	}
	for _, f := range t.Event.Fetches {
		if f.Versions > 1 {
			return fmt.Sprintf(" (the jumping word was fetched as v%d; v0 is the boot text, v%d the newest)", f.Version, f.Versions-1)
		}
	}
	return ""
}
