package scenario

import (
	"strings"
)

// File is a parsed scenario: its header and parameters. The rest of the
// text is laid out, assembled and checked by Build, once the parameters
// have values (a .if may depend on them).
type File struct {
	Path    string
	Arch    string   // RISCV
	Name    string   // from the header line
	Doc     string   // the first quoted line: a one-line summary
	Docs    []string // further quoted lines
	Sources []string // source "..." declarations: the kernel code it models
	Params  []Param
	// Expect is the expect line: the result `ftcheck test` holds the
	// file's default configuration to (nil: none).
	Expect *Expect
	// Expects are all its expect lines (Expect is the first): one
	// question each, about the checks it names.
	Expects []*Expect

	header Pos
	lines  []line // every line after the header and doc lines
	arch   *arch  // what the header's architecture word selects
}

// Machine is the kernel's name for the file's architecture (riscv64,
// arm64, x86_64, ppc64le).
func (f *File) Machine() string { return f.arch.machine }

// Param is a parameter of the scenario (op, variant, ...): a name and
// the values it may take, the first being the default.
type Param struct {
	Name   string
	Values []Value
	pos    Pos
}

// Value is one value of a parameter, with an optional description.
type Value struct {
	Name, Doc string
}

// ValueNames lists the parameter's values.
func (p Param) ValueNames() []string {
	var ns []string
	for _, v := range p.Values {
		ns = append(ns, v.Name)
	}
	return ns
}

// Param returns the parameter named name.
func (f *File) Param(name string) (Param, bool) {
	for _, p := range f.Params {
		if p.Name == name {
			return p, true
		}
	}
	return Param{}, false
}

// maxSource bounds what Parse reads: a scenario is a page or two.
const maxSource = 1 << 20

// maxParams and maxValues bound the parameters: ftcheck check builds
// every combination (at most maxCombinations of them), and a duplicate
// is looked for among those declared so far.
const (
	maxParams = 16
	maxValues = 64
)

// Parse reads a scenario's header and parameters. path names the file in
// error messages. Errors are *Error: file:line:col: message.
func Parse(path string, src []byte) (*File, error) {
	f := &File{Path: path}
	if len(src) > maxSource {
		return nil, errorf(Pos{path, 1, 1}, "file is larger than %d bytes", maxSource)
	}
	ls := splitLines(path, src)
	i := 0
	for i < len(ls) && ls[i].blank() {
		i++
	}
	if i == len(ls) {
		return nil, errorf(Pos{path, 1, 1}, "empty scenario: expected a header such as \"RISCV my-test\"")
	}
	if err := f.parseHeader(ls[i]); err != nil {
		return nil, err
	}
	i++
	for ; i < len(ls); i++ {
		t, off := ls[i].trimmed()
		if t == "" {
			continue
		}
		if !strings.HasPrefix(t, "\"") {
			break
		}
		ts, err := tokenize(ls[i], off)
		if err != nil {
			return nil, err
		}
		if len(ts) != 1 {
			return nil, errorf(ls[i].pos(ts[1].off), "a doc line is one quoted string")
		}
		if f.Doc == "" {
			f.Doc = ts[0].val
		} else {
			f.Docs = append(f.Docs, ts[0].val)
		}
	}
	f.lines = ls[i:]
	if err := f.scanDeclarations(); err != nil {
		return nil, err
	}
	return f, nil
}

func (f *File) parseHeader(l line) *Error {
	t, off := l.trimmed()
	f.header = l.pos(off)
	arch, name, _ := strings.Cut(t, " ")
	name = strings.TrimSpace(name)
	a, ok := arches[arch]
	switch {
	case !ok:
		return errorf(f.header, "architecture %q is not supported yet: the header must start with one of %s", arch, archHeaders())
	case name == "":
		return errorf(l.pos(off+len(arch)), "the header needs a name: %s NAME", arch)
	}
	f.Arch, f.Name, f.arch = arch, name, a
	return nil
}

// scanDeclarations reads param and source lines, which must be outside
// any .if (the parameters decide the .ifs) and before the first section.
func (f *File) scanDeclarations() *Error {
	depth := 0
	var last *Param
	for _, l := range f.lines {
		t, off := l.trimmed()
		if t == "" {
			continue
		}
		if strings.HasPrefix(t, "[") {
			return nil
		}
		if strings.HasPrefix(t, "|") && last != nil {
			if err := f.parseValues(l, off+1, last); err != nil {
				return err
			}
			continue
		}
		last = nil
		word, _, _ := strings.Cut(t, " ")
		switch word {
		case ".if":
			depth++
		case ".endif":
			depth--
		case "source":
			c, err := lineCursor(l, off)
			if err != nil {
				return err
			}
			c.next()
			if c.peek().kind != tkString {
				return c.errorf("expected a quoted string after source")
			}
			f.Sources = append(f.Sources, c.next().val)
			if err := c.end(); err != nil {
				return err
			}
		case "expect":
			switch {
			case depth > 0:
				return errorf(l.pos(off), "expect must not be inside .if: it is the expectation of the file's own configuration")
			}
			e, err := parseExpect(l, off)
			if err != nil {
				return err
			}
			if f.Expects, err = addExpect(f.Expects, e); err != nil {
				return err
			}
			f.Expect = f.Expects[0]
		case "param":
			if depth > 0 {
				return errorf(l.pos(off), "param must not be inside .if")
			}
			if len(f.Params) == maxParams {
				return errorf(l.pos(off), "at most %d parameters", maxParams)
			}
			p, err := f.parseParam(l, off)
			if err != nil {
				return err
			}
			f.Params = append(f.Params, p)
			last = &f.Params[len(f.Params)-1]
		}
	}
	return nil
}

func lineCursor(l line, off int) (*cursor, *Error) {
	ts, err := tokenize(l, off)
	if err != nil {
		return nil, err
	}
	return &cursor{l: l, ts: ts}, nil
}

// parseParam reads: param NAME = v1 ["doc"] | v2 ["doc"] ...
func (f *File) parseParam(l line, off int) (Param, *Error) {
	c, err := lineCursor(l, off)
	if err != nil {
		return Param{}, err
	}
	c.next()
	p := Param{pos: c.pos()}
	name, err := c.ident("a parameter name")
	if err != nil {
		return p, err
	}
	p.Name = name.val
	if _, dup := f.Param(p.Name); dup {
		return p, errorf(p.pos, "parameter %s declared twice", p.Name)
	}
	if err := c.expect("="); err != nil {
		return p, err
	}
	if err := f.parseValues(l, c.peek().off, &p); err != nil {
		return p, err
	}
	return p, nil
}

// parseValues reads v1 ["doc"] | v2 ["doc"] from offset off into p.
func (f *File) parseValues(l line, off int, p *Param) *Error {
	c, err := lineCursor(l, off)
	if err != nil {
		return err
	}
	for {
		t := c.next()
		if t.kind != tkIdent && t.kind != tkNumber || c.i > len(c.ts) {
			c.i--
			return c.errorf("expected a value of %s, found %s", p.Name, c.describe())
		}
		for _, v := range p.Values {
			if v.Name == t.val {
				return errorf(l.pos(t.off), "value %s listed twice", t.val)
			}
		}
		if len(p.Values) == maxValues {
			return errorf(l.pos(t.off), "at most %d values of %s", maxValues, p.Name)
		}
		v := Value{Name: t.val}
		if c.peek().kind == tkString && !c.done() {
			v.Doc = c.next().val
		}
		p.Values = append(p.Values, v)
		if c.done() {
			return nil
		}
		if err := c.expect("|"); err != nil {
			return err
		}
		if c.done() {
			return nil // continued on the next line, which starts with |
		}
	}
}
