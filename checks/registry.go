package checks

import (
	"slices"

	"github.com/ftcheck/ftcheck/model"
)

// Def is one check as ftcheck knows it, in the style of go/analysis's
// Analyzer: the name a scenario's [check NAME] section gives it, the
// line `ftcheck list` shows, how its section is read, and what it adds
// to the machine. Each check's file declares its Def next to the check;
// Registry lists them. Adding a check is that file, its line in
// Registry and its section in docs/checks.md (registry_test.go fails
// without any of the three).
type Def struct {
	// Name is what [check NAME] says: torn-pair, stale-dest, ...
	Name string
	// Doc is the one-line description `ftcheck list` shows.
	Doc string
	// Subject is what the check judges, for coverage (model.Coverage);
	// the check's Subject method returns it.
	Subject model.Subject
	// Syntax is the section's lines, for errors and docs; "" when the
	// section takes none (the ISA or the machine knows what to judge).
	Syntax string
	// Parse reads the section's lines once the scenario's symbols are
	// known, and returns how to build the check once its patcher
	// program is known too (a tracer update is a run of patcher steps).
	Parse func(Section) (Build, error)
}

// Build makes a check for the scenario its section was read from.
type Build func(Scenario) (Wiring, error)

// Wiring is what a check adds to the machine: a check that judges each
// transition, or a monitor that remembers the execution, and the
// machine state it needs kept.
type Wiring struct {
	Check   model.Check
	Monitor model.Monitor
	// ShadowStack: the machine keeps each task's shadow call stack
	// (model.Config.ShadowStack; lost-return).
	ShadowStack bool
}

// Registry is every check, in the order they judge a step: the first
// that objects names the violation, and `expect violated CHECK` lines
// pin that name, so torn-pair stays ahead of bad-fetch (an x86 fetch of
// mixed versions can be both a wild jump and no instruction at all).
var Registry = []*Def{
	TornPairDef,
	BadFetchDef,
	LostReturnDef,
	StaleFetchDef,
	DeadlockDef,
	StaleDestDef,
	PairMismatchDef,
	UseAfterClearDef,
}

// Lookup finds a check by name.
func Lookup(name string) (*Def, bool) {
	i := slices.IndexFunc(Registry, func(d *Def) bool { return d.Name == name })
	if i < 0 {
		return nil, false
	}
	return Registry[i], true
}

// Names lists the checks' names in Registry order.
func Names() []string {
	var out []string
	for _, d := range Registry {
		out = append(out, d.Name)
	}
	return out
}

// Section is a [check NAME] section as the scenario reader hands it to
// the check's Parse: its non-blank lines, each read a token at a time in
// the scenario language (expressions, labels, registers), and places to
// report errors at, so that a bad line is file:line:col: what is wrong.
type Section interface {
	// Name is the check's name as the header gives it.
	Name() string
	Lines() []Line
	// At is the check's name in the header; Header is the header's [.
	At() Place
	Header() Place
}

// Line is one line of a section, read from left to right. Every error
// a method returns is already placed at the token it is about.
type Line interface {
	// Word reads an identifier; what says what was expected, for the
	// error when there is none.
	Word(what string) (Word, error)
	// Expect reads the token tok; Accept reads it only if it is next.
	Expect(tok string) error
	Accept(tok string) bool
	// Addr reads an expression and evaluates it to an address (a label,
	// a number, label+offset); Addrs reads ADDR[, ADDR...], a label that
	// stands for several addresses giving each.
	Addr() (uint64, error)
	Addrs() ([]uint64, error)
	// Symbol reads a label and says what the scenario defines by it.
	Symbol(what string) (Symbol, error)
	// Register reads a register name of the scenario's ISA.
	Register(what string) (int, error)
	// End reports anything left on the line.
	End() error
	// At is the line's first token.
	At() Place
}

// Word is an identifier read from a line, and where it stands.
type Word struct {
	Text string
	At   Place
}

// Symbol is a label as the scenario defines it.
type Symbol struct {
	Name    string
	At      Place    // where the section names it
	Defined bool     // the scenario defines the label at all
	Data    bool     // a label in a [data] section
	Addrs   []uint64 // one per place the label stands (a .rept or several harts' code: more)
	Size    int      // the size of the data item it labels (.dword: 8), or 0
}

// Place is a position in the scenario file.
type Place interface {
	// Errorf makes an error reported as file:line:col: message.
	Errorf(format string, args ...any) error
}

// Scenario is what a check is built from once the whole scenario is
// read: its symbols, the patcher's program and every version of its
// text.
type Scenario interface {
	Symbols() model.Symbols
	Patch() []model.PatchOp
	// Boundaries are the addresses where an instruction starts in some
	// version of the text.
	Boundaries() map[uint64]bool
	// Insns, for an ISA fetched a byte at a time (x86), are the bytes of
	// every instruction of every version of the text by the address it
	// starts at; nil for the others.
	Insns() map[uint64][][]byte
	// InitialValue is the value the [data] section gives the item at
	// s; an item with none is an error at s.
	InitialValue(s Symbol) (uint64, error)
	// RegName names register i of the ISA.
	RegName(i int) string
}

// noLines is the parser of a section that takes no lines, because the
// ISA, the fetch model or the machine knows what to judge (why says so
// in the error).
func noLines(why string, build Build) func(Section) (Build, error) {
	return func(s Section) (Build, error) {
		if ls := s.Lines(); len(ls) > 0 {
			return nil, ls[0].At().Errorf("[check %s] takes no lines: %s", s.Name(), why)
		}
		return build, nil
	}
}
