package memmodel

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/ftcheck/ftcheck/ifetch/riscv"
	"github.com/ftcheck/ftcheck/memmodel/litmus"
	"github.com/ftcheck/ftcheck/model"
)

// A program is a litmus test in a form both the machine (real RV64 words)
// and the axiomatic checker (litmus text) can run: threads of loads,
// stores of constants and fences over locations x, y, z.
type program struct {
	name    string
	threads [][]access
}

type accessKind uint8

const (
	load accessKind = iota
	store
	fence
	// branch is a conditional branch on the latest load's register to
	// the next instruction: a control dependency and nothing else.
	branch
)

type access struct {
	kind  accessKind
	loc   int            // load, store: 0=x 1=y 2=z
	val   int            // store: 1..4
	data  bool           // store: store the latest load's register instead (a data dependency)
	fence uint8          // fence: pred<<4 | succ (model.FenceR/FenceW bits); 0xff = fence.tso
	ord   model.Ordering // load: Acquire, AcquirePC; store: Release (armv8_test.go runs them)
}

var locNames = []string{"x", "y", "z"}

const fenceTSO = 0xff

func ld(loc int) access          { return access{kind: load, loc: loc} }
func st(loc, val int) access     { return access{kind: store, loc: loc, val: val} }
func fn(pred, succ uint8) access { return access{kind: fence, fence: pred<<4 | succ} }

const (
	r  = model.FenceR
	w  = model.FenceW
	rw = model.FenceR | model.FenceW
)

func (a access) fenceKind() model.FenceKind {
	if a.fence == fenceTSO {
		return model.FenceKind{Pred: rw, Succ: rw, TSO: true}
	}
	return model.FenceKind{Pred: a.fence >> 4, Succ: a.fence & 0xf}
}

// Machine layout: location i at locBase+i*0x100; hart h's code at
// codeBase+h*codeStride; x10.. hold the locations' addresses, x20.. the
// store values 1..4, loads write x5, x6, x7 in order.
const (
	locBase    = 0x100
	codeBase   = 0x1000
	codeStride = 0x80
)

func locAddr(i int) uint64 { return locBase + uint64(i)*0x100 }

func loadReg(k int) int { return 5 + k }

func (p *program) words(th int) []uint32 {
	var ws []uint32
	loads := 0
	for _, a := range p.threads[th] {
		if a.ord != model.Plain {
			panic(fmt.Sprintf("%s: RV64 words have no %v access (run it with directFinals)", p.name, a.ord))
		}
		switch a.kind {
		case load:
			ws = append(ws, riscv.Lw(loadReg(loads), 10+a.loc, 0))
			loads++
		case store:
			if a.data {
				ws = append(ws, riscv.Sw(loadReg(loads-1), 10+a.loc, 0))
			} else {
				ws = append(ws, riscv.Sw(19+a.val, 10+a.loc, 0))
			}
		case fence:
			if a.fence == fenceTSO {
				ws = append(ws, riscv.FenceTSO)
			} else {
				ws = append(ws, riscv.Fence(a.fence>>4, a.fence&0xf))
			}
		case branch:
			ws = append(ws, riscv.Beq(loadReg(loads-1), 0, 4))
		}
	}
	return append(ws, riscv.Ebreak)
}

// system builds the machine: one hart per thread, a patcher with no steps.
func (p *program) system(mem model.DataMemory) *model.System {
	code := make([][]uint32, len(p.threads))
	for h := range code {
		code[h] = p.words(h)
	}
	return wordsSystem(p.name, mem, code)
}

// An outcome is the final value of every load register and location,
// written as a litmus proposition's conjuncts ("0:x5=1", "x=2").
type outcome []string

func (o outcome) String() string { return strings.Join(o, " ") }

// locsUsed lists the locations the program touches.
func (p *program) locsUsed() []int {
	var ls []int
	for _, th := range p.threads {
		for _, a := range th {
			if (a.kind == load || a.kind == store) && !slices.Contains(ls, a.loc) {
				ls = append(ls, a.loc)
			}
		}
	}
	slices.Sort(ls)
	return ls
}

// finalsOf explores the machine under mem and returns its final outcomes.
func (p *program) finalsOf(mem model.DataMemory) (map[string]bool, error) {
	s := p.system(mem)
	fs, err := model.Finals(context.Background(), s, 200000)
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, m := range fs {
		var o outcome
		for h := range p.threads {
			if m.Harts[h].Task != model.TaskDone {
				return nil, fmt.Errorf("%s: hart %d ended %v", p.name, h, m.Harts[h].Task)
			}
			for k := 0; k < p.loads(h); k++ {
				o = append(o, fmt.Sprintf("%d:x%d=%d", h, loadReg(k), int64(m.Harts[h].Regs[loadReg(k)])))
			}
		}
		for _, l := range p.locsUsed() {
			o = append(o, fmt.Sprintf("%s=%d", locNames[l], latest(m.Mem, locAddr(l), 4)))
		}
		out[o.String()] = true
	}
	return out, nil
}

func (p *program) loads(th int) int {
	n := 0
	for _, a := range p.threads[th] {
		if a.kind == load {
			n++
		}
	}
	return n
}

// latest is the value a location ends with.
func latest(mem model.DataMemory, addr uint64, size int) uint64 {
	switch m := mem.(type) {
	case *SC:
		return m.read(addr, size)
	case *TSO:
		return m.Latest(addr, size)
	case *RVWMO:
		return m.Latest(addr, size)
	case *ARMv8:
		return m.Latest(addr, size)
	}
	panic("unknown model")
}

// candidates lists every outcome the program could conceivably have:
// each load and each location takes the initial value or a value stored
// to its location.
func (p *program) candidates() []outcome {
	domain := map[int][]int{}
	for _, l := range p.locsUsed() {
		domain[l] = []int{0}
	}
	for _, th := range p.threads {
		for _, a := range th {
			if a.kind == store && !a.data && !slices.Contains(domain[a.loc], a.val) {
				domain[a.loc] = append(domain[a.loc], a.val)
			}
		}
	}
	// A data store writes a value its latest load may have read.
	for changed := true; changed; {
		changed = false
		for _, th := range p.threads {
			src := -1
			for _, a := range th {
				switch {
				case a.kind == load:
					src = a.loc
				case a.kind == store && a.data:
					for _, v := range domain[src] {
						if !slices.Contains(domain[a.loc], v) {
							domain[a.loc] = append(domain[a.loc], v)
							changed = true
						}
					}
				}
			}
		}
	}
	type slot struct {
		name string
		dom  []int
	}
	var slots []slot
	for h, th := range p.threads {
		k := 0
		for _, a := range th {
			if a.kind == load {
				slots = append(slots, slot{fmt.Sprintf("%d:x%d", h, loadReg(k)), domain[a.loc]})
				k++
			}
		}
	}
	for _, l := range p.locsUsed() {
		slots = append(slots, slot{locNames[l], domain[l]})
	}
	outs := []outcome{nil}
	for _, s := range slots {
		var next []outcome
		for _, o := range outs {
			for _, v := range s.dom {
				next = append(next, append(slices.Clip(o), fmt.Sprintf("%s=%d", s.name, v)))
			}
		}
		outs = next
	}
	return outs
}

// riscvText writes the program as a herd RISCV litmus test whose
// condition is the outcome o.
func (p *program) riscvText(o outcome) string {
	var b strings.Builder
	fmt.Fprintf(&b, "RISCV %s\n{\n", p.name)
	for h := range p.threads {
		for _, l := range p.locsUsed() {
			fmt.Fprintf(&b, "%d:x%d=%s; ", h, 10+l, locNames[l])
		}
		for v := 1; v <= 4; v++ {
			fmt.Fprintf(&b, "%d:x%d=%d; ", h, 19+v, v)
		}
		b.WriteString("\n")
	}
	b.WriteString("}\n")
	cols := make([][]string, len(p.threads))
	labels := 0
	for h, th := range p.threads {
		k := 0
		for _, a := range th {
			switch {
			case a.kind == load:
				cols[h] = append(cols[h], fmt.Sprintf("lw x%d,0(x%d)", loadReg(k), 10+a.loc))
				k++
			case a.kind == store && a.data:
				cols[h] = append(cols[h], fmt.Sprintf("sw x%d,0(x%d)", loadReg(k-1), 10+a.loc))
			case a.kind == store:
				cols[h] = append(cols[h], fmt.Sprintf("sw x%d,0(x%d)", 19+a.val, 10+a.loc))
			case a.kind == fence:
				cols[h] = append(cols[h], riscvFenceText(a))
			case a.kind == branch:
				cols[h] = append(cols[h], fmt.Sprintf("beq x%d,x0,LC%02d", loadReg(k-1), labels), fmt.Sprintf("LC%02d:", labels))
				labels++
			}
		}
	}
	writeColumns(&b, cols)
	fmt.Fprintf(&b, "exists (%s)\n", strings.Join(o, " /\\ "))
	return b.String()
}

func riscvFenceText(a access) string {
	if a.fence == fenceTSO {
		return "fence.tso"
	}
	set := func(s uint8) string {
		t := ""
		if s&r != 0 {
			t += "r"
		}
		if s&w != 0 {
			t += "w"
		}
		return t
	}
	return "fence " + set(a.fence>>4) + "," + set(a.fence&0xf)
}

// x86Text writes the program as a herd X86 test: a fence that orders
// stores before loads is MFENCE, any other fence is implied by TSO.
func (p *program) x86Text(o outcome) string {
	var b strings.Builder
	fmt.Fprintf(&b, "X86 %s\n{ ", p.name)
	for _, l := range p.locsUsed() {
		fmt.Fprintf(&b, "%s=0; ", locNames[l])
	}
	b.WriteString("}\n")
	regs := []string{"EAX", "EBX", "ECX"}
	cols := make([][]string, len(p.threads))
	for h, th := range p.threads {
		k := 0
		for _, a := range th {
			switch a.kind {
			case load:
				cols[h] = append(cols[h], fmt.Sprintf("MOV %s,[%s]", regs[k], locNames[a.loc]))
				k++
			case store:
				if a.data {
					cols[h] = append(cols[h], fmt.Sprintf("MOV [%s],%s", locNames[a.loc], regs[k-1]))
				} else {
					cols[h] = append(cols[h], fmt.Sprintf("MOV [%s],$%d", locNames[a.loc], a.val))
				}
			case fence:
				if tsoDrains(a.fenceKind()) {
					cols[h] = append(cols[h], "MFENCE")
				}
			}
		}
	}
	writeColumns(&b, cols)
	var conj []string
	for _, c := range o {
		if th, rest, ok := strings.Cut(c, ":x"); ok {
			reg, val, _ := strings.Cut(rest, "=")
			var n int
			fmt.Sscan(reg, &n)
			c = fmt.Sprintf("%s:%s=%s", th, regs[n-5], val)
		}
		conj = append(conj, c)
	}
	fmt.Fprintf(&b, "exists (%s)\n", strings.Join(conj, " /\\ "))
	return b.String()
}

func writeColumns(b *strings.Builder, cols [][]string) {
	rows := 0
	row := func(cell func(h int) string) {
		for h := range cols {
			if h > 0 {
				b.WriteString(" |")
			}
			fmt.Fprintf(b, " %s", cell(h))
		}
		b.WriteString(" ;\n")
	}
	for h := range cols {
		rows = max(rows, len(cols[h]))
	}
	row(func(h int) string { return fmt.Sprintf("P%d", h) })
	for i := 0; i < rows; i++ {
		row(func(h int) string {
			if i < len(cols[h]) {
				return cols[h][i]
			}
			return ""
		})
	}
}

// axiomatic returns the outcomes the axiomatic model allows: every
// candidate whose exists-condition herd's method finds reachable.
func (p *program) axiomatic(modelName string) (map[string]bool, error) {
	out := map[string]bool{}
	for _, o := range p.candidates() {
		src := p.riscvText(o)
		if modelName == "tso" {
			src = p.x86Text(o)
		}
		t, err := litmus.Parse(p.name+".litmus", []byte(src))
		if err != nil {
			return nil, fmt.Errorf("%v\n%s", err, src)
		}
		res := litmus.Run(t, litmus.Options{Model: modelName})
		if res.Unsupported != "" {
			return nil, fmt.Errorf("%s: unsupported: %s\n%s", p.name, res.Unsupported, src)
		}
		if res.Reachable {
			out[o.String()] = true
		}
	}
	return out, nil
}

// newMemory returns the operational model named like the axiomatic one.
func newMemory(name string) model.DataMemory {
	m, err := New(name)
	if err != nil {
		panic(err)
	}
	return m
}

// diff lists what a has and b lacks.
func diff(a, b map[string]bool) []string {
	var d []string
	for k := range a {
		if !b[k] {
			d = append(d, k)
		}
	}
	slices.Sort(d)
	return d
}
