package litmus

import (
	"sort"
	"strings"

	"github.com/ftcheck/ftcheck/model/input"
)

// source is a litmus file with comments blanked out, so that offsets
// still map to the lines and columns of the original text.
type source struct {
	file  string
	text  string
	lines []int // offset of each line start
	// unclosed is the offset of a comment never closed, or -1.
	unclosed int
}

func newSource(file string, src []byte) *source {
	text, unclosed := blankComments(string(src))
	s := &source{file: file, text: text, lines: []int{0}, unclosed: unclosed}
	for i := 0; i < len(text); i++ {
		if text[i] == '\n' {
			s.lines = append(s.lines, i+1)
		}
	}
	return s
}

// pos converts an offset into a 1-based line and column.
func (s *source) pos(off int) (int, int) {
	l := sort.Search(len(s.lines), func(i int) bool { return s.lines[i] > off }) - 1
	if l < 0 {
		l = 0
	}
	return l + 1, off - s.lines[l] + 1
}

func (s *source) errorf(off int, format string, args ...any) *Error {
	line, col := s.pos(off)
	return &Error{File: s.file, Line: line, Col: col, Msg: sprintf(format, args...)}
}

// blankComments replaces OCaml-style (* nested *) comments by spaces,
// keeping newlines, as herd's lexers skip them.
func blankComments(s string) (string, int) {
	b := []byte(s)
	depth, opened := 0, -1
	inString := false
	for i := 0; i < len(b); i++ {
		if depth == 0 && b[i] == '"' {
			inString = !inString
			continue
		}
		if inString {
			if b[i] == '\n' {
				inString = false
			}
			continue
		}
		if i+1 < len(b) && b[i] == '(' && b[i+1] == '*' {
			if depth == 0 {
				opened = i
			}
			depth++
			b[i], b[i+1] = ' ', ' '
			i++
			continue
		}
		if depth > 0 {
			if i+1 < len(b) && b[i] == '*' && b[i+1] == ')' {
				depth--
				b[i], b[i+1] = ' ', ' '
				i++
				continue
			}
			if b[i] != '\n' {
				b[i] = ' '
			}
		}
	}
	if depth == 0 {
		opened = -1
	}
	return string(b), opened
}

// ParseFile reads and parses the litmus test at path. The file must be a
// regular file of at most input.MaxSource bytes: a device, a FIFO or an
// oversize file is refused before it is read (input.ReadFile).
func ParseFile(path string) (*Test, error) {
	src, err := input.ReadFile(path, input.MaxSource)
	if err != nil {
		return nil, err
	}
	return Parse(path, src)
}

// Parse reads a herd litmus test. Syntax errors are *Error values; tests
// using instructions the checker does not model parse successfully and
// carry a reason in Test.Unsupported.
func Parse(filename string, src []byte) (*Test, error) {
	s := newSource(filename, src)
	t := &Test{File: filename, Locations: map[string]int64{}, MemInit: map[string]int64{}}
	if s.unclosed >= 0 {
		return nil, s.errorf(s.unclosed, "comment `(*` is never closed")
	}
	off := skipSpace(s.text, 0)
	if off >= len(s.text) {
		return nil, s.errorf(off, "empty file: expected a header such as `RISCV name`")
	}
	lineEnd := indexFrom(s.text, off, "\n")
	fields := strings.Fields(s.text[off:lineEnd])
	if len(fields) < 2 {
		return nil, s.errorf(off, "expected a header `ARCH name`")
	}
	t.Arch, t.Name = fields[0], fields[1]
	front, ok := frontEnds[strings.ToUpper(t.Arch)]
	if !ok {
		return nil, s.errorf(off, "unsupported architecture %q (want RISCV, AArch64, X86 or X86_64)", t.Arch)
	}

	open := strings.IndexByte(s.text[lineEnd:], '{')
	if open < 0 {
		return nil, s.errorf(lineEnd, "expected `{` opening the initial state")
	}
	open += lineEnd
	p := &parser{s: s, t: t, front: front}
	if err := p.headerOptions(lineEnd, open); err != nil {
		return nil, err
	}
	closeOff := strings.IndexByte(s.text[open:], '}')
	if closeOff < 0 {
		return nil, s.errorf(open, "unclosed `{`: expected `}` ending the initial state")
	}
	closeOff += open
	initItems, err := p.initItems(open+1, closeOff)
	if err != nil {
		return nil, err
	}
	for _, it := range initItems {
		// A code label held in a register or location may send a thread
		// into another thread's code.
		if isLabelValue(it.rhs) || strings.HasPrefix(it.rhs, `label:"`) {
			p.sharedCode = true
		}
	}

	condStart, err := p.table(closeOff + 1)
	if err != nil {
		return nil, err
	}
	p.layoutCode()
	if err := p.applyInit(initItems); err != nil {
		return nil, err
	}
	if err := p.condition(condStart); err != nil {
		return nil, err
	}
	t.sortObserved()
	if err := p.resolveLabels(); err != nil {
		return nil, err
	}
	if err := p.fetchSites(); err != nil {
		return nil, err
	}
	return t, nil
}

type parser struct {
	s     *source
	t     *Test
	front frontEnd
	// cols maps each table column to its thread, and says whether it is
	// the thread's fault handler (`P0.F`).
	cols []column
	// colOffs and colNames are where each header column is and what it
	// says, for errors about the table's shape.
	colOffs  []int
	colNames []string
	// sharedCode is set when the initial state holds code labels: threads
	// then get fixed register slots.
	sharedCode bool
}

type column struct {
	th      *Thread
	handler bool
}

// frontEnd decodes one architecture's instructions and register names.
type frontEnd interface {
	// decode parses one instruction (without label) of thread th.
	// A returned unsupported reason leaves the test without a verdict.
	decode(p *parser, th *Thread, text string, off int) (in inst, unsupported string, err error)
	// regName canonicalises a register name (aliases, W/X views), or
	// returns "" if name is not a register.
	regName(name string) string
	defaultModel() string
}

// registerFile is implemented by front ends whose threads have fixed
// register slots.
type registerFile interface {
	registers() []string
}

var frontEnds = map[string]frontEnd{
	"RISCV":   riscvFront{},
	"AARCH64": aarch64Front{},
	"X86":     x86Front{},
	"X86_64":  x86Front{att: true},
}

func skipSpace(s string, off int) int {
	for off < len(s) && (s[off] == ' ' || s[off] == '\t' || s[off] == '\n' || s[off] == '\r') {
		off++
	}
	return off
}

func indexFrom(s string, off int, sub string) int {
	i := strings.Index(s[off:], sub)
	if i < 0 {
		return len(s)
	}
	return off + i
}

// table parses the thread columns after the initial state and returns
// the offset where the final condition section starts. As in herd, `;`
// ends a row and newlines are mere spaces (a comment may span lines).
func (p *parser) table(start int) (int, error) {
	s := p.s
	off := skipBlanks(s.text, start)
	// The closing brace may be followed by `;` (older x86 tests).
	if off < len(s.text) && s.text[off] == ';' {
		off++
	}
	end := off
	for end < len(s.text) {
		lineEnd := indexFrom(s.text, end, "\n")
		if isConditionStart(strings.TrimSpace(s.text[end:lineEnd])) {
			break
		}
		end = lineEnd + 1
	}
	if end > len(s.text) {
		end = len(s.text)
	}
	header := true
	type rowAt struct {
		text string
		off  int
	}
	var rows []rowAt
	for off < end {
		semi := strings.IndexByte(s.text[off:end], ';')
		if semi < 0 {
			rest := strings.TrimRight(s.text[off:end], " \t\r\n")
			if strings.TrimSpace(rest) == "" {
				break
			}
			return 0, s.errorf(off+len(rest), "expected `;` ending the row")
		}
		row := s.text[off : off+semi]
		if strings.TrimSpace(row) != "" {
			if header {
				if err := p.threadHeader(row, off); err != nil {
					return 0, err
				}
				header = false
			} else {
				rows = append(rows, rowAt{row, off})
			}
		}
		off += semi + 1
	}
	if header {
		return 0, s.errorf(end, "expected the thread table `P0 | P1 ;`")
	}
	// A header naming more threads than any row has columns is wrong in
	// the header (a stray `| P2`), so the error points there; a single
	// short row among full ones is reported at that row.
	widest := 0
	for _, r := range rows {
		widest = max(widest, strings.Count(r.text, "|")+1)
	}
	if widest < len(p.cols) {
		return 0, s.errorf(p.colOffs[widest], "the header names %d threads but no row has more than %d columns: %s has no code",
			len(p.cols), widest, p.colNames[widest])
	}
	for _, r := range rows {
		if err := p.row(r.text, r.off); err != nil {
			return 0, err
		}
	}
	return end, nil
}

func skipBlanks(s string, off int) int {
	for off < len(s) && (s[off] == ' ' || s[off] == '\t' || s[off] == '\r') {
		off++
	}
	return off
}

var conditionKeywords = []string{"exists", "~", "forall", "final", "locations", "filter", "observed", "(", "<<"}

func isConditionStart(line string) bool {
	l := strings.ToLower(line)
	for _, k := range conditionKeywords {
		if strings.HasPrefix(l, k) {
			return true
		}
	}
	return false
}

// cells splits a table row (without its `;`) into trimmed columns, with
// the offset of each.
func cells(row string, off int) ([]string, []int) {
	var out []string
	var offs []int
	pos := 0
	for _, c := range strings.Split(row, "|") {
		lead := len(c) - len(strings.TrimLeft(c, " \t\r\n"))
		out = append(out, strings.TrimSpace(c))
		offs = append(offs, off+pos+lead)
		pos += len(c) + 1
	}
	return out, offs
}

func (p *parser) threadHeader(line string, off int) error {
	cs, offs := cells(line, off)
	p.colOffs, p.colNames = offs, cs
	for i, c := range cs {
		name := strings.TrimPrefix(strings.TrimPrefix(c, "P"), "p")
		handler := false
		if h, ok := strings.CutSuffix(name, ".F"); ok {
			// `P0.F`: the fault handler of thread P0 (herd's fh_code).
			name, handler = h, true
		}
		id, err := atoiStrict(name)
		if err != nil || !strings.HasPrefix(strings.ToUpper(c), "P") {
			return p.s.errorf(offs[i], "expected thread name P%d, found %q", len(p.t.Threads), c)
		}
		if handler {
			if id >= len(p.t.Threads) || p.t.Threads[id].handlerCode != nil {
				return p.s.errorf(offs[i], "fault handler %s must follow thread P%d, once", c, id)
			}
			p.t.Threads[id].handlerCode = []inst{}
			p.cols = append(p.cols, column{th: p.t.Threads[id], handler: true})
			continue
		}
		if id != len(p.t.Threads) {
			return p.s.errorf(offs[i], "thread P%d out of order (expected P%d)", id, len(p.t.Threads))
		}
		th := newThread(id)
		if rf, ok := p.front.(registerFile); ok && p.sharedCode {
			// Fixed register slots, so that code runs on any thread
			// (a branch into another thread's code).
			for _, r := range rf.registers() {
				th.reg(r)
			}
		}
		p.t.Threads = append(p.t.Threads, th)
		p.cols = append(p.cols, column{th: th})
	}
	return nil
}

func (p *parser) row(line string, off int) error {
	cs, offs := cells(line, off)
	if len(cs) > len(p.cols) {
		return p.s.errorf(offs[len(p.cols)], "row has %d columns but the table has %d", len(cs), len(p.cols))
	}
	if len(cs) < len(p.cols) {
		// herd pads nothing: a short row would shift the code of every
		// later thread or leave a thread without code.
		end := off + len(strings.TrimRight(line, " \t\r\n"))
		return p.s.errorf(end, "row has %d columns but the header names %d threads", len(cs), len(p.cols))
	}
	for i, c := range cs {
		if err := p.cell(p.cols[i], c, offs[i]); err != nil {
			return err
		}
	}
	return nil
}

// cell decodes one table cell: optional `label:` then an instruction.
func (p *parser) cell(col column, text string, off int) error {
	th := col.th
	code := &th.Code
	if col.handler {
		code = &th.handlerCode
	}
	for {
		colon := strings.IndexByte(text, ':')
		if colon <= 0 || !isIdent(strings.TrimSpace(text[:colon])) {
			break
		}
		lbl := strings.TrimSpace(text[:colon])
		in := newInst(opNop)
		in.target = lbl
		in.line, in.col = p.s.pos(off)
		in.targetPC = -2 // marks a label definition
		*code = append(*code, in)
		rest := text[colon+1:]
		lead := len(rest) - len(strings.TrimLeft(rest, " \t"))
		off += colon + 1 + lead
		text = strings.TrimSpace(rest)
	}
	if text == "" {
		return nil
	}
	in, why, err := p.front.decode(p, th, text, off)
	if err != nil {
		return err
	}
	if why != "" {
		if p.t.Unsupported == "" {
			line, col := p.s.pos(off)
			p.t.Unsupported = sprintf("%d:%d: %s", line, col, why)
		}
		return nil
	}
	in.line, in.col = p.s.pos(off)
	in.text = text
	if in.pair != noReg {
		// A register pair: the second access follows at the next address.
		second := in
		if in.op == opLoad {
			second.rd = in.pair
		} else {
			second.rv = in.pair
		}
		in.pair, second.pair = noReg, noReg
		second.imm += int64(in.size)
		*code = append(*code, in, second)
		return nil
	}
	*code = append(*code, in)
	return nil
}

// resolveLabels turns branch targets into instruction indices and ADR
// operands into addresses. Labels are those of the thread's own code
// (main code and fault handler); `.+N` targets are relative to the
// instruction's address.
func (p *parser) resolveLabels() error {
	for _, th := range p.t.Threads {
		for i := range th.Code {
			if err := p.resolveTarget(th, i, &th.Code[i]); err != nil {
				return err
			}
		}
	}
	return nil
}

// resolveTarget resolves the label of in, placed at entry i of th.
func (p *parser) resolveTarget(th *Thread, i int, in *inst) error {
	if in.op != opBranch && in.op != opJump && !in.adr {
		return nil
	}
	var pc int
	var ok bool
	if in.relative {
		pc, ok = th.indexAt(th.addr[i] + in.rel)
	} else {
		pc, ok = th.labels[in.target]
	}
	if !ok {
		return &Error{File: p.s.file, Line: in.line, Col: in.col, Msg: sprintf("undefined label %q in P%d", in.target, th.ID)}
	}
	if in.adr {
		// ADR Xd,label: the label's address, a constant. Like a label in
		// the initial state, it exports the label (herd's
		// get_exported_label).
		in.op, in.alu, in.useImm, in.imm, in.adr = opALU, aluMov, true, th.addr[pc], false
		if p.t.exported == nil {
			p.t.exported = map[labelRef]bool{}
		}
		p.t.exported[labelRef{th.ID, in.target}] = true
		return nil
	}
	in.targetPC = pc
	return nil
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}
