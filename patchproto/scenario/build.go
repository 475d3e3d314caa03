package scenario

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ftcheck/ftcheck/ifetch"
	"github.com/ftcheck/ftcheck/model"
)

// Settings choose a configuration of a scenario: parameter values and
// bounds. The zero value of each field means the file's own value.
type Settings struct {
	Params  map[string]string
	Harts   int
	Calls   int
	Preempt *int
	Memory  string
}

// Built is a scenario made explorable, with every choice resolved.
type Built struct {
	Config  model.Config
	Params  map[string]string
	Harts   int
	Calls   int // 0 when the scenario does not use calls
	Preempt int
	Memory  string
	Bounds  model.Bounds // the file's search bounds (zero: none)
	// ConcreteHarts: a final condition names harts (0:a0), so states
	// that differ only by hart numbering must not be merged (turn
	// symmetry reduction off).
	ConcreteHarts bool
}

// builder holds what Build learns while reading the file.
type builder struct {
	f    *File
	arch *arch

	harts, calls, preempt int
	hartsPos, memoryPos   Pos
	memoryFlag            bool // the memory model came from Settings (--memory), not the file
	memory                string
	bounds                model.Bounds
	handlers              []model.Handler
	handlerIndex          map[string]int
	parkExit              bool
	// entrySync: `interrupt entry: sync_core` (interrupt.go).
	entrySync        bool
	hot              *hotplugDecl   // hotplug N MASK: ... (hotplug.go)
	checks           []pendingCheck // the [check NAME] sections read (checks.go)
	interrupts       []interruptDecl
	maxInterrupts    int
	maxInterruptsPos Pos
	cacheType        *ifetch.CacheType
	cacheTypePos     Pos
	usesBound        map[string]bool

	syms                 map[string]*symbol
	equDepth             int            // .equ definitions being evaluated (equValue)
	declared             map[string]Pos // declarations that may be made once (once)
	textNames, dataNames []string

	sections []*section
	conds    []line

	text    textImage
	jumps   []jump // every direct jump assembled (checkJumps)
	textPos Pos    // the first [text] or [hart] header
	data    []dataItem
	harting []hartCode
}

// section is a [kind arg...] block and its lines.
type section struct {
	kind  string // text, data, hart, init, patcher, check
	head  line
	pos   Pos     // of the header's [
	args  *cursor // the header's tokens after the kind
	arg   string  // the header's text after the kind
	argAt int     // its offset in the line
	lines []line
}

// Build lays out, assembles and checks the scenario for the settings.
func (f *File) Build(s Settings) (*Built, error) {
	b := &builder{f: f, arch: f.arch, harts: 0, calls: 1, preempt: 1, memory: f.arch.mem,
		handlerIndex: map[string]int{}, syms: map[string]*symbol{}, usesBound: map[string]bool{}, declared: map[string]Pos{},
		text: newTextImage(uint64(f.arch.unit))}
	params, err := f.paramValues(s.Params)
	if err != nil {
		return nil, err
	}
	lines, e := f.resolveIf(params)
	if e != nil {
		return nil, e
	}
	if e := b.split(lines); e != nil {
		return nil, e
	}
	if e := b.settle(s); e != nil {
		return nil, e
	}
	cfg, e := b.build()
	if e != nil {
		return nil, e
	}
	if s.Calls != 0 && !b.usesBound["calls"] {
		return nil, errorf(f.header, "--calls: %s does not use calls (no .rept calls)", f.Name)
	}
	calls := b.calls
	if !b.usesBound["calls"] {
		calls = 0
	}
	return &Built{Config: cfg, Params: params, Harts: b.harts, Calls: calls, Preempt: b.preempt,
		Memory: b.memory, Bounds: b.bounds, ConcreteHarts: b.concreteHarts(cfg)}, nil
}

// paramValues fills in defaults and checks the values given.
func (f *File) paramValues(given map[string]string) (map[string]string, error) {
	vals := map[string]string{}
	for _, p := range f.Params {
		vals[p.Name] = p.Values[0].Name
	}
	var names []string
	for n := range given {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		p, ok := f.Param(n)
		if !ok {
			var known []string
			for _, q := range f.Params {
				known = append(known, q.Name)
			}
			if len(known) == 0 {
				return nil, fmt.Errorf("%s has no parameters (--%s %s)", f.Name, n, given[n])
			}
			return nil, fmt.Errorf("%s has no parameter %q (parameters: %s)", f.Name, n, strings.Join(known, ", "))
		}
		if !slices.Contains(p.ValueNames(), given[n]) {
			return nil, fmt.Errorf("--%s %q: %s knows %s", n, given[n], f.Name, strings.Join(p.ValueNames(), ", "))
		}
		vals[n] = given[n]
	}
	return vals, nil
}

// split reads the declarations and cuts the rest into sections and the
// final condition.
func (b *builder) split(lines []line) *Error {
	var cur *section
	inCond := false
	for _, l := range lines {
		t, off := l.trimmed()
		if t == "" {
			continue
		}
		switch {
		case strings.HasPrefix(t, "["):
			s, err := b.sectionHeader(l, off)
			if err != nil {
				return err
			}
			if err := b.sectionOnce(s); err != nil {
				return err
			}
			b.sections = append(b.sections, s)
			cur, inCond = s, false
		case off == 0 && isCondStart(t):
			inCond = true
			b.conds = append(b.conds, l)
		case inCond:
			b.conds = append(b.conds, l)
		case cur == nil:
			if err := b.declaration(l); err != nil {
				return err
			}
		default:
			cur.lines = append(cur.lines, l)
		}
	}
	return nil
}

// sectionOnce refuses a second [patcher], [init] or [check NAME] of the
// same check: the patcher runs one program, and two such sections would
// be read as one, in an order the reader need not expect.
func (b *builder) sectionOnce(s *section) *Error {
	if s.kind != "patcher" && s.kind != "init" && s.kind != "check" {
		return nil
	}
	for _, o := range b.sections {
		if o.kind == s.kind && (s.kind != "check" || o.arg == s.arg) {
			name := s.kind
			if s.kind == "check" {
				name += " " + s.arg
			}
			return errorf(s.pos, "a second [%s] section (the first is at %s)", name, o.pos)
		}
	}
	return nil
}

func isCondStart(t string) bool {
	w := firstWord(t)
	if i := strings.IndexByte(w, '('); i >= 0 {
		w = w[:i]
	}
	return w == "exists" || w == "~exists" || w == "forall" || w == "~" || strings.HasPrefix(w, "~exists")
}

var sectionKinds = "[text ADDR [.. END]], [data ADDR], [hart NAME], [init], [patcher], [check NAME]"

func (b *builder) sectionHeader(l line, off int) (*section, *Error) {
	t, _ := l.trimmed()
	if !strings.HasSuffix(t, "]") {
		return nil, errorf(l.pos(off+len(t)), "section header not closed: expected ]")
	}
	c, err := lineCursor(line{file: l.file, num: l.num, text: l.text[:off+len(t)-1]}, off+1)
	if err != nil {
		return nil, err
	}
	c.l = l
	kind, err := c.ident("a section kind (" + sectionKinds + ")")
	if err != nil {
		return nil, err
	}
	switch kind.val {
	case "text", "data", "hart", "init", "patcher", "check":
	default:
		return nil, errorf(l.pos(kind.off), "unknown section [%s] (sections: %s)", kind.val, sectionKinds)
	}
	inner := l.text[:off+len(t)-1]
	argAt := kind.off + len(kind.val)
	arg := strings.TrimSpace(inner[argAt:])
	if arg != "" {
		argAt = strings.Index(inner[argAt:], arg) + argAt
	}
	return &section{kind: kind.val, head: l, pos: l.pos(off), args: c, arg: arg, argAt: argAt}, nil
}

// settle applies the settings over the file's bounds.
func (b *builder) settle(s Settings) *Error {
	nHartSections := 0
	for _, sec := range b.sections {
		if sec.kind == "hart" {
			nHartSections++
		}
	}
	if nHartSections > 8 {
		return errorf(b.f.header, "at most 8 [hart] sections")
	}
	if nHartSections > 0 {
		if b.harts != 0 && b.harts != nHartSections {
			return errorf(b.hartsPos, "harts %d, but the file has %d [hart] sections", b.harts, nHartSections)
		}
		if s.Harts != 0 && s.Harts != nHartSections {
			return errorf(b.f.header, "--harts %d: %s has %d [hart] sections, one per hart", s.Harts, b.f.Name, nHartSections)
		}
		b.harts = nHartSections
	}
	if b.harts == 0 {
		b.harts = 2
	}
	if s.Harts != 0 {
		b.harts = s.Harts
	}
	if s.Calls != 0 {
		b.calls = s.Calls
	}
	if s.Preempt != nil {
		b.preempt = *s.Preempt
	}
	if s.Memory != "" {
		b.memory, b.memoryPos, b.memoryFlag = s.Memory, Pos{}, true
	}
	return nil
}
