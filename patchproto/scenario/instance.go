package scenario

import (
	"strconv"
	"strings"
	"time"

	"github.com/ftcheck/ftcheck/model"
)

// Instance is a scenario file that instantiates another protocol instead
// of writing one: a built-in (protocol NAME) or a file (scenario "PATH"),
// with some parameters and bounds set and an expectation. Regression
// entries are instances, so that no protocol text is copied:
//
//	protocol riscv-pair
//	"R-5: the 2023 panic (8547649981e6)"
//	set op = change
//	preempt 1
//	expect violated torn-pair steps 18
type Instance struct {
	Path     string
	Protocol string // protocol NAME: a built-in protocol
	Scenario string // scenario "PATH": a file, PATH relative to Path's folder
	BasePos  Pos    // where the protocol or scenario line names it
	Doc      string
	Docs     []string
	Sources  []string
	Sets     []Set // set NAME = VALUE, in file order
	Harts    int   // 0: the protocol's own
	Calls    int
	Preempt  *int
	Memory   string
	// MemoryPos is where memory is set, for an unknown model's error.
	MemoryPos Pos
	Bounds    model.Bounds
	Expect    *Expect
	Expects   []*Expect // every expect line (Expect is the first)

	// setAt is where each set line names its parameter: a duplicate is
	// looked up here rather than among every set line before it.
	setAt map[string]Pos
	// declared is where each bound, memory or timeout line is: each
	// may be given once, or the later would silently win.
	declared map[string]Pos
}

// Set is one set NAME = VALUE line.
type Set struct {
	Name, Value string
	Pos         Pos // the name
	ValuePos    Pos
}

// instanceWords are the first words of an instance file.
var instanceWords = map[string]bool{"protocol": true, "scenario": true}

// IsInstance reports whether src is an instance file: its first line
// that is not blank or a comment starts with protocol or scenario
// (a scenario's starts with its architecture, such as RISCV).
func IsInstance(src []byte) bool {
	for _, l := range splitLines("", src) {
		if t, _ := l.trimmed(); t != "" {
			return instanceWords[firstWord(t)]
		}
	}
	return false
}

// ParseInstance reads an instance file. Errors are *Error, positioned.
func ParseInstance(path string, src []byte) (*Instance, error) {
	if len(src) > maxSource {
		return nil, errorf(Pos{path, 1, 1}, "file is larger than %d bytes", maxSource)
	}
	in := &Instance{Path: path, setAt: map[string]Pos{}, declared: map[string]Pos{}}
	header := true
	for _, l := range splitLines(path, src) {
		t, off := l.trimmed()
		if t == "" {
			continue
		}
		var err *Error
		if header {
			err, header = in.header(l, off), false
		} else {
			err = in.line(l, t, off)
		}
		if err != nil {
			return nil, err
		}
	}
	if header {
		return nil, errorf(Pos{path, 1, 1}, "empty instance: expected protocol NAME or scenario \"PATH\"")
	}
	return in, nil
}

// header reads protocol NAME or scenario "PATH".
func (in *Instance) header(l line, off int) *Error {
	ws := words(l, off)
	switch ws[0].text {
	case "protocol":
		if len(ws) != 2 {
			return errorf(l.pos(off+len("protocol")), "expected: protocol NAME (a built-in protocol, see ftcheck list)")
		}
		in.Protocol, in.BasePos = ws[1].text, l.pos(ws[1].off)
		return nil
	case "scenario":
		c, err := lineCursor(l, off)
		if err != nil {
			return err
		}
		c.next()
		if c.peek().kind != tkString || c.done() || c.peek().val == "" {
			return c.errorf("expected: scenario \"PATH\" (a scenario file, relative to this one)")
		}
		in.BasePos = c.pos()
		in.Scenario = c.next().val
		return c.end()
	}
	return errorf(l.pos(off), "an instance starts with protocol NAME or scenario \"PATH\"")
}

// line reads one line after the header.
func (in *Instance) line(l line, t string, off int) *Error {
	if strings.HasPrefix(t, "\"") {
		c, err := lineCursor(l, off)
		if err != nil {
			return err
		}
		doc := c.next().val
		if err := c.end(); err != nil {
			return err
		}
		if in.Doc == "" {
			in.Doc = doc
		} else {
			in.Docs = append(in.Docs, doc)
		}
		return nil
	}
	kw := firstWord(t)
	if kw == "expect" {
		e, err := parseExpect(l, off)
		if err != nil {
			return err
		}
		if in.Expects, err = addExpect(in.Expects, e); err != nil {
			return err
		}
		in.Expect = in.Expects[0]
		return nil
	}
	c, err := lineCursor(l, off+len(kw))
	if err != nil {
		return err
	}
	switch kw {
	case "harts", "preempt", "calls", "max-states", "max-depth", "memory", "timeout":
		if first, dup := in.declared[kw]; dup {
			return errorf(l.pos(off), "%s given twice (first at %s)", kw, first)
		}
		in.declared[kw] = l.pos(off)
	}
	switch kw {
	case "source":
		if c.peek().kind != tkString || c.done() {
			return c.errorf("expected a quoted string after source")
		}
		in.Sources = append(in.Sources, c.next().val)
		return c.end()
	case "set":
		return in.set(c)
	case "harts", "preempt", "calls", "max-states", "max-depth":
		return in.bound(c, kw)
	case "memory":
		m, err := c.ident("a memory model (sc, tso, rvwmo, armv8)")
		if err != nil {
			return err
		}
		in.Memory, in.MemoryPos = m.val, c.at(m)
		return c.end()
	case "timeout":
		d, err := time.ParseDuration(c.rest())
		if err != nil || d <= 0 {
			return c.errorf("expected a duration such as 30s or 5m, found %q", c.rest())
		}
		in.Bounds.Timeout = d
		return nil
	case "protocol", "scenario":
		return errorf(l.pos(off), "%s must be the first line, and there is one", kw)
	}
	return errorf(l.pos(off), "unknown line %q in an instance (known: set NAME = VALUE, harts, preempt, calls, memory, max-states, max-depth, timeout, source, expect, \"doc\"); the protocol itself belongs in its own scenario file", kw)
}

// set reads NAME = VALUE.
func (in *Instance) set(c *cursor) *Error {
	name, err := c.ident("a parameter name")
	if err != nil {
		return err
	}
	if first, dup := in.setAt[name.val]; dup {
		return errorf(c.at(name), "%s is set twice (first at %s)", name.val, first)
	}
	if err := c.expect("="); err != nil {
		return err
	}
	v := c.next()
	if v.kind != tkIdent && v.kind != tkNumber || c.i > len(c.ts) {
		c.i--
		return c.errorf("expected a value of %s, found %s", name.val, c.describe())
	}
	in.Sets = append(in.Sets, Set{Name: name.val, Value: v.val, Pos: c.at(name), ValuePos: c.at(v)})
	in.setAt[name.val] = c.at(name)
	return c.end()
}

func (in *Instance) bound(c *cursor, kw string) *Error {
	t := c.next()
	v, err := strconv.Atoi(t.val)
	lim := boundLimits[kw]
	if t.kind != tkNumber || err != nil || v < lim[0] || v > lim[1] {
		c.i--
		return c.errorf("%s wants a number from %d to %d, found %s", kw, lim[0], lim[1], c.describe())
	}
	switch kw {
	case "harts":
		in.Harts = v
	case "preempt":
		in.Preempt = &v
	case "calls":
		in.Calls = v
	case "max-states":
		in.Bounds.MaxStates = v
	case "max-depth":
		in.Bounds.MaxDepth = v
	}
	return c.end()
}

// CheckSets reports a set line naming a parameter base does not declare,
// or a value the parameter does not take.
func (in *Instance) CheckSets(base *File) error {
	for _, s := range in.Sets {
		p, ok := base.Param(s.Name)
		if !ok {
			var names []string
			for _, q := range base.Params {
				names = append(names, q.Name)
			}
			known := "it has none"
			if len(names) > 0 {
				known = "known: " + strings.Join(names, ", ")
			}
			return errorf(s.Pos, "%s has no parameter %s (%s)", base.Name, s.Name, known)
		}
		found := false
		for _, v := range p.Values {
			found = found || v.Name == s.Value
		}
		if !found {
			return errorf(s.ValuePos, "%s is not a value of %s (want %s)", s.Value, s.Name, strings.Join(p.ValueNames(), " | "))
		}
	}
	return nil
}
