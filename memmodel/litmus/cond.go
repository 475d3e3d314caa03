package litmus

import "strings"

// Quantifier is the kind of a final condition.
type Quantifier uint8

const (
	Exists    Quantifier = iota // exists p: some final state satisfies p
	NotExists                   // ~exists p: no final state satisfies p
	Forall                      // forall p: every final state satisfies p
)

func (q Quantifier) String() string {
	return [...]string{"exists", "~exists", "forall"}[q]
}

// Condition is the final condition of a test.
type Condition struct {
	Quant Quantifier
	Prop  Prop
	Text  string // the proposition as written
}

type propOp uint8

const (
	propTrue propOp = iota
	propAtom
	propNot
	propAnd
	propOr
	propImplies
)

// Prop is a proposition over final register and memory values.
type Prop struct {
	op   propOp
	kids []Prop
	atom atom
}

// atom compares one final value with a constant, or (fault set) asks
// whether thread took a fault of that kind at the instruction at addr.
type atom struct {
	thread int   // -1 for a memory location
	reg    int   // register slot when thread >= 0
	addr   int64 // location address when thread < 0
	size   int   // bytes compared at addr
	value  int64
	fault  faultKind
	// shown is the atom as herd prints it (`0:X0=1`, `[x]=1`).
	shown string
}

// observed is a place whose final value herd lists in a test's states:
// one named in the condition or in `locations [...]`.
type observed struct {
	name   string // as herd prints it: 0:X0, [x]
	thread int    // -1 for memory
	reg    int
	addr   int64 // 0 for a location only `locations` names: it stays 0
	size   int
	// sortKey orders herd's state lines: registers by thread and
	// register, then locations by name.
	sortKey string
}

// observe records a place for the states list, once.
func (t *Test) observe(o observed) {
	for _, have := range t.observed {
		if have.name == o.name {
			return
		}
	}
	if o.thread >= 0 {
		o.sortKey = sprintf("0 %06d %s", o.thread, naturalKey(o.name))
	} else {
		o.sortKey = "1 " + naturalKey(o.name)
	}
	t.observed = append(t.observed, o)
}

// naturalKey pads the digit runs of s so that x9 sorts before x10.
func naturalKey(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] < '0' || s[i] > '9' {
			b.WriteByte(s[i])
			i++
			continue
		}
		j := i
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		b.WriteString(strings.Repeat("0", max(0, 12-(j-i))))
		b.WriteString(s[i:j])
		i = j
	}
	return b.String()
}

// finalState is what a condition is evaluated against.
type finalState struct {
	regs   [][]int64 // per thread, per register slot
	faults [][]faultRec
	// mem returns the final content of size bytes at addr (little-endian).
	mem func(addr int64, size int) int64
}

func (p Prop) eval(s *finalState) bool {
	switch p.op {
	case propTrue:
		return true
	case propAtom:
		a := p.atom
		if a.fault != 0 {
			if a.thread >= len(s.faults) {
				return false
			}
			for _, f := range s.faults[a.thread] {
				if f.kind == a.fault && f.addr == a.addr {
					return true
				}
			}
			return false
		}
		if a.thread >= 0 {
			regs := s.regs[a.thread]
			v := int64(0)
			if a.reg < len(regs) {
				v = regs[a.reg]
			}
			return v == a.value
		}
		return s.mem(a.addr, a.size) == truncate(a.value, a.size)
	case propNot:
		return !p.kids[0].eval(s)
	case propAnd:
		for _, k := range p.kids {
			if !k.eval(s) {
				return false
			}
		}
		return true
	case propOr:
		for _, k := range p.kids {
			if k.eval(s) {
				return true
			}
		}
		return false
	case propImplies:
		return !p.kids[0].eval(s) || p.kids[1].eval(s)
	}
	return false
}

// condLexer splits the condition section into tokens with offsets.
type condLexer struct {
	p    *parser
	toks []string
	offs []int
	i    int
	end  int
	// depth counts the propositions being parsed inside one another, so
	// that a hostile condition (a million `~` or `(`) is an error rather
	// than a stack overflow, which Go cannot recover from.
	depth int
	// filter is set while the filter is parsed: herd lists the places
	// of the condition, not of the filter, in a test's states.
	filter bool
}

// maxCondDepth bounds the nesting of a condition. Real tests nest a
// handful of levels; herd's own conditions never come near this.
const maxCondDepth = 200

// enter opens one level of nesting at the current token.
func (lx *condLexer) enter() error {
	lx.depth++
	if lx.depth > maxCondDepth {
		return lx.errorf("condition nested deeper than %d", maxCondDepth)
	}
	return nil
}

func (lx *condLexer) leave() { lx.depth-- }

func (p *parser) lexCondition(start, end int) *condLexer {
	lx := &condLexer{p: p, end: end}
	text := p.s.text
	for off := start; off < end; {
		c := text[off]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			off++
			continue
		case strings.HasPrefix(text[off:], "/\\") || strings.HasPrefix(text[off:], "\\/") ||
			strings.HasPrefix(text[off:], "==") || strings.HasPrefix(text[off:], "!=") ||
			strings.HasPrefix(text[off:], "=>") || strings.HasPrefix(text[off:], "<<"):
			lx.push(text[off:off+2], off)
			off += 2
			continue
		case strings.HasPrefix(text[off:], `instr:"`) || strings.HasPrefix(text[off:], `label:"`):
			// A quoted instruction or label value is one token.
			q := strings.IndexByte(text[off+7:end], '"')
			if q < 0 {
				lx.push(text[off:end], off)
				off = end
				continue
			}
			lx.push(text[off:off+7+q+1], off)
			off += 7 + q + 1
			continue
		case strings.ContainsRune("~()[]=;,", rune(c)):
			lx.push(text[off:off+1], off)
			off++
			continue
		}
		w := off
		for w < end && isWordByte(text[w]) {
			w++
		}
		if w == off {
			w++
		}
		lx.push(text[off:w], off)
		off = w
	}
	return lx
}

func isWordByte(c byte) bool {
	return c == '_' || c == ':' || c == '.' || c == '$' || c == '&' || c == '-' || c == '+' ||
		c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func (lx *condLexer) push(tok string, off int) {
	lx.toks = append(lx.toks, tok)
	lx.offs = append(lx.offs, off)
}

func (lx *condLexer) peek() string {
	if lx.i < len(lx.toks) {
		return lx.toks[lx.i]
	}
	return ""
}

func (lx *condLexer) off() int {
	if lx.i < len(lx.offs) {
		return lx.offs[lx.i]
	}
	return lx.end
}

func (lx *condLexer) next() string {
	t := lx.peek()
	lx.i++
	return t
}

func (lx *condLexer) expect(tok string) error {
	if lx.peek() != tok {
		return lx.errorf("expected %q, found %s", tok, lx.describe())
	}
	lx.i++
	return nil
}

func (lx *condLexer) describe() string {
	if lx.peek() == "" {
		return "end of file"
	}
	return sprintf("%q", lx.peek())
}

func (lx *condLexer) errorf(format string, args ...any) error {
	return lx.p.s.errorf(lx.off(), format, args...)
}

// condition parses `[locations [...]] [filter p] (exists|~exists|forall|final) p`.
func (p *parser) condition(start int) error {
	end := len(p.s.text)
	lx := p.lexCondition(start, end)
	p.t.Cond = Condition{Quant: Forall, Prop: Prop{op: propTrue}}
	if strings.EqualFold(lx.peek(), "locations") {
		lx.next()
		if err := lx.expect("["); err != nil {
			return err
		}
		for lx.peek() != "]" {
			if lx.peek() == "" {
				return lx.errorf("unclosed `locations [`")
			}
			p.observeListed(lx.next(), lx.offs[lx.i-1])
		}
		lx.next()
		if lx.peek() == ";" {
			lx.next()
		}
	}
	if strings.EqualFold(lx.peek(), "filter") {
		lx.next()
		lx.filter = true
		f, err := p.prop(lx)
		lx.filter = false
		if err != nil {
			return err
		}
		p.t.Filter = &f
	}
	switch tok := strings.ToLower(lx.peek()); tok {
	case "", "<<":
		return nil // no condition: herd's default `forall true`
	case "exists", "final":
		lx.next()
		p.t.Cond.Quant = Exists
	case "~":
		lx.next()
		if !strings.EqualFold(lx.peek(), "exists") {
			return lx.errorf("expected `exists` after `~`, found %s", lx.describe())
		}
		lx.next()
		p.t.Cond.Quant = NotExists
	case "forall":
		lx.next()
		p.t.Cond.Quant = Forall
	case "(":
		p.t.Cond.Quant = Exists
	default:
		return lx.errorf("expected exists, ~exists, forall or final, found %s", lx.describe())
	}
	propStart := lx.off()
	prop, err := p.prop(lx)
	if err != nil {
		return err
	}
	p.t.Cond.Prop = prop
	p.t.Cond.Text = strings.TrimSpace(p.s.text[propStart:lx.off()])
	switch strings.ToLower(lx.peek()) {
	case "", ";", "with", "<<":
		return nil // herd ignores per-model kinds after `with`
	}
	return lx.errorf("unexpected %s after the condition", lx.describe())
}

// observeListed adds an entry of `locations [...]` to the states list.
// herd accepts more forms than registers and plain locations there;
// anything else only goes unlisted, as it decides nothing.
func (p *parser) observeListed(tok string, off int) {
	switch {
	case tok == ";" || tok == "[" || tok == "]":
	case strings.Contains(tok, ":"):
		if th, reg, ok, err := p.splitRegister(tok, off); ok && err == nil {
			p.t.observe(observed{name: herdRegister(tok), thread: th.ID, reg: th.reg(reg), size: 8})
		}
	case isIdent(tok):
		// Only a location the test uses gets an address: declaring one
		// here would add an initial write to every execution.
		a := p.t.Locations[tok]
		p.t.observe(observed{name: "[" + tok + "]", thread: -1, addr: a, size: p.t.elemSize(tok)})
	}
}

// herdRegister is a `Pn:reg` or `n:reg` as herd prints it: `n:reg`.
func herdRegister(tok string) string {
	th, reg, _ := strings.Cut(tok, ":")
	return strings.TrimPrefix(strings.TrimPrefix(th, "P"), "p") + ":" + reg
}

func (p *parser) prop(lx *condLexer) (Prop, error) {
	// Every recursion of the condition grammar (parentheses, `~`, the
	// right-nested `=>`) passes through prop or unary's `~` case.
	if err := lx.enter(); err != nil {
		return Prop{}, err
	}
	defer lx.leave()
	left, err := p.disjunction(lx)
	if err != nil {
		return left, err
	}
	if lx.peek() == "=>" {
		lx.next()
		right, err := p.prop(lx)
		if err != nil {
			return right, err
		}
		return Prop{op: propImplies, kids: []Prop{left, right}}, nil
	}
	return left, nil
}

func (p *parser) disjunction(lx *condLexer) (Prop, error) {
	return p.chain(lx, "\\/", propOr, p.conjunction)
}

func (p *parser) conjunction(lx *condLexer) (Prop, error) {
	return p.chain(lx, "/\\", propAnd, p.unary)
}

// chain parses operands joined by the operator tok: the one operand, or
// an op node of them all (a \/ b \/ c is one disjunction of three).
func (p *parser) chain(lx *condLexer, tok string, op propOp, operand func(*condLexer) (Prop, error)) (Prop, error) {
	first, err := operand(lx)
	if err != nil || lx.peek() != tok {
		return first, err
	}
	node := Prop{op: op, kids: []Prop{first}}
	for lx.peek() == tok {
		lx.next()
		k, err := operand(lx)
		if err != nil {
			return k, err
		}
		node.kids = append(node.kids, k)
	}
	return node, nil
}

func (p *parser) unary(lx *condLexer) (Prop, error) {
	switch tok := lx.peek(); {
	case tok == "~" || strings.EqualFold(tok, "not"):
		if err := lx.enter(); err != nil {
			return Prop{}, err
		}
		defer lx.leave()
		lx.next()
		k, err := p.unary(lx)
		return Prop{op: propNot, kids: []Prop{k}}, err
	case tok == "(":
		lx.next()
		k, err := p.prop(lx)
		if err != nil {
			return k, err
		}
		return k, lx.expect(")")
	case strings.EqualFold(tok, "true"):
		lx.next()
		return Prop{op: propTrue}, nil
	case strings.EqualFold(tok, "false"):
		lx.next()
		return Prop{op: propNot, kids: []Prop{{op: propTrue}}}, nil
	}
	return p.atom(lx)
}

func (p *parser) atom(lx *condLexer) (Prop, error) {
	var a atom
	a.thread, a.size = -1, 8
	locOff := lx.off()
	tok := lx.next()
	shown := "[" + tok + "]"
	switch {
	case strings.EqualFold(tok, "fault") && lx.peek() == "(":
		return p.faultAtom(lx, locOff)
	case tok == "[":
		name := lx.next()
		if !isIdent(name) {
			return Prop{}, p.s.errorf(locOff, "expected a location name inside `[...]`")
		}
		a.addr = p.t.location(name)
		shown = "[" + name + "]"
		if err := lx.expect("]"); err != nil {
			return Prop{}, err
		}
	case strings.Contains(tok, ":"):
		th, reg, _, err := p.splitRegister(tok, locOff)
		if err != nil {
			return Prop{}, err
		}
		a.thread, a.reg = th.ID, th.reg(reg)
		shown = herdRegister(tok)
	case isIdent(tok):
		a.addr = p.t.location(tok)
		if lx.peek() == "[" {
			// y[k]: element k of an array, of the declared element width
			// (herd's reading; `uint8_t y[64]` has one-byte elements).
			lx.next()
			ixOff := lx.off()
			k, ok := parseInt(lx.next())
			if !ok || k < 0 {
				return Prop{}, p.s.errorf(ixOff, "expected an element index in %s[...]", tok)
			}
			if err := lx.expect("]"); err != nil {
				return Prop{}, err
			}
			a.size = p.t.elemSize(tok)
			a.addr += k * int64(a.size)
			shown = sprintf("%s[%d]", tok, k)
		}
	default:
		if tok == "" {
			return Prop{}, p.s.errorf(locOff, "unexpected end of file in the condition")
		}
		return Prop{}, p.s.errorf(locOff, "expected a register or location, found %q", tok)
	}
	neg := false
	switch lx.peek() {
	case "=", "==":
	case "!=":
		neg = true
	default:
		return Prop{}, lx.errorf("expected `=` after %q, found %s", tok, lx.describe())
	}
	lx.next()
	valOff := lx.off()
	valTok := lx.next()
	v, err := p.value(valTok, valOff)
	if err != nil {
		return Prop{}, err
	}
	a.value = v
	if !lx.filter {
		p.t.observe(observed{name: shown, thread: a.thread, reg: a.reg, addr: a.addr, size: a.size})
	}
	if n, ok := parseInt(valTok); ok {
		valTok = sprintf("%d", n) // herd prints constants in decimal
	}
	a.shown = shown + "=" + strings.TrimPrefix(valTok, "&")
	pr := Prop{op: propAtom, atom: a}
	if neg {
		pr = Prop{op: propNot, kids: []Prop{pr}}
	}
	return pr, nil
}

// faultAtom parses the rest of `fault(Pn:label,Kind)`: thread n took a
// fault of kind Kind at the instruction at label.
func (p *parser) faultAtom(lx *condLexer, off int) (Prop, error) {
	lx.next() // (
	refOff := lx.off()
	ref := lx.next()
	if !isLabelValue(ref) {
		return Prop{}, p.s.errorf(refOff, "expected fault(Pn:label,Kind), found %q", ref)
	}
	th, _, _, err := p.splitRegisterThread(ref, refOff)
	if err != nil {
		return Prop{}, err
	}
	addr, err := p.labelValue(ref, refOff)
	if err != nil {
		return Prop{}, err
	}
	if err := lx.expect(","); err != nil {
		return Prop{}, err
	}
	kindOff := lx.off()
	kind, ok := faultNames[lx.next()]
	if !ok {
		return Prop{}, p.s.errorf(kindOff, "unknown fault type (want UndefinedInstruction)")
	}
	if err := lx.expect(")"); err != nil {
		return Prop{}, err
	}
	return Prop{op: propAtom, atom: atom{thread: th, addr: addr, fault: kind}}, nil
}

// splitRegisterThread returns the thread number of `Pn:...`.
func (p *parser) splitRegisterThread(s string, off int) (int, string, bool, error) {
	colon := strings.IndexByte(s, ':')
	id, err := atoiStrict(strings.TrimPrefix(strings.TrimPrefix(s[:colon], "P"), "p"))
	if err != nil || id < 0 || id >= len(p.t.Threads) {
		return 0, "", false, p.s.errorf(off, "bad thread in %q", s)
	}
	return id, s[colon+1:], true, nil
}
