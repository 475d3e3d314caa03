package fix

import (
	"fmt"
	"math/bits"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// An Edit is one candidate change of the scenario file: a barrier made
// stronger, or a fence, a context synchronisation, an icache maintenance
// sequence or an IPI sync added at a step boundary. It is one or more
// hunks of lines (adding an IPI sync with a handler the file does not
// declare yet is two: the declaration and the steps).
type Edit struct {
	// What the edit is, in the kernel's words: "smp_wmb() -> smp_mb()",
	// "add RISCV_FENCE(w,o)".
	What  string `json:"what"`
	Hunks []Hunk `json:"hunks"`
	// where says where the edit is, for dominance: "R12" replaces line
	// 12, "I40" inserts before line 40.
	where string
	// fence is the fence's bits (pred<<4 | succ) of a fence edit, 0 for
	// any other: at one place, a fence whose bits include a proven fix's
	// is not tried (it is no smaller a change).
	fence uint8
	// code: the edit changes the harts' code (not only the patcher's
	// steps and the handlers).
	code bool
	// Kind is What without the place: fixes of one kind at several
	// places are shown together.
	Kind string `json:"kind"`
	// pos is where the edit is among the patcher's steps: 2k replaces
	// step k, 2b-1 inserts before step b (-1: the harts' code).
	pos int
	// Cost orders the candidates of one size: a weaker barrier first,
	// a replacement before an insertion, an IPI or an icache
	// maintenance sequence last (docs/fix.md).
	Cost int `json:"cost"`
}

// Costs of the edits that are not fences (a fence costs the number of
// its iorw bits, a replacement the bits it adds).
const (
	costSync        = 3  // fence.i
	costDSB         = 4  // dsb ish
	costMaintenance = 8  // dc cvau; dsb ish; ic ivau; dsb ish
	costIPI         = 10 // ipi all H; wait ipi H
	costNewHandler  = 2  // and a handler declared for it
)

// A Hunk replaces Delete lines (0 or 1) from Line (1-based) by Insert;
// with Delete 0 the lines go before Line.
type Hunk struct {
	Line   int      `json:"line"`
	Delete int      `json:"delete"`
	Insert []string `json:"insert"`
	// Shared: edits that need the same lines (a handler's declaration)
	// make them once.
	Shared bool `json:"shared,omitempty"`
}

// fenceDef is a fence of an architecture's vocabulary: how the scenario
// writes it and the kernel's name for it.
type fenceDef struct {
	text, macro string
	pred, succ  uint8 // iorw bits: i 8, o 4, r 2, w 1
}

func (f fenceDef) bits() uint8 { return f.pred<<4 | f.succ }

// vocab is what an architecture's kernel code uses to order and to
// synchronise, as the scenario language writes it.
type vocab struct {
	// fences in the patcher's steps (and, for RISC-V, in the harts' code).
	fences []fenceDef
	// syncs are single steps the patcher may add: a local fetch barrier.
	syncs []step
	// maintenance: the icache maintenance sequence (arm64's
	// flush_icache_range) is a candidate.
	maintenance bool
	// codeFences: the harts' code writes the fences as the patcher
	// does (RISC-V), and each may be made stronger.
	codeFences bool
	// codeBarriers map a barrier instruction of the harts' code to the
	// stronger ones of the same size.
	codeBarriers map[string][]step
	// sync is how a new IPI handler synchronises fetch ("" : none is
	// added), and its kernel name.
	syncHandler, syncHandlerName string
}

type step struct {
	text, macro string
	cost        int
}

var riscvFences = []fenceDef{
	{"fence r,r", "smp_rmb()", 2, 2},
	{"fence w,w", "smp_wmb()", 1, 1},
	{"fence w,o", "RISCV_FENCE(w,o)", 1, 4},
	{"fence rw,w", "RISCV_FENCE(rw,w)", 3, 1},
	{"fence r,rw", "RISCV_FENCE(r,rw)", 2, 3},
	{"fence rw,rw", "smp_mb()", 3, 3},
	{"fence iorw,iorw", "mb()", 15, 15},
}

// arm64's smp_wmb, smp_rmb, smp_mb are dmb ishst, ishld, ish; the
// patcher's steps write them as fences (the armv8 model's barriers).
var arm64Fences = []fenceDef{
	{"fence r,r", "smp_rmb()", 2, 2},
	{"fence w,w", "smp_wmb()", 1, 1},
	{"fence rw,rw", "smp_mb()", 3, 3},
}

var vocabs = map[string]vocab{
	"RISCV": {
		fences:      riscvFences,
		codeFences:  true,
		syncs:       []step{{"fence.i", "local_flush_icache_all()", costSync}},
		syncHandler: "fence.i", syncHandlerName: "ipi_remote_fence_i",
	},
	"ARM64": {
		fences:      arm64Fences,
		syncs:       []step{{"dsb ish", "dsb(ish)", costDSB}},
		maintenance: true,
		codeBarriers: map[string][]step{
			"dmb ishst": {{"dmb ish", "smp_mb()", 2}},
			"dmb ishld": {{"dmb ish", "smp_mb()", 2}},
		},
		syncHandler: "isb", syncHandlerName: "do_nothing",
	},
	"X86": {
		fences:      []fenceDef{{"fence rw,rw", "smp_mb()", 3, 3}},
		syncHandler: "sync_core", syncHandlerName: "do_sync_core",
	},
	"PPC64": {
		fences: []fenceDef{{"fence rw,rw", "smp_mb()", 3, 3}},
	},
}

// srcLine is a line of the file as the candidates see it.
type srcLine struct {
	num     int
	raw     string
	code    string // comment stripped, right-trimmed
	section string // the active section it is in ("" before the first)
	active  bool
}

// lead is the line's indentation.
func (l srcLine) lead() string { return l.raw[:len(l.raw)-len(strings.TrimLeft(l.raw, " \t"))] }

// patcherLine is an active step of [patcher].
type patcherLine struct {
	srcLine
	body, ann string // the step, and its annotation without brackets
	annCol    int    // the byte offset of its '[' (-1: none)
}

// fn is the kernel function an annotation names (before its ':').
func (p patcherLine) fn() string {
	f, _, _ := strings.Cut(p.ann, ":")
	return strings.TrimSpace(f)
}

func stripComment(s string) string {
	in := false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			in = !in
		case '#':
			if !in {
				return strings.TrimRight(s[:i], " \t\r")
			}
		}
	}
	return strings.TrimRight(s, " \t\r")
}

func splitSource(text []byte, active map[int]bool) []srcLine {
	raws := strings.Split(string(text), "\n")
	ls := make([]srcLine, len(raws))
	section := ""
	for i, r := range raws {
		l := srcLine{num: i + 1, raw: strings.TrimRight(r, "\r"), code: stripComment(r), active: active[i+1]}
		t := strings.TrimSpace(l.code)
		if l.active && strings.HasPrefix(t, "[") {
			name := strings.TrimPrefix(t, "[")
			name = strings.FieldsFunc(name, func(r rune) bool { return r == ' ' || r == ']' || r == '\t' })[0]
			section = name
		}
		l.section = section
		ls[i] = l
	}
	return ls
}

// header reports whether the line is a section header.
func (l srcLine) header() bool { return strings.HasPrefix(strings.TrimSpace(l.code), "[") }

func patcherLines(ls []srcLine) []patcherLine {
	var ps []patcherLine
	for _, l := range ls {
		t := strings.TrimSpace(l.code)
		if !l.active || l.section != "patcher" || t == "" || l.header() {
			continue
		}
		p := patcherLine{srcLine: l, body: t, annCol: -1}
		if i := strings.IndexByte(l.code, '['); i >= 0 {
			j := strings.LastIndexByte(l.code, ']')
			if j > i {
				p.ann = strings.TrimSpace(l.code[i+1 : j])
				p.annCol = i
				p.body = strings.TrimSpace(l.code[:i])
			}
		}
		ps = append(ps, p)
	}
	return ps
}

var fenceRE = regexp.MustCompile(`^fence\s+([iorw]+)\s*,\s*([iorw]+)$`)

// parseFence reads "fence P,S" (and "fence": iorw,iorw).
func parseFence(s string) (pred, succ uint8, ok bool) {
	s = strings.TrimSpace(s)
	if s == "fence" {
		return 15, 15, true
	}
	m := fenceRE.FindStringSubmatch(s)
	if m == nil {
		return 0, 0, false
	}
	set := func(x string) uint8 {
		var b uint8
		for _, c := range x {
			b |= map[rune]uint8{'i': 8, 'o': 4, 'r': 2, 'w': 1}[c]
		}
		return b
	}
	return set(m[1]), set(m[2]), true
}

func subset(a, b uint8) bool { return a&b == a }

// stronger are the vocabulary's fences that order everything (pred,
// succ) does and more.
func stronger(v vocab, pred, succ uint8) []fenceDef {
	var out []fenceDef
	for _, f := range v.fences {
		if subset(pred, f.pred) && subset(succ, f.succ) && (f.pred != pred || f.succ != succ) {
			out = append(out, f)
		}
	}
	return out
}

func macroOf(v vocab, pred, succ uint8) string {
	for _, f := range v.fences {
		if f.pred == pred && f.succ == succ {
			return f.macro
		}
	}
	return ""
}

// replaceKeepingColumns replaces raw[start:end] by repl and keeps what
// follows at its column where the blanks after the span allow.
func replaceKeepingColumns(raw string, start, end int, repl string) string {
	rest := raw[end:]
	if d := len(repl) - (end - start); d > 0 {
		blanks := len(rest) - len(strings.TrimLeft(rest, " "))
		cut := min(d, max(blanks-1, 0))
		if strings.TrimSpace(rest) == "" {
			cut = blanks
		}
		rest = rest[cut:]
	} else if d < 0 && strings.TrimSpace(rest) != "" && strings.HasPrefix(rest, " ") {
		rest = strings.Repeat(" ", -d) + rest
	}
	return raw[:start] + repl + rest
}

// newStepLine is an added patcher step, indented and annotated like its
// neighbour: [FUNCTION: MACRO] at the neighbour's annotation column.
func newStepLine(near patcherLine, body, fn, macro string) string {
	s := near.lead() + body
	if macro == "" {
		return s
	}
	ann := "[" + macro + "]"
	if fn != "" {
		ann = "[" + fn + ": " + macro + "]"
	}
	col := near.annCol
	if col < len(s)+1 {
		col = len(s) + 1
	}
	return s + strings.Repeat(" ", col-len(s)) + ann
}

// textStore is a patcher step that stores instructions: where and how
// many bytes.
type textStore struct {
	base string // the symbol, "" for a number or another expression
	off  int64
	expr string
	size int
}

var storeRE = regexp.MustCompile(`^store(8|16|32|64)?\s+(.+?)\s*=\s*\{`)
var addrRE = regexp.MustCompile(`^([A-Za-z_.$][\w.$]*)\s*(?:\+\s*(0x[0-9a-fA-F]+|\d+))?$`)

func parseTextStore(body string) (textStore, bool) {
	m := storeRE.FindStringSubmatch(body)
	if m == nil || strings.Contains(body, "bytes") {
		return textStore{}, false
	}
	size := 8
	if m[1] != "" {
		n, _ := strconv.Atoi(m[1])
		size = n / 8
	}
	t := textStore{expr: m[2], size: size}
	if a := addrRE.FindStringSubmatch(m[2]); a != nil {
		t.base = a[1]
		if a[2] != "" {
			t.off, _ = strconv.ParseInt(a[2], 0, 64)
		}
	}
	return t, true
}

// ranges are the address ranges of the text stores, those of one symbol
// merged: "plt .. plt+12".
func ranges(stores []textStore) []string {
	type span struct{ lo, hi int64 }
	var order []string
	spans := map[string]*span{}
	var out []string
	for _, s := range stores {
		if s.base == "" {
			out = append(out, fmt.Sprintf("%s .. %s+%d", s.expr, s.expr, s.size))
			continue
		}
		sp, ok := spans[s.base]
		if !ok {
			order = append(order, s.base)
			spans[s.base] = &span{s.off, s.off + int64(s.size)}
			continue
		}
		sp.lo, sp.hi = min(sp.lo, s.off), max(sp.hi, s.off+int64(s.size))
	}
	at := func(b string, o int64) string {
		if o == 0 {
			return b
		}
		return fmt.Sprintf("%s+%d", b, o)
	}
	var named []string
	for _, b := range order {
		sp := spans[b]
		named = append(named, at(b, sp.lo)+" .. "+at(b, sp.hi))
	}
	return append(named, out...)
}

var handlerRE = regexp.MustCompile(`^handler\s+([A-Za-z_][\w]*)\b[^:]*:\s*(.*)$`)

// handlers are the active handler declarations: name -> body.
func handlers(ls []srcLine) (names []string, bodies map[string]string) {
	bodies = map[string]string{}
	for _, l := range ls {
		if !l.active || l.section != "" {
			continue
		}
		if m := handlerRE.FindStringSubmatch(strings.TrimSpace(l.code)); m != nil {
			names = append(names, m[1])
			bodies[m[1]] = m[2]
		}
	}
	return names, bodies
}

// candidates lists the single edits of the file's active lines, in a
// fixed order: stronger barriers first, then added steps by boundary.
func candidates(arch string, ls []srcLine) []Edit {
	v, ok := vocabs[arch]
	if !ok {
		return nil
	}
	steps := patcherLines(ls)
	var out []Edit
	// Stronger barriers in place of weaker ones: the patcher's fences.
	for k, p := range steps {
		pred, succ, ok := parseFence(p.body)
		if !ok {
			continue
		}
		if v.maintenance {
			if rs := ranges(textStoresBefore(steps[:k])); len(rs) > 0 {
				old := macroOf(v, pred, succ)
				if old == "" {
					old = p.body
				}
				what := fmt.Sprintf("%s (%s) -> icache maintenance (flush_icache_range of %s)", p.body, old, strings.Join(rs, ", "))
				if fn := p.fn(); fn != "" {
					what += " in " + fn
				}
				out = append(out, Edit{What: what, Kind: what, Hunks: []Hunk{{Line: p.num, Delete: 1, Insert: maintenanceSeq(p, rs, p.fn())}},
					where: fmt.Sprintf("R%d", p.num), pos: 2 * k, Cost: costMaintenance})
			}
		}
		old := macroOf(v, pred, succ)
		start := len(p.lead())
		for _, f := range stronger(v, pred, succ) {
			line := replaceKeepingColumns(p.raw, start, start+len(p.body), f.text)
			if old != "" {
				line = line[:start+len(f.text)] + strings.Replace(line[start+len(f.text):], old, f.macro, 1)
			}
			what := fmt.Sprintf("%s -> %s", p.body, f.text)
			if old != "" {
				what = fmt.Sprintf("%s -> %s (%s -> %s)", p.body, f.text, old, f.macro)
			}
			if fn := p.fn(); fn != "" {
				what += " in " + fn
			}
			out = append(out, Edit{What: what, Kind: what, Hunks: []Hunk{{Line: p.num, Delete: 1, Insert: []string{line}}},
				where: fmt.Sprintf("R%d", p.num), pos: 2 * k, fence: f.bits(), Cost: bits.OnesCount8(f.bits()) - bits.OnesCount8(pred<<4|succ)})
		}
	}
	// ... and the harts' code's barriers.
	out = append(out, codeCandidates(v, ls)...)
	if len(steps) == 0 {
		return out
	}
	names, bodies := handlers(ls)
	firstSection := 0
	for _, l := range ls {
		if l.active && l.header() {
			firstSection = l.num
			break
		}
	}
	// Added steps at each boundary: before step 0, after each step.
	for b := 0; b <= len(steps); b++ {
		var prev, next *patcherLine
		if b > 0 {
			prev = &steps[b-1]
		}
		if b < len(steps) {
			next = &steps[b]
		}
		at := steps[0].num // the line the new lines go before
		near := steps[0]
		if prev != nil {
			at, near = prev.num+1, *prev
		}
		fn := ""
		switch {
		case next != nil && next.fn() != "":
			fn = next.fn()
		case prev != nil:
			fn = prev.fn()
		}
		boundary := "before " + quoteStep(next)
		if next == nil {
			boundary = "after " + quoteStep(prev)
		}
		same := func(body string) bool {
			return (prev != nil && prev.body == body) || (next != nil && next.body == body)
		}
		add := func(what string, fence uint8, cost int, lines ...string) {
			out = append(out, Edit{What: what + " " + boundary, Kind: what, Hunks: []Hunk{{Line: at, Insert: lines}},
				where: fmt.Sprintf("I%d", at), pos: 2*b - 1, fence: fence, Cost: cost})
		}
		for _, f := range v.fences {
			if same(f.text) {
				continue
			}
			add("add "+f.text+" ("+f.macro+")", f.bits(), bits.OnesCount8(f.bits()), newStepLine(near, f.text, fn, f.macro))
		}
		for _, s := range v.syncs {
			if same(s.text) {
				continue
			}
			add("add "+s.text+" ("+s.macro+")", 0, s.cost, newStepLine(near, s.text, fn, s.macro))
		}
		if v.maintenance {
			if rs := ranges(textStoresBefore(steps[:b])); len(rs) > 0 {
				seq := maintenanceSeq(near, rs, fn)
				add("add icache maintenance (flush_icache_range of "+strings.Join(rs, ", ")+")", 0, costMaintenance, seq...)
				for _, h := range names {
					if bodies[h] != v.syncHandler {
						continue
					}
					kick := append(slices.Clone(seq),
						newStepLine(near, "ipi all "+h, fn, "flush_icache_range: kick_all_cpus_sync()"),
						newStepLine(near, "wait ipi "+h, fn, "flush_icache_range: kick_all_cpus_sync()"))
					add("add icache maintenance and an IPI sync (flush_icache_range of "+strings.Join(rs, ", ")+", kick_all_cpus_sync)", 0, costMaintenance+costIPI, kick...)
				}
			}
		}
		// An IPI sync: every CPU runs a handler, the patcher waits.
		for _, h := range names {
			add("add an IPI sync with "+h+" (on_each_cpu)", 0, costIPI,
				newStepLine(near, "ipi all "+h, fn, "on_each_cpu("+h+")"),
				newStepLine(near, "wait ipi "+h, fn, "on_each_cpu("+h+")"))
		}
		if v.syncHandler != "" && !slices.Contains(names, v.syncHandlerName) && !hasSyncHandler(names, bodies, v.syncHandler) && firstSection > 0 {
			h := v.syncHandlerName
			decl := "handler " + h + ": " + v.syncHandler
			kind := "add an IPI sync with a new handler " + h + " (" + v.syncHandler + ")"
			e := Edit{What: kind + " " + boundary, Kind: kind, where: fmt.Sprintf("I%d", at), pos: 2*b - 1, Cost: costIPI + costNewHandler,
				Hunks: []Hunk{{Line: firstSection, Insert: []string{decl, ""}, Shared: true}, {Line: at, Insert: []string{
					newStepLine(near, "ipi all "+h, fn, "on_each_cpu("+h+")"),
					newStepLine(near, "wait ipi "+h, fn, "on_each_cpu("+h+")")}}}}
			out = append(out, e)
		}
	}
	return out
}

// textStoresBefore are the text stores among steps.
func textStoresBefore(steps []patcherLine) []textStore {
	var stores []textStore
	for _, p := range steps {
		if s, ok := parseTextStore(p.body); ok {
			stores = append(stores, s)
		}
	}
	return stores
}

// maintenanceSeq is arm64's flush_icache_range over the ranges:
// clean to the point of unification, dsb, invalidate, dsb.
func maintenanceSeq(near patcherLine, rs []string, fn string) []string {
	var seq []string
	for _, r := range rs {
		seq = append(seq, newStepLine(near, "dc cvau "+r, fn, "flush_icache_range: dc cvau"))
	}
	seq = append(seq, newStepLine(near, "dsb ish", fn, "flush_icache_range: dsb ish"))
	for _, r := range rs {
		seq = append(seq, newStepLine(near, "ic ivau "+r, fn, "flush_icache_range: ic ivau"))
	}
	return append(seq, newStepLine(near, "dsb ish", fn, "flush_icache_range: dsb ish"))
}

func hasSyncHandler(names []string, bodies map[string]string, sync string) bool {
	for _, n := range names {
		if strings.TrimSpace(bodies[n]) == sync {
			return true
		}
	}
	return false
}

func quoteStep(p *patcherLine) string {
	if p == nil {
		return "the patcher's end"
	}
	return fmt.Sprintf("`%s` (line %d)", p.body, p.num)
}

var labelRE = regexp.MustCompile(`^\s*(?:[A-Za-z_.$][\w.$]*:\s*)*`)

// codeCandidates are stronger barriers in the harts' code, of the same
// size (the layout does not move): RISC-V fences, arm64 DMBs.
func codeCandidates(v vocab, ls []srcLine) []Edit {
	var out []Edit
	for _, l := range ls {
		if !l.active || (l.section != "text" && l.section != "hart") || l.header() || strings.Contains(l.code, "<->") {
			continue
		}
		start := len(labelRE.FindString(l.code))
		insn := strings.TrimSpace(l.code[start:])
		if insn == "" {
			continue
		}
		norm := strings.Join(strings.Fields(insn), " ")
		var repl []step
		if pred, succ, ok := parseFence(insn); ok && v.codeFences {
			for _, f := range stronger(v, pred, succ) {
				repl = append(repl, step{f.text, f.macro, bits.OnesCount8(f.bits()) - bits.OnesCount8(pred<<4|succ)})
			}
		} else {
			repl = v.codeBarriers[norm]
		}
		for _, r := range repl {
			line := replaceKeepingColumns(l.raw, start, start+len(insn), r.text)
			kind := fmt.Sprintf("%s -> %s (%s) in the harts' code", insn, r.text, r.macro)
			out = append(out, Edit{What: fmt.Sprintf("%s, line %d", kind, l.num), Kind: kind, Cost: r.cost,
				Hunks: []Hunk{{Line: l.num, Delete: 1, Insert: []string{line}}}, where: fmt.Sprintf("R%d", l.num), pos: -1, code: true})
		}
	}
	return out
}

// apply makes the file with the edits' hunks. Hunks must not replace the
// same line; insertions before one line keep the edits' order.
func apply(text []byte, edits []Edit) ([]byte, bool) {
	old := strings.Split(string(text), "\n")
	repl := map[int][]string{}
	ins := map[int][]string{}
	for _, h := range hunks(edits) {
		if h.Delete > 0 {
			if _, dup := repl[h.Line]; dup {
				return nil, false
			}
			repl[h.Line] = h.Insert
		} else {
			ins[h.Line] = append(ins[h.Line], h.Insert...)
		}
	}
	var out []string
	for i := 1; i <= len(old)+1; i++ {
		out = append(out, ins[i]...)
		if i > len(old) {
			break
		}
		if r, ok := repl[i]; ok {
			out = append(out, r...)
		} else {
			out = append(out, old[i-1])
		}
	}
	return []byte(strings.Join(out, "\n")), true
}

// hunks are the edits' hunks, a shared one once.
func hunks(edits []Edit) []Hunk {
	var out []Hunk
	seen := map[string]bool{}
	for _, e := range edits {
		for _, h := range e.Hunks {
			if h.Shared {
				k := fmt.Sprint(h.Line, h.Insert)
				if seen[k] {
					continue
				}
				seen[k] = true
			}
			out = append(out, h)
		}
	}
	return out
}
