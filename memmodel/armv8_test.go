package memmodel

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/ftcheck/ftcheck/memmodel/litmus"
	"github.com/ftcheck/ftcheck/model"
	"pgregory.net/rapid"
)

// Acquire and release accesses (arm64 LDAR, LDAPR, STLR).
func ldA(loc int) access      { return access{kind: load, loc: loc, ord: model.Acquire} }
func ldQ(loc int) access      { return access{kind: load, loc: loc, ord: model.AcquirePC} }
func stL(loc, val int) access { return access{kind: store, loc: loc, val: val, ord: model.Release} }

// directFinals runs the program on the memory model itself, without the
// machine: every interleaving of the threads' accesses and the model's
// internal steps, every load choice. The RV64 machine (finalsOf) has no
// acquire or release accesses; this runner does, through
// model.OrderedMemory. Outcomes are named as finalsOf names them.
func (p *program) directFinals(t interface{ Fatalf(string, ...any) }, mem model.DataMemory) map[string]bool {
	ordered, _ := mem.(model.OrderedMemory)
	_, isSC := mem.(*SC)
	promising, _ := mem.(model.PromisingMemory)
	// steps calls f for every step thread th can take from s (its next
	// access, every outcome, then the memory steps of its buffered
	// stores), uncertified.
	steps := func(s *dstate, th int, f func(c *dstate)) {
		code := p.threads[th]
		if s.pc[th] < len(code) {
			a := code[s.pc[th]]
			if a.ord != model.Plain && ordered == nil && !isSC {
				t.Fatalf("%s: %s has no %v accesses", p.name, mem.Name(), a.ord)
			}
			ord := a.ord
			if ordered == nil {
				ord = model.Plain // SC orders everything already
			}
			n := 1
			if a.kind == load {
				if ord == model.Plain {
					n = max(s.mem.Loads(th, locAddr(a.loc), 4), 1)
				} else {
					n = max(s.mem.(model.OrderedMemory).LoadsOrdered(th, locAddr(a.loc), 4, ord), 1)
				}
			}
			for choice := 0; choice < n; choice++ {
				c := s.clone()
				switch {
				case a.kind == load && ord == model.Plain:
					c.vals[th] = append(c.vals[th], c.mem.Load(th, locAddr(a.loc), 4, choice))
				case a.kind == load:
					v, _ := c.mem.(model.OrderedMemory).LoadOrdered(th, locAddr(a.loc), 4, choice, ord)
					c.vals[th] = append(c.vals[th], v)
				case a.kind == store && ord == model.Plain:
					c.mem.Store(th, locAddr(a.loc), 4, uint64(a.val))
				case a.kind == store:
					c.mem.(model.OrderedMemory).StoreOrdered(th, locAddr(a.loc), 4, uint64(a.val), ord)
				default:
					c.mem.Fence(th, a.fenceKind())
				}
				c.pc[th]++
				f(c)
			}
		}
		for j := 0; j < s.mem.InternalOf(th); j++ {
			c := s.clone()
			c.mem.DoInternal(th, j)
			f(c)
		}
	}
	// certified: thread th, running alone from s, can fulfil every
	// promise it made (model/promise.go, for the machine).
	certified := func(s *dstate, th int) bool {
		if promising == nil || s.mem.(model.PromisingMemory).Promised(th) == 0 {
			return true
		}
		seen := map[string]bool{}
		var run func(s *dstate) bool
		run = func(s *dstate) bool {
			if s.mem.(model.PromisingMemory).Promised(th) == 0 {
				return true
			}
			if k := s.key(); seen[k] {
				return false
			} else {
				seen[k] = true
			}
			found := false
			steps(s, th, func(c *dstate) {
				found = found || run(c)
			})
			return found
		}
		return run(s)
	}
	out := map[string]bool{}
	seen := map[string]bool{}
	var walk func(s *dstate)
	walk = func(s *dstate) {
		k := s.key()
		if seen[k] {
			return
		}
		seen[k] = true
		if len(seen) > 500000 {
			t.Fatalf("%s: more than 500000 states", p.name)
		}
		done := true
		for th, code := range p.threads {
			done = done && s.pc[th] == len(code)
			steps(s, th, func(c *dstate) {
				if certified(c, th) {
					walk(c)
				}
			})
			if promising == nil {
				continue
			}
			// Promises: each store of the thread after a load of its
			// own that has not read yet.
			var promised []access
			loaded := false
			for _, a := range code[s.pc[th]:] {
				switch {
				case a.kind == load:
					loaded = true
				case a.kind == store && loaded && !slices.Contains(promised, a):
					promised = append(promised, a)
					c := s.clone()
					c.mem.(model.PromisingMemory).Promise(th, locAddr(a.loc), 4, uint64(a.val))
					if certified(c, th) {
						walk(c)
					}
				}
			}
		}
		if !done || s.mem.Internal() > 0 {
			return
		}
		for th := range p.threads {
			if promising != nil && s.mem.(model.PromisingMemory).Promised(th) > 0 {
				t.Fatalf("%s: thread %d ended with a promise unfulfilled", p.name, th)
			}
		}
		var o outcome
		for h := range p.threads {
			for k, v := range s.vals[h] {
				o = append(o, fmt.Sprintf("%d:x%d=%d", h, loadReg(k), int64(v)))
			}
		}
		for _, l := range p.locsUsed() {
			o = append(o, fmt.Sprintf("%s=%d", locNames[l], latest(s.mem, locAddr(l), 4)))
		}
		out[o.String()] = true
	}
	walk(&dstate{mem: mem, pc: make([]int, len(p.threads)), vals: make([][]uint64, len(p.threads))})
	return out
}

// dstate is a state of directFinals: the memory, each thread's next
// access and the values its loads returned.
type dstate struct {
	mem  model.DataMemory
	pc   []int
	vals [][]uint64 // by thread, the loads' values so far
}

func (s *dstate) key() string {
	b := s.mem.AppendKey(nil)
	b = fmt.Appendf(b, "|%v|%v", s.pc, s.vals)
	return string(b)
}

func (s *dstate) clone() *dstate {
	c := &dstate{mem: s.mem.Clone(), pc: slices.Clone(s.pc), vals: make([][]uint64, len(s.vals))}
	for i := range s.vals {
		c.vals[i] = slices.Clone(s.vals[i])
	}
	return c
}

// aarch64Text writes the program as a herd AArch64 test whose condition
// is the outcome o: LDR/LDAR/LDAPR Wn, STR/STLR Wn, and each fence as the
// barriers the armv8 model gives it (armBarrierOf).
func (p *program) aarch64Text(o outcome) string {
	var b strings.Builder
	fmt.Fprintf(&b, "AArch64 %s\n{\n", p.name)
	for h := range p.threads {
		for _, l := range p.locsUsed() {
			fmt.Fprintf(&b, "%d:X%d=%s; ", h, 10+l, locNames[l])
		}
		for v := 1; v <= 4; v++ {
			fmt.Fprintf(&b, "%d:X%d=%d; ", h, 19+v, v)
		}
		b.WriteString("\n")
	}
	b.WriteString("}\n")
	cols := make([][]string, len(p.threads))
	labels := 0
	for h, th := range p.threads {
		k := 0
		for _, a := range th {
			switch a.kind {
			case load:
				mn := map[model.Ordering]string{model.Plain: "LDR", model.Acquire: "LDAR", model.AcquirePC: "LDAPR"}[a.ord]
				cols[h] = append(cols[h], fmt.Sprintf("%s W%d,[X%d]", mn, loadReg(k), 10+a.loc))
				k++
			case branch:
				cols[h] = append(cols[h], fmt.Sprintf("CBNZ W%d,LC%02d", loadReg(k-1), labels), fmt.Sprintf("LC%02d:", labels))
				labels++
			case store:
				mn := map[model.Ordering]string{model.Plain: "STR", model.Release: "STLR"}[a.ord]
				src := 19 + a.val
				if a.data {
					src = loadReg(k - 1)
				}
				cols[h] = append(cols[h], fmt.Sprintf("%s W%d,[X%d]", mn, src, 10+a.loc))
			case fence:
				if f := armBarrierOf(a.fenceKind()); f != (armBarrier{}) {
					cols[h] = append(cols[h], strings.Split(f.String(), "; ")...)
				}
			}
		}
	}
	writeColumns(&b, cols)
	var conj []string
	for _, c := range o {
		conj = append(conj, strings.Replace(c, ":x", ":X", 1))
	}
	fmt.Fprintf(&b, "exists (%s)\n", strings.Join(conj, " /\\ "))
	return b.String()
}

// axiomaticARMv8 returns the outcomes aarch64.cat allows (package
// axiomatic through the litmus runner).
func (p *program) axiomaticARMv8() (map[string]bool, error) {
	out := map[string]bool{}
	for _, o := range p.candidates() {
		src := p.aarch64Text(o)
		t, err := litmus.Parse(p.name+".litmus", []byte(src))
		if err != nil {
			return nil, fmt.Errorf("%v\n%s", err, src)
		}
		res := litmus.Run(t, litmus.Options{Model: "armv8"})
		if res.Unsupported != "" {
			return nil, fmt.Errorf("%s: unsupported: %s\n%s", p.name, res.Unsupported, src)
		}
		if res.Reachable {
			out[o.String()] = true
		}
	}
	return out, nil
}

func (p *program) plain() bool {
	for _, th := range p.threads {
		for _, a := range th {
			if a.ord != model.Plain {
				return false
			}
		}
	}
	return true
}

// armShapes are litmus shapes that need Armv8's own accesses.
var armShapes = []program{
	{"MP+rel+acq", [][]access{{st(0, 1), stL(1, 1)}, {ldA(1), ld(0)}}},
	{"MP+rel+acqpc", [][]access{{st(0, 1), stL(1, 1)}, {ldQ(1), ld(0)}}},
	{"MP+rel+po", [][]access{{st(0, 1), stL(1, 1)}, {ld(1), ld(0)}}},
	{"MP+po+acq", [][]access{{st(0, 1), st(1, 1)}, {ldA(1), ld(0)}}},
	{"SB+rel+acqs", [][]access{{stL(0, 1), ldA(1)}, {stL(1, 1), ldA(0)}}},
	{"SB+rel+acqpcs", [][]access{{stL(0, 1), ldQ(1)}, {stL(1, 1), ldQ(0)}}},
	{"SB+rel+pos", [][]access{{stL(0, 1), ld(1)}, {stL(1, 1), ld(0)}}},
	{"LB+acqs", [][]access{{ldA(0), st(1, 1)}, {ldA(1), st(0, 1)}}},
	{"LB+rels", [][]access{{ld(0), stL(1, 1)}, {ld(1), stL(0, 1)}}},
	{"LB+dmb.ld+po", [][]access{{ld(0), fn(r, rw), st(1, 1)}, {ld(1), st(0, 1)}}},
	{"S+dmb.st+acq", [][]access{{st(0, 2), fn(w, w), st(1, 1)}, {ldA(1), st(0, 1)}}},
	{"WRC+rel+acq", [][]access{{st(0, 1)}, {ld(0), stL(1, 1)}, {ldA(1), ld(0)}}},
	{"WRC+rel+dmb.ld", [][]access{{st(0, 1)}, {ld(0), stL(1, 1)}, {ld(1), fn(r, rw), ld(0)}}},
	{"ISA2+rel+acq+acq", [][]access{{st(0, 1), stL(1, 1)}, {ldA(1), st(2, 1)}, {ldA(2), ld(0)}}},
	{"R+rel+acq", [][]access{{st(0, 1), stL(1, 1)}, {stL(1, 2), ldA(0)}}},
	{"MP+rfi-rel+acq", [][]access{{st(0, 1), stL(1, 1), ldA(1), ld(0)}, {st(0, 2)}}},
	{"2+2W+rels", [][]access{{st(0, 1), stL(1, 2)}, {st(1, 1), stL(0, 2)}}},
	{"MP+dmb.st+dmb.ld", [][]access{{st(0, 1), fn(w, w), st(1, 1)}, {ld(1), fn(r, rw), ld(0)}}},
	{"SB+dmbs", [][]access{{st(0, 1), fn(rw, rw), ld(1)}, {st(1, 1), fn(rw, rw), ld(0)}}},
	{"MP+rel+acq-plain-store", [][]access{{st(0, 1), stL(1, 1), st(2, 1)}, {ldA(2), ld(0)}}},
	{"IRIW+acqs", [][]access{{st(0, 1)}, {st(1, 1)}, {ldA(0), ldA(1)}, {ldA(1), ldA(0)}}},
	{"IRIW+acqpcs", [][]access{{st(0, 1)}, {st(1, 1)}, {ldQ(0), ldQ(1)}, {ldQ(1), ldQ(0)}}},
	{"IRIW+dmb.lds", [][]access{{st(0, 1)}, {st(1, 1)}, {ld(0), fn(r, rw), ld(1)}, {ld(1), fn(r, rw), ld(0)}}},
	{"CoRR+acq", [][]access{{st(0, 1)}, {ldA(0), ld(0)}}},
	{"SB+rel-po-acq", [][]access{{stL(0, 1), st(2, 1), ldA(1)}, {st(1, 1), fn(rw, rw), ld(0)}}},
}

// The armv8 model against aarch64.cat on the classic shapes (their
// fences become DMBs) and on shapes with LDAR, LDAPR and STLR: exactly
// the outcomes aarch64.cat allows. On the plain shapes the machine (RV64
// words, the same abstract program) and the direct runner agree.
func TestARMv8ShapesAgreeWithAxiomaticModel(t *testing.T) {
	shapes := append(slices.Clone(classic), armShapes...)
	agree := 0
	for i := range shapes {
		p := &shapes[i]
		op := p.directFinals(t, NewARMv8())
		if p.plain() {
			mach, err := p.finalsOf(NewARMv8())
			if err != nil {
				t.Fatal(err)
			}
			if d1, d2 := diff(op, mach), diff(mach, op); len(d1)+len(d2) > 0 {
				t.Errorf("%s: direct only %v; machine only %v", p.name, d1, d2)
			}
		}
		ax, err := p.axiomaticARMv8()
		if err != nil {
			t.Fatal(err)
		}
		extra, missing := diff(op, ax), diff(ax, op)
		if len(extra)+len(missing) == 0 {
			agree++
		} else {
			t.Errorf("%s: operational only %v; axiomatic only %v\n%s", p.name, extra, missing, p.aarch64Text(nil))
		}
	}
	t.Logf("armv8: %d/%d shapes have exactly the aarch64.cat outcomes", agree, len(shapes))
}

// genARMProgram is genProgram with Armv8 accesses: a load may be LDAR or
// LDAPR, a store STLR.
func genARMProgram(t *rapid.T) *program {
	p := genProgram(t)
	for th := range p.threads {
		for i := range p.threads[th] {
			a := &p.threads[th][i]
			switch a.kind {
			case load:
				a.ord = rapid.SampledFrom([]model.Ordering{model.Plain, model.Plain, model.Acquire, model.AcquirePC}).Draw(t, "load-ord")
			case store:
				a.ord = rapid.SampledFrom([]model.Ordering{model.Plain, model.Plain, model.Release}).Draw(t, "store-ord")
			}
		}
	}
	return p
}

// genARMProgram3 draws 3 threads of 1-2 accesses over x and y (WRC- and
// ISA2-like cycles), each access plain or Armv8's own, with an optional
// barrier between two accesses.
func genARMProgram3(t *rapid.T) *program {
	p := &program{name: "rand3"}
	next := map[int]int{}
	for th := 0; th < 3; th++ {
		n := rapid.IntRange(1, 2).Draw(t, fmt.Sprintf("len%d", th))
		var code []access
		for i := 0; i < n; i++ {
			if i > 0 && rapid.IntRange(0, 2).Draw(t, "barrier?") == 0 {
				code = append(code, access{kind: fence, fence: rapid.SampledFrom([]uint8{rw<<4 | rw, r<<4 | rw, w<<4 | w}).Draw(t, "dmb")})
			}
			loc := rapid.IntRange(0, 1).Draw(t, "loc")
			if rapid.Bool().Draw(t, "store?") && next[loc] < 4 {
				next[loc]++
				a := st(loc, next[loc])
				a.ord = rapid.SampledFrom([]model.Ordering{model.Plain, model.Release}).Draw(t, "store-ord")
				code = append(code, a)
			} else {
				a := ld(loc)
				a.ord = rapid.SampledFrom([]model.Ordering{model.Plain, model.Acquire, model.AcquirePC}).Draw(t, "load-ord")
				code = append(code, a)
			}
		}
		p.threads = append(p.threads, code)
	}
	return p
}

// Random programs: every SC outcome is an armv8 outcome; armv8 outcomes
// are exactly the aarch64.cat outcomes; on plain programs the machine and
// the direct runner agree.
func TestARMv8RandomProgramsAgreeWithAxiomaticModel(tt *testing.T) {
	programs, exact, axOut, opOut := 0, 0, 0, 0
	defer func() {
		tt.Logf("armv8: %d random programs, %d with exactly the aarch64.cat outcomes; %d of %d axiomatic outcomes produced", programs, exact, opOut, axOut)
	}()
	rapid.Check(tt, func(t *rapid.T) {
		var p *program
		if rapid.IntRange(0, 3).Draw(t, "three threads?") == 0 {
			p = genARMProgram3(t)
		} else {
			p = genARMProgram(t)
		}
		programs++
		op := p.directFinals(t, NewARMv8())
		if p.plain() {
			mach, err := p.finalsOf(NewARMv8())
			if err != nil {
				t.Fatal(err)
			}
			if d1, d2 := diff(op, mach), diff(mach, op); len(d1)+len(d2) > 0 {
				t.Fatalf("direct only %v; machine only %v\n%s", d1, d2, p.aarch64Text(nil))
			}
		}
		if d := diff(p.directFinals(t, NewSC()), op); len(d) > 0 {
			t.Fatalf("SC outcomes %v not allowed by armv8\n%s", d, p.aarch64Text(nil))
		}
		ax, err := p.axiomaticARMv8()
		if err != nil {
			t.Fatal(err)
		}
		extra, missing := diff(op, ax), diff(ax, op)
		axOut += len(ax)
		opOut += len(ax) - len(missing)
		if len(extra) > 0 {
			t.Fatalf("armv8 allows what aarch64.cat forbids: %v\n%s", extra, p.aarch64Text(nil))
		}
		if len(missing) > 0 {
			t.Fatalf("armv8 misses aarch64.cat outcomes %v\n%s", missing, p.aarch64Text(nil))
		}
		exact++
	})
}

func TestARMv8Barriers(t *testing.T) {
	full, ld, st, ldst := armBarrier{full: true}, armBarrier{ld: true}, armBarrier{st: true}, armBarrier{ld: true, st: true}
	for _, c := range []struct {
		k    model.FenceKind
		want armBarrier
	}{
		{model.FenceRWRW, full},
		{model.FenceKind{Pred: rw, Succ: rw}, full},
		{model.FenceKind{Pred: r, Succ: rw}, ld}, // DMB ISHLD orders loads before loads and stores
		{model.FenceRR, ld},
		{model.FenceKind{Pred: r, Succ: w}, ld},
		{model.FenceWW, st},
		{model.FenceKind{Pred: w, Succ: r}, full},
		{model.FenceKind{Pred: rw, Succ: w}, ldst},
		{model.FenceKind{Pred: rw, Succ: rw, TSO: true}, ldst},
		{model.FenceWO, full}, // dsb(ishst) before the GIC IPI
		{model.FenceKind{Pred: w, Succ: model.FenceI}, full},
	} {
		if got := armBarrierOf(c.k); got != c.want {
			t.Errorf("%v: got %v, want %v", c.k, got, c.want)
		}
	}
}

// The DSB before an IPI (a fence w,o) makes every buffered store visible
// in that step; DMB ISHST and ISHLD commit nothing.
func TestARMv8FenceWODrainsBeforeIPI(t *testing.T) {
	m := NewARMv8()
	m.Store(2, 0x100, 4, 1)
	m.Store(2, 0x200, 4, 2)
	for _, k := range []model.FenceKind{model.FenceWW, {Pred: r, Succ: rw}} {
		if !m.FenceIsLocal(2, k) || m.Fence(2, k) != nil {
			t.Fatalf("%v commits nothing", k)
		}
	}
	if m.FenceIsLocal(2, model.FenceWO) {
		t.Fatal("the DSB publishes stores: not local")
	}
	if cs := m.Fence(2, model.FenceWO); len(cs) != 2 || m.Internal() != 0 {
		t.Fatalf("fence w,o commits the whole buffer: %v", cs)
	}
	if m.Loads(0, 0x100, 4) != 2 {
		t.Fatal("another CPU may read x old or new (no view of its own yet)")
	}
}

// STLR waits behind older stores; LDAR makes earlier STLRs visible before
// it reads, and reads at or after them; LDAPR does not wait for them.
func TestARMv8ReleaseAndAcquire(t *testing.T) {
	const x, y, z = 0x100, 0x200, 0x300
	m := NewARMv8()
	m.Store(0, x, 4, 1)
	m.StoreOrdered(0, y, 4, 1, model.Release)
	m.Store(0, z, 4, 1)
	if m.Internal() != 2 {
		t.Fatalf("x and z may drain, the release waits for x: %d steps", m.Internal())
	}
	pc := m.Clone().(*ARMv8)
	if _, cs := pc.LoadOrdered(0, z, 4, 0, model.AcquirePC); cs != nil {
		t.Fatalf("LDAPR publishes nothing: %v", cs)
	}
	if n := m.LoadsOrdered(0, 0x400, 4, model.Acquire); n != 1 {
		t.Fatalf("one value at an untouched location: %d", n)
	}
	_, cs := m.LoadOrdered(0, 0x400, 4, 0, model.Acquire)
	if len(cs) != 2 || cs[0].Addr != x || cs[1].Addr != y {
		t.Fatalf("LDAR publishes x then the release y, not the later z: %v", cs)
	}
	if m.Internal() != 1 || m.peekArm(0).vRel != 2 {
		t.Fatalf("z still buffered, vRel at y's timestamp: %d steps, vRel %d", m.Internal(), m.peekArm(0).vRel)
	}
	// Another CPU: LDAR of y reading the release, then x is new.
	if n := m.LoadsOrdered(1, y, 4, model.Acquire); n != 2 {
		t.Fatalf("y may be read old or new: %d", n)
	}
	if v, _ := m.LoadOrdered(1, y, 4, 1, model.Acquire); v != 1 {
		t.Fatalf("choice 1 is the release: %d", v)
	}
	if m.Loads(1, x, 4) != 1 || m.Load(1, x, 4, 0) != 1 {
		t.Fatal("after LDAR read the release, x=1 is the only value (MP+rel+acq)")
	}
	// A plain load of y does not order the later load of x.
	q := NewARMv8()
	q.Store(0, x, 4, 1)
	q.StoreOrdered(0, y, 4, 1, model.Release)
	q.DoInternal(0, 0)
	q.DoInternal(0, 0)
	q.Load(1, y, 4, 1)
	if q.Loads(1, x, 4) != 2 {
		t.Fatal("after a plain load, x may still be read old")
	}
}

func TestARMv8KeysClonesAndPermutation(t *testing.T) {
	a := NewARMv8()
	a.Store(1, 0x100, 4, 1)
	a.StoreOrdered(1, 0x200, 4, 2, model.Release)
	b := a.Clone().(*ARMv8)
	b.DoInternal(1, 0)
	b.DoInternal(1, 0)
	if a.Internal() != 1 || a.Latest(0x100, 4) != 0 || len(a.peekArm(1).rel) != 1 {
		t.Fatal("clone shares state")
	}
	if b.peekArm(1).vRel != 2 || len(b.peekArm(1).rel) != 0 {
		t.Fatalf("draining the release records its timestamp: %+v", *b.peekArm(1))
	}
	// The same state built for agent 0, then renumbered 0<->1.
	c := NewARMv8()
	c.Store(0, 0x100, 4, 1)
	c.StoreOrdered(0, 0x200, 4, 2, model.Release)
	if string(a.AppendKey(nil)) == string(c.AppendKey(nil)) {
		t.Fatal("agents' states are told apart")
	}
	if string(a.AppendAgentKey(1, nil)) != string(c.AppendAgentKey(0, nil)) {
		t.Fatal("the agent key is the agent's state alone")
	}
	c.PermuteAgents([]int{1, 0})
	if string(a.AppendKey(nil)) != string(c.AppendKey(nil)) {
		t.Fatal("renumbered state differs")
	}
	// Release state alone (buffer empty) still renumbers.
	b2 := NewARMv8()
	b2.StoreOrdered(0, 0x200, 4, 2, model.Release)
	b2.DoInternal(0, 0)
	b2.PermuteAgents([]int{2, 0, 1})
	if b2.peekArm(2).vRel != 1 || b2.peekArm(0).vRel != 0 {
		t.Fatal("vRel moves with its agent")
	}
	d := NewARMv8()
	d.Load(3, 0x100, 4, 0)
	d.LoadOrdered(3, 0x100, 4, 0, model.Acquire)
	if string(d.AppendKey(nil)) != string(NewARMv8().AppendKey(nil)) {
		t.Fatal("loads of the initial value changed the key")
	}
}

// Explore (with reduction and symmetry) runs every classic shape to
// completion under armv8.
func TestARMv8ShapesExploreSafely(t *testing.T) {
	for i := range classic {
		s := classic[i].system(NewARMv8())
		r := model.Explore(context.Background(), s, model.Options{})
		if r.Outcome != model.Safe {
			t.Fatalf("%s: %v %s", classic[i].name, r.Outcome, r.Why)
		}
	}
}
