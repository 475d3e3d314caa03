package litmus

import (
	"sort"
	"strings"
)

// This file renders a result in herd7's own log format, so that herd's
// tools (mcompare7, msum7) and scripts written for herd logs can compare
// ftcheck with herd7 line by line:
//
//	Test MP Allowed
//	States 3
//	1:X0=0; 1:X2=0;
//	...
//	Ok
//	Witnesses
//	Positive: 1 Negative: 3
//	Condition exists (1:X0=1 /\ 1:X2=0)
//	Observation MP Sometimes 1 3
//	Time MP 0.00
//
// herd's Hash= line is left out: it is an MD5 of herd's own printing of
// the test, which ftcheck does not reproduce. msum7 and mcompare7 only
// use it to tell two versions of a test apart.

// stateLine prints the observed places of one final state in herd's
// order, and returns their values for sorting.
func (t *Test) stateLine(st *finalState) (string, []string) {
	obs := t.observed
	var b strings.Builder
	vals := make([]string, len(obs))
	for i, o := range obs {
		var v int64
		switch {
		case o.thread >= 0:
			if regs := st.regs[o.thread]; o.reg < len(regs) {
				v = regs[o.reg]
			}
		case o.addr != 0:
			v = st.mem(o.addr, o.size)
		}
		vals[i] = t.herdValue(v)
		b.WriteString(o.name)
		b.WriteByte('=')
		b.WriteString(vals[i])
		b.WriteString("; ")
	}
	return strings.TrimSuffix(b.String(), " "), vals
}

// sortObserved puts t.observed in herd's order: registers by thread and
// register, then locations by name.
func (t *Test) sortObserved() {
	sort.SliceStable(t.observed, func(i, j int) bool { return t.observed[i].sortKey < t.observed[j].sortKey })
}

// herdValue prints a final value as herd does: a location's address by
// the location's name, anything else in decimal. (A register holding
// the number that happens to be an address prints as the name too.)
func (t *Test) herdValue(v int64) string {
	if name, ok := t.locationAt(v); ok {
		return name
	}
	return sprintf("%d", v)
}

// sortStates orders state lines as herd does: by the values of the
// observed places in turn, numbers numerically.
func sortStates(states map[string][]string) []string {
	if states == nil {
		return nil
	}
	type state struct {
		line string
		vals []string
	}
	all := make([]state, 0, len(states))
	for l, v := range states {
		all = append(all, state{l, v})
	}
	sort.Slice(all, func(i, j int) bool {
		a, b := all[i].vals, all[j].vals
		for k := range a {
			if a[k] == b[k] {
				continue
			}
			x, xok := parseInt(a[k])
			y, yok := parseInt(b[k])
			if xok && yok {
				return x < y
			}
			return a[k] < b[k]
		}
		return false
	})
	out := make([]string, len(all))
	for i, s := range all {
		out[i] = s.line
	}
	return out
}

// HerdKind is the kind herd prints after the test name, which comes from
// the quantifier, not from the result: exists is Allowed, ~exists
// Forbidden, forall Required.
func (t *Test) HerdKind() string {
	return [...]string{Exists: "Allowed", NotExists: "Forbidden", Forall: "Required"}[t.Cond.Quant]
}

// HerdCondition prints the final condition as herd does (its ConstrGen
// printer): `exists (p)` with atoms as `0:X0=1` and `[x]=1`, `/\` and
// `\/` parenthesised only under another operator, negation as
// `not (p)`.
func (t *Test) HerdCondition() string {
	return t.Cond.Quant.String() + " (" + t.Cond.Prop.herd(opTop) + ")"
}

type herdOp uint8

const (
	opTop herdOp = iota
	opAnd
	opOr
	opImplies
)

// herdParen is herd's is_paren: whether an operator printed under
// another needs parentheses.
func herdParen(above, here herdOp) bool {
	switch above {
	case opTop:
		return false
	case opImplies:
		return here != opImplies
	case opAnd:
		return here != opAnd
	}
	return here == opImplies // above is opOr
}

func (p Prop) herd(above herdOp) string {
	join := func(here herdOp, sep string) string {
		parts := make([]string, len(p.kids))
		for i, k := range p.kids {
			parts[i] = k.herd(here)
		}
		s := strings.Join(parts, sep)
		if herdParen(above, here) {
			s = "(" + s + ")"
		}
		return s
	}
	switch p.op {
	case propTrue:
		return "true"
	case propAtom:
		if p.atom.shown != "" {
			return p.atom.shown
		}
		return "?"
	case propNot:
		if p.kids[0].op == propTrue {
			return "false" // how `false` is parsed
		}
		return "not (" + p.kids[0].herd(opTop) + ")"
	case propAnd:
		return join(opAnd, ` /\ `)
	case propOr:
		return join(opOr, ` \/ `)
	case propImplies:
		s := p.kids[0].herd(opImplies) + " => " + p.kids[1].herd(opImplies)
		if herdParen(above, opImplies) {
			s = "(" + s + ")"
		}
		return s
	}
	return "?"
}

// HerdLog renders r, the result of checking t with Options.States set,
// as herd7 prints a test, ending with the empty line herd puts between
// tests. It is meaningless for a result that is unsupported or timed out.
func HerdLog(t *Test, r Result) string {
	var b strings.Builder
	pf := func(format string, args ...any) { b.WriteString(sprintf(format, args...)) }
	pf("Test %s %s\n", t.Name, t.HerdKind())
	pf("States %d\n", len(r.States))
	for _, s := range r.States {
		pf("%s\n", s)
	}
	pf("%s\n", r.Verdict)
	// Witnesses count executions for the condition as written; the
	// Observation counts those satisfying the proposition.
	pos, neg := r.Positive, r.Consistent-r.Positive
	if t.Cond.Quant == NotExists {
		pos, neg = neg, pos
	}
	pf("Witnesses\nPositive: %d Negative: %d\n", pos, neg)
	pf("Condition %s\n", t.HerdCondition())
	obs := "Sometimes"
	switch {
	case r.Positive == 0:
		obs = "Never"
	case r.Positive == r.Consistent:
		obs = "Always"
	}
	pf("Observation %s %s %d %d\n", t.Name, obs, r.Positive, r.Consistent-r.Positive)
	pf("Time %s %.2f\n\n", t.Name, r.Duration.Seconds())
	return b.String()
}
