package litmus

import (
	"strconv"
	"strings"
)

// Instruction fetch: self- and cross-modifying AArch64 code, as herd7
// runs it with -variant ifetch (herd/mem.ml, herd/AArch64Sem.ml).
//
// Every instruction has an address: thread n's code starts at
// codeBase + n*codeStride, four bytes an instruction, its fault handler
// (a `Pn.F` column) at handlerOffset beyond. A label used as a value
// (`0:X1=P1:L0`, `label:"P1:L0"`, `ADR X9,L0`, or in the condition) is
// exported: the instruction it labels becomes a 4-byte memory location
// (a codeSite) holding its own encoding, which stores may overwrite.
// Executing it begins with a fetch, an implicit read of that location
// (the IFetch annotation), and the hart then runs whichever candidate
// instruction the word read encodes: the original one, or one of the
// instruction values the initial state names (`instr:"NOP"`, `NOP`).
// Any other word raises an UndefinedInstruction fault. Instructions at
// labels no one exports are never fetched, as in herd.

const (
	codeBase      int64 = 1 << 40
	codeStride    int64 = 1 << 24
	handlerOffset       = codeStride / 2
)

// labelRef names label name of thread thread.
type labelRef struct {
	thread int
	name   string
}

// overwrite is an instruction given as a value in the initial state.
type overwrite struct {
	text string
	word int64
	off  int
}

// codeSite is an overwritable instruction.
type codeSite struct {
	thread, pc int
	addr       int64
	word       int64 // encoding of the instruction as written
	cands      []fetchCand
}

// fetchCand is an instruction a fetch of the site may decode.
type fetchCand struct {
	word int64
	in   inst
}

// lookup returns the instruction word w decodes to at the site, or nil
// (an undefined instruction).
func (c *codeSite) lookup(w int64) *inst {
	for i := range c.cands {
		if c.cands[i].word == w {
			return &c.cands[i].in
		}
	}
	return nil
}

// faultKind is the type of a fault, as herd's fault(...) atoms name it.
type faultKind uint8

const (
	faultUndefinedInstruction faultKind = iota + 1
)

var faultNames = map[string]faultKind{"UndefinedInstruction": faultUndefinedInstruction}

// faultRec is a fault taken by a thread at the instruction at addr.
type faultRec struct {
	addr int64
	kind faultKind
}

func isLabelEntry(in inst) bool { return in.op == opNop && in.targetPC == -2 }

// layoutCode appends each fault handler to its thread's code and gives
// every entry an address.
func (p *parser) layoutCode() {
	for _, th := range p.t.Threads {
		th.mainEnd = len(th.Code)
		if th.handlerCode != nil {
			th.handler = len(th.Code)
			th.Code = append(th.Code, th.handlerCode...)
			th.handlerCode = nil
		}
		th.addr = make([]int64, len(th.Code)+1)
		th.labels = map[string]int{}
		a := codeBase + int64(th.ID)*codeStride
		for i, in := range th.Code {
			if i == th.handler && th.handler >= 0 {
				a = codeBase + int64(th.ID)*codeStride + handlerOffset
			}
			th.addr[i] = a
			if isLabelEntry(in) {
				if _, dup := th.labels[in.target]; !dup {
					th.labels[in.target] = i
				}
				continue
			}
			a += 4
		}
		th.addr[len(th.Code)] = a
	}
}

// indexAt returns the code entry at address a: the first entry there, or
// the end of the main code or handler for the address just past it.
func (th *Thread) indexAt(a int64) (int, bool) {
	for i := range th.Code {
		if th.addr[i] == a {
			return i, true
		}
	}
	if th.mainEnd > 0 && th.addr[th.mainEnd-1]+4 == a {
		return th.mainEnd, true
	}
	if th.mainEnd == 0 && a == codeBase+int64(th.ID)*codeStride {
		return 0, true
	}
	if len(th.Code) > 0 && th.addr[len(th.Code)] == a {
		return len(th.Code), true
	}
	return 0, false
}

// codeAt returns the thread and entry holding code address a.
func (t *Test) codeAt(a int64) (*Thread, int, bool) {
	if a < codeBase {
		return nil, 0, false
	}
	id := (a - codeBase) / codeStride
	if id >= int64(len(t.Threads)) {
		return nil, 0, false
	}
	th := t.Threads[id]
	pc, ok := th.indexAt(a)
	return th, pc, ok
}

// labelValue resolves `Pn:label` to the label's address and exports it.
func (p *parser) labelValue(s string, off int) (int64, error) {
	colon := strings.IndexByte(s, ':')
	id, err := atoiStrict(strings.TrimPrefix(strings.TrimPrefix(s[:colon], "P"), "p"))
	if err != nil || id < 0 || id >= len(p.t.Threads) {
		return 0, p.s.errorf(off, "bad label %q: no thread %s", s, s[:colon])
	}
	th := p.t.Threads[id]
	name := s[colon+1:]
	pc, ok := th.labels[name]
	if !ok {
		return 0, p.s.errorf(off, "undefined label %q in P%d", name, id)
	}
	if p.t.exported == nil {
		p.t.exported = map[labelRef]bool{}
	}
	p.t.exported[labelRef{id, name}] = true
	return th.addr[pc], nil
}

// isLabelValue reports whether s has the form Pn:label.
func isLabelValue(s string) bool {
	colon := strings.IndexByte(s, ':')
	if colon < 2 || (s[0] != 'P' && s[0] != 'p') {
		return false
	}
	_, err := atoiStrict(s[1:colon])
	return err == nil && isIdent(s[colon+1:])
}

// instrValue encodes an instruction given as a value and records it as a
// candidate for every fetch.
func (p *parser) instrValue(text string, off int) (int64, error) {
	w, err := encodeA64(text, 0, nil)
	if err != nil {
		return 0, p.s.errorf(off, "instruction value %q: %v", text, err)
	}
	for _, o := range p.t.overwriting {
		if o.text == text {
			return int64(w), nil
		}
	}
	p.t.overwriting = append(p.t.overwriting, overwrite{text: text, word: int64(w), off: off})
	return int64(w), nil
}

// quoted returns the contents of s = `prefix"..."`.
func quoted(s, prefix string) (string, bool) {
	rest, ok := strings.CutPrefix(s, prefix)
	if !ok {
		return "", false
	}
	u, err := strconv.Unquote(rest)
	if err != nil {
		return "", false
	}
	return u, true
}

// bareInstr lists the instructions herd accepts unquoted as values.
var bareInstr = map[string]bool{"NOP": true, "ISB": true}

// specialValue parses the instruction-fetch forms of a value:
// instr:"...", label:"Pn:L", Pn:L and bare NOP.
func (p *parser) specialValue(s string, off int) (int64, bool, error) {
	if _, ok := p.front.(aarch64Front); !ok {
		return 0, false, nil
	}
	if text, ok := quoted(s, "instr:"); ok {
		v, err := p.instrValue(text, off)
		return v, true, err
	}
	if lbl, ok := quoted(s, "label:"); ok {
		if !isLabelValue(lbl) {
			return 0, true, p.s.errorf(off, "bad label %q: expected Pn:label", lbl)
		}
		v, err := p.labelValue(lbl, off)
		return v, true, err
	}
	if isLabelValue(s) {
		v, err := p.labelValue(s, off)
		return v, true, err
	}
	if strings.HasPrefix(s, "(oa:") && strings.HasSuffix(s, ")") {
		// A page-table entry value such as (oa:phy_x). Without herd's
		// -variant vmsa (which herd does not combine with ifetch) there
		// is no address translation: the entry is an opaque constant in
		// an ordinary location, one distinct value per entry text.
		return p.symbol(s), true, nil
	}
	if bareInstr[strings.ToUpper(s)] {
		v, err := p.instrValue(strings.ToUpper(s), off)
		return v, true, err
	}
	return 0, false, nil
}

// fetchSites turns exported labels into overwritable instructions and
// decides whether the test needs the instruction-fetch model.
func (p *parser) fetchSites() error {
	t := p.t
	for _, th := range t.Threads {
		if th.handler >= 0 {
			t.IFetch = true
		}
		for _, in := range th.Code {
			if in.op == opMaint || in.op == opEret || in.op == opUDF {
				t.IFetch = true
			}
		}
	}
	if t.CacheIDC || t.CacheDIC {
		t.IFetch = true
	}
	for _, v := range t.Variants {
		if strings.EqualFold(v, "self") || strings.EqualFold(v, "ifetch") {
			t.IFetch = true
		}
	}
	if len(t.exported) == 0 {
		return nil
	}
	t.IFetch = true
	refs := make([]labelRef, 0, len(t.exported))
	for r := range t.exported {
		refs = append(refs, r)
	}
	t.siteAt = map[int64]*codeSite{}
	for _, th := range t.Threads {
		// Sites in code order, so that runs are deterministic.
		for pc, in := range th.Code {
			if isLabelEntry(in) {
				continue
			}
			exported := false
			for _, r := range refs {
				if r.thread == th.ID && th.addr[th.labels[r.name]] == th.addr[pc] {
					exported = true
				}
			}
			if !exported {
				continue
			}
			site, err := p.site(th, pc)
			if err != nil {
				return err
			}
			if site == nil {
				return nil // unsupported, reason recorded
			}
			if th.sites == nil {
				th.sites = map[int]*codeSite{}
			}
			th.sites[pc] = site
			t.sites = append(t.sites, site)
			t.siteAt[site.addr] = site
		}
	}
	return nil
}

// site builds the overwritable instruction at entry pc of th.
func (p *parser) site(th *Thread, pc int) (*codeSite, error) {
	orig := th.Code[pc]
	addr := th.addr[pc]
	label := func(name string) (int64, bool) {
		i, ok := th.labels[name]
		if !ok {
			return 0, false
		}
		return th.addr[i], true
	}
	w, err := encodeA64(orig.text, addr, label)
	if err != nil {
		if p.t.Unsupported == "" {
			p.t.Unsupported = sprintf("%d:%d: overwritable instruction %q: %v", orig.line, orig.col, orig.text, err)
		}
		return nil, nil
	}
	site := &codeSite{thread: th.ID, pc: pc, addr: addr, word: int64(w)}
	site.cands = append(site.cands, fetchCand{word: int64(w), in: orig})
	for _, o := range p.t.overwriting {
		if site.lookup(o.word) != nil {
			continue
		}
		in, why, err := p.front.decode(p, th, o.text, o.off)
		if err != nil {
			return nil, err
		}
		if why != "" {
			if p.t.Unsupported == "" {
				line, col := p.s.pos(o.off)
				p.t.Unsupported = sprintf("%d:%d: instruction value %q: %s", line, col, o.text, why)
			}
			return nil, nil
		}
		in.line, in.col = orig.line, orig.col
		in.text = o.text
		if err := p.resolveTarget(th, pc, &in); err != nil {
			return nil, err
		}
		site.cands = append(site.cands, fetchCand{word: o.word, in: in})
	}
	return site, nil
}

// headerOptions reads the `Key=value` lines between the test's name and
// its initial state: CacheType= (DIC, IDC) and Variant=; herd's other
// keys (Hash, Stable, ...) do not change the semantics.
func (p *parser) headerOptions(from, to int) error {
	text := p.s.text
	for off := from; off < to; {
		end := indexFrom(text, off, "\n")
		if end > to {
			end = to
		}
		line := text[off:end]
		lead := len(line) - len(strings.TrimLeft(line, " \t\r"))
		line = strings.TrimSpace(line)
		start := off + lead
		off = end + 1
		if line == "" {
			continue
		}
		key, val, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		valOff := start + len(key) + 1
		switch strings.TrimSpace(key) {
		case "CacheType":
			for _, f := range fieldsWithOffsets(val, valOff) {
				switch strings.ToUpper(f.s) {
				case "DIC":
					p.t.CacheDIC, p.t.CacheIDC = true, true // DIC implies IDC
				case "IDC":
					p.t.CacheIDC = true
				default:
					return p.s.errorf(f.off, "%q is not a cache-type key (want DIC or IDC)", f.s)
				}
			}
		case "Variant":
			for _, f := range fieldsWithOffsets(strings.ReplaceAll(val, ",", " "), valOff) {
				p.t.Variants = append(p.t.Variants, f.s)
			}
		}
	}
	return nil
}

type field struct {
	s   string
	off int
}

func fieldsWithOffsets(s string, off int) []field {
	var out []field
	for i := 0; i < len(s); {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r') {
			i++
		}
		j := i
		for j < len(s) && s[j] != ' ' && s[j] != '\t' && s[j] != '\r' {
			j++
		}
		if j > i {
			out = append(out, field{s[i:j], off + i})
		}
		i = j
	}
	return out
}

// symbolBase starts the values given to opaque constants (page-table
// entries), far from addresses, code and small integers.
const symbolBase int64 = 1 << 50

// symbol returns the opaque value of the constant text.
func (p *parser) symbol(text string) int64 {
	if p.t.symbols == nil {
		p.t.symbols = map[string]int64{}
	}
	v, ok := p.t.symbols[text]
	if !ok {
		v = symbolBase + int64(len(p.t.symbols))
		p.t.symbols[text] = v
	}
	return v
}
