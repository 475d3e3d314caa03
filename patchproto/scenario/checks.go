package scenario

import (
	"errors"
	"strings"

	"github.com/ftcheck/ftcheck/checks"
	"github.com/ftcheck/ftcheck/model"
	"github.com/ftcheck/ftcheck/model/input"
)

// A [check NAME] section is read by the check's own parser
// (checks.Registry: each check's Def), through the adapters below that
// give it this file's lines, expressions and symbols; what it returns is
// built into the machine once the patcher's program is known.

// pendingCheck is a check whose section has been read.
type pendingCheck struct {
	def   *checks.Def
	build checks.Build
}

// checkSection reads [check NAME].
func (b *builder) checkSection(s *section) *Error {
	name, at := s.arg, s.head.pos(s.argAt)
	if name == "" {
		return errorf(at, "expected a check name: [check torn-pair]")
	}
	def, ok := checks.Lookup(name)
	if !ok {
		return errorf(at, "unknown check %q%s (checks: %s)", name, didYouMean(name, checks.Names()), strings.Join(checks.Names(), ", "))
	}
	cs := checkSection{s: s}
	for _, l := range s.lines {
		_, off := l.trimmed()
		c, err := lineCursor(l, off)
		if err != nil {
			return err
		}
		cs.lines = append(cs.lines, checkLine{b: b, at: l.pos(off), c: c})
	}
	build, err := def.Parse(cs)
	if err != nil {
		return placed(err, at)
	}
	b.checks = append(b.checks, pendingCheck{def, build})
	return nil
}

// wireChecks builds the checks the sections asked for, in the order of
// checks.Registry (the order they judge a step in).
func (b *builder) wireChecks(cfg *model.Config) *Error {
	sc := checkScenario{b, cfg}
	for _, def := range checks.Registry {
		for _, p := range b.checks {
			if p.def != def {
				continue
			}
			w, err := p.build(sc)
			if err != nil {
				return placed(err, b.f.header)
			}
			if w.Check != nil {
				cfg.Checks = append(cfg.Checks, w.Check)
			}
			if w.Monitor != nil {
				cfg.Monitors = append(cfg.Monitors, w.Monitor)
			}
			cfg.ShadowStack = cfg.ShadowStack || w.ShadowStack
		}
	}
	return nil
}

// placed is err as this file's error; one the check made without a
// place (none should) is put at.
func placed(err error, at Pos) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return errorf(at, "%v", err)
}

// didYouMean suggests the known name closest to a misspelt one, if it
// is near enough to be a typo (input.Closest).
func didYouMean(name string, known []string) string {
	if best := input.Closest(name, known); best != "" {
		return ": did you mean " + best + "?"
	}
	return ""
}

// place is a position as a check sees it (checks.Place).
type place Pos

func (p place) Errorf(format string, args ...any) error { return errorf(Pos(p), format, args...) }

// asError keeps a nil *Error nil as an error.
func asError(e *Error) error {
	if e == nil {
		return nil
	}
	return e
}

// checkSection is a [check NAME] section as its check reads it
// (checks.Section), its lines tokenized.
type checkSection struct {
	s     *section
	lines []checks.Line
}

func (cs checkSection) Name() string         { return cs.s.arg }
func (cs checkSection) At() checks.Place     { return place(cs.s.head.pos(cs.s.argAt)) }
func (cs checkSection) Header() checks.Place { return place(cs.s.pos) }

func (cs checkSection) Lines() []checks.Line { return cs.lines }

// checkLine is one line of a check's section (checks.Line).
type checkLine struct {
	b  *builder
	at Pos
	c  *cursor
}

func (cl checkLine) At() checks.Place { return place(cl.at) }

func (cl checkLine) Word(what string) (checks.Word, error) {
	t, err := cl.c.ident(what)
	if err != nil {
		return checks.Word{}, err
	}
	return checks.Word{Text: t.val, At: place(cl.c.at(t))}, nil
}

func (cl checkLine) Expect(tok string) error { return asError(cl.c.expect(tok)) }
func (cl checkLine) Accept(tok string) bool  { return cl.c.accept(tok) }
func (cl checkLine) End() error              { return asError(cl.c.end()) }

func (cl checkLine) Addr() (uint64, error) {
	v, err := cl.b.value(cl.c)
	return v, asError(err)
}

func (cl checkLine) Addrs() ([]uint64, error) {
	var out []uint64
	for {
		x, err := parseExpr(cl.c)
		if err != nil {
			return nil, err
		}
		as, err := cl.b.addrs(x)
		if err != nil {
			return nil, err
		}
		out = append(out, as...)
		if !cl.c.accept(",") {
			return out, nil
		}
	}
}

func (cl checkLine) Symbol(what string) (checks.Symbol, error) {
	t, err := cl.c.ident(what)
	if err != nil {
		return checks.Symbol{}, err
	}
	out := checks.Symbol{Name: t.val, At: place(cl.c.at(t))}
	if s, ok := cl.b.syms[t.val]; ok {
		out.Defined, out.Data, out.Addrs, out.Size = true, s.data, s.addrs, s.size
	}
	return out, nil
}

func (cl checkLine) Register(what string) (int, error) {
	r, err := cl.c.ident(what)
	if err != nil {
		return 0, err
	}
	n, ok := cl.b.arch.regNumber(r.val)
	if !ok {
		return 0, errorf(cl.c.at(r), "unknown register %q", r.val)
	}
	return n, nil
}

// checkScenario is the scenario a check is built for (checks.Scenario).
type checkScenario struct {
	b   *builder
	cfg *model.Config
}

func (sc checkScenario) Symbols() model.Symbols      { return sc.cfg.Symbols }
func (sc checkScenario) Patch() []model.PatchOp      { return sc.cfg.Patch }
func (sc checkScenario) Boundaries() map[uint64]bool { return sc.b.text.boundaries }
func (sc checkScenario) RegName(i int) string        { return sc.b.arch.isa.RegName(i) }

func (sc checkScenario) Insns() map[uint64][][]byte {
	// Fetched by the byte (x86), or an instruction may straddle two fetch
	// units (RISC-V): compare instructions with the text's. The RISC-V
	// executor reports the bytes of straddling instructions only.
	if sc.b.arch.unit == 1 || sc.b.arch.align < sc.b.arch.unit {
		return sc.b.text.insns
	}
	return nil
}

func (sc checkScenario) InitialValue(s checks.Symbol) (uint64, error) {
	for _, it := range sc.b.data {
		if len(s.Addrs) == 1 && it.addr == s.Addrs[0] && it.size == s.Size {
			v, err := it.x.eval(sc.b.resolveAt(it.addr))
			if err != nil {
				return 0, err
			}
			return v, nil
		}
	}
	return 0, s.At.Errorf("%s has no initial value in a [data] section", s.Name)
}
