package scenario

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"
)

// limitBody completes a scenario after its declarations: one hart, a
// data word x, and what follows (a final condition).
const limitBody = "[text 0x1000]\nf: nop\n ebreak\n[data 0x8000]\nx: .dword K\n[init]\npc = f\n"

// limitFile is a scenario whose .equ K line is equ and whose final
// condition is cond. The condition is on line 10.
func limitFile(equ, cond string) string {
	return "RISCV limits\n.equ K, " + equ + "\n" + limitBody + cond + "\n"
}

const condLine = 10

// measure parses and builds src, and reports the error, the time it took
// and the bytes it allocated.
func measure(t *testing.T, src string) (error, time.Duration, uint64) {
	t.Helper()
	type result struct {
		err   error
		took  time.Duration
		alloc uint64
	}
	done := make(chan result, 1)
	go func() {
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		t0 := time.Now()
		err := buildErr(src)
		took := time.Since(t0)
		runtime.ReadMemStats(&m1)
		done <- result{err, took, m1.TotalAlloc - m0.TotalAlloc}
	}()
	select {
	case r := <-done:
		return r.err, r.took, r.alloc
	case <-time.After(20 * time.Second):
		t.Fatalf("no answer after 20s")
	}
	return nil, 0, 0
}

// Input built to exhaust the parsers (deep nesting, long chains, huge
// lines) is refused at the place it goes too far, at once and in little
// memory; the nesting is what real files never do.
func TestDeepInputIsRefusedAtItsPosition(t *testing.T) {
	const over = maxDepth + 1
	rep := strings.Repeat
	// chain returns 1 op 1 op 1 ... with n operators, and the column
	// (within it) of the operator number k (1-based).
	chainCol := func(op string, k int) int { return 1 + (k-1)*len(op) + k }
	cases := []struct {
		name string
		src  string
		want string
	}{
		// 520,000 nested parentheses fill the 1 MiB a file may have.
		{"a megabyte of parentheses in the condition",
			limitFile("1", "exists "+rep("(", 520000)+"x=1"+rep(")", 520000)),
			// exists is token 1: the 4096th ( is the first too many.
			fmt.Sprintf("t.scenario:%d:%d: more than %d tokens on a line", condLine, len("exists ")+maxTokens, maxTokens)},
		{"a megabyte of parentheses in an expression",
			limitFile(rep("(", 520000)+"1"+rep(")", 520000), "exists (x=1)"),
			// .equ K , are three tokens: the 4094th ( is one too many.
			fmt.Sprintf("t.scenario:2:%d: more than %d tokens on a line", len(".equ K, ")+maxTokens-2, maxTokens)},
		// In an instruction's operand, before the bounds, it took 3 s and
		// 946 MB (docs/reliability.md).
		{"a megabyte of parentheses in an instruction's operand",
			strings.Replace(limitFile("1", "exists (x=1)"), "f: nop", "f: li a0, "+rep("(", 520000)+"1"+rep(")", 520000), 1),
			// f : li a0 , are five tokens: the 4092nd ( is one too many.
			fmt.Sprintf("t.scenario:4:%d: more than %d tokens on a line", len("f: li a0, ")+maxTokens-4, maxTokens)},
		{"a condition spread over many lines",
			limitFile("1", "exists (x=1"+rep("\n/\\ x=1", maxTokens/4)+")"),
			// 5 tokens on the first line, 4 on each after: the 1 of the
			// 1023rd line after it is token 4097.
			fmt.Sprintf("t.scenario:%d:6: the final condition has more than %d tokens", condLine+(maxTokens-5)/4+1, maxTokens)},
		{"parentheses in the condition",
			limitFile("1", "exists "+rep("(", over)+"x=1"+rep(")", over)),
			fmt.Sprintf("t.scenario:%d:%d: condition nested too deep: more than %d levels", condLine, len("exists ")+maxDepth+1, maxDepth)},
		{"~ in the condition",
			limitFile("1", "exists "+rep("~", over)+"x=1"),
			fmt.Sprintf("t.scenario:%d:%d: condition nested too deep", condLine, len("exists ")+maxDepth+1)},
		{"a chain of /\\",
			limitFile("1", "exists x=1"+rep(` /\ x=1`, over)),
			// x=1 /\ x=1 ...: the 200th /\ makes a tree 201 deep.
			fmt.Sprintf("t.scenario:%d:%d: condition nested too deep", condLine, len("exists x=1 ")+1+(maxDepth-1)*len(` /\ x=1`))},
		{"parentheses in an expression",
			limitFile(rep("(", over)+"1"+rep(")", over), "exists (x=1)"),
			fmt.Sprintf("t.scenario:2:%d: expression nested too deep: more than %d levels", len(".equ K, ")+maxDepth+1, maxDepth)},
		{"unary minus",
			limitFile(rep("-", over)+"1", "exists (x=1)"),
			fmt.Sprintf("t.scenario:2:%d: expression nested too deep", len(".equ K, ")+maxDepth+1)},
		{"%hi of %hi",
			limitFile(rep("%hi(", over)+"1"+rep(")", over), "exists (x=1)"),
			fmt.Sprintf("t.scenario:2:%d: expression nested too deep", len(".equ K, ")+maxDepth*len("%hi(")+1)},
		{"a chain of +",
			limitFile("1"+rep("+1", over), "exists (x=1)"),
			fmt.Sprintf("t.scenario:2:%d: expression nested too deep", len(".equ K, ")+chainCol("+", maxDepth))},
	}
	for _, c := range cases {
		err, took, alloc := measure(t, c.src)
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%s:\n got  %v\n want %s", c.name, err, c.want)
		}
		// Before the bounds, the megabyte of parentheses took seconds and
		// hundreds of megabytes, the chains quadratic time.
		if took > 2*time.Second || alloc > 32<<20 {
			t.Errorf("%s: %v and %d MB to refuse %d bytes", c.name, took, alloc>>20, len(c.src))
		}
	}
}

// Nesting just inside the bound is accepted: the bound refuses what is
// pathological, not what is merely deep.
func TestNestingWithinTheBoundBuilds(t *testing.T) {
	rep := strings.Repeat
	const d = maxDepth - 1
	for _, src := range []string{
		limitFile(rep("(", d)+"1"+rep(")", d), "exists "+rep("(", d)+"x=1"+rep(")", d)),
		limitFile("1"+rep("+1", d), "exists x=1"+rep(` \/ x=1`, d-1)),
	} {
		if err := buildErr(src); err != nil {
			t.Errorf("%v", err)
		}
	}
}

// Nested .rept blocks are matched in one pass and bounded in depth: 90,000
// nested blocks took 93 s when each level scanned the rest of the section
// for its .endr.
func TestNestedReptIsBounded(t *testing.T) {
	file := func(n int) string {
		return "RISCV rept\n.equ K, 0\n[text 0x1000]\nf: nop\n" + strings.Repeat(".rept 1\n", n) + "nop\n" + strings.Repeat(".endr\n", n) +
			"ebreak\n[data 0x8000]\nx: .dword K\n[init]\npc = f\nexists (x=1)\n"
	}
	if err := buildErr(file(maxDepth)); err != nil {
		t.Fatalf("%d nested .rept: %v", maxDepth, err)
	}
	for _, n := range []int{maxDepth + 1, 60000} {
		err, took, _ := measure(t, file(n))
		// The first .rept is on line 5: the one too deep is maxDepth after it.
		want := fmt.Sprintf("t.scenario:%d:1: .rept nested more than %d deep", 5+maxDepth, maxDepth)
		if err == nil || err.Error() != want {
			t.Errorf("%d nested .rept: got %v, want %s", n, err, want)
		}
		if took > 2*time.Second {
			t.Errorf("%d nested .rept: %v", n, took)
		}
	}
}

// A .equ used several times is evaluated once: sixty definitions each
// using the one before three times meant 3^60 evaluations.
func TestEquValuesAreEvaluatedOnce(t *testing.T) {
	var b strings.Builder
	b.WriteString("RISCV equ\n.equ a0, 7\n")
	for i := 1; i <= 60; i++ {
		fmt.Fprintf(&b, ".equ a%d, a%d + a%d - a%d\n", i, i-1, i-1, i-1)
	}
	src := b.String() + ".equ K, a60\n" + strings.Replace(limitBody, "f: nop", "f: li a0, a60", 1) + "exists (x=7)\n"
	err, took, _ := measure(t, src)
	if err != nil || took > 2*time.Second {
		t.Fatalf("%v after %v", err, took)
	}
	f, _ := Parse("t.scenario", []byte(src))
	built, _ := f.Build(Settings{})
	if got := built.Config.Initial.Mem.Load(0, 0x8000, 8, 0); got != 7 {
		t.Fatalf("x = %d, want 7 (a60 = a59 + a59 - a59 = ... = a0)", got)
	}
}

// A chain of .equ definitions deeper than the bound is an error at the
// use that goes too deep, not a recursion as deep as the chain.
func TestEquChainIsBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("RISCV equ\n.equ a0, 1\n")
	const n = 3 * maxDepth
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, ".equ a%d, a%d\n", i, i-1)
	}
	fmt.Fprintf(&b, ".equ K, a%d\n", n)
	err, _, _ := measure(t, b.String()+limitBody+"exists (x=1)\n")
	// K is a_n's user, on line n+3; the 200th definition evaluated is
	// a_(n-199), whose use is on the line defining a_(n-198).
	want := fmt.Sprintf("t.scenario:%d:", n-maxDepth+4)
	if err == nil || !strings.HasPrefix(err.Error(), want) || !strings.HasSuffix(err.Error(), fmt.Sprintf(": .equ definitions nested more than %d deep", maxDepth)) {
		t.Fatalf("got %v, want %s...: .equ definitions nested more than %d deep", err, want, maxDepth)
	}
}

// Parameters are bounded in number and values, and duplicates are found
// without comparing each with all before it.
func TestParametersAreBounded(t *testing.T) {
	var params, values strings.Builder
	params.WriteString("RISCV p\n")
	for i := 0; i <= maxParams; i++ {
		fmt.Fprintf(&params, "param p%d = a | b\n", i)
	}
	values.WriteString("RISCV p\nparam p = v0")
	for i := 1; i <= 100000; i++ {
		fmt.Fprintf(&values, "\n | v%d", i)
	}
	for _, c := range []struct{ src, want string }{
		{params.String() + ".equ K, 1\n" + limitBody + "exists (x=1)\n", fmt.Sprintf("t.scenario:%d:1: at most %d parameters", maxParams+2, maxParams)},
		{values.String() + "\n.equ K, 1\n" + limitBody + "exists (x=1)\n", fmt.Sprintf("t.scenario:%d:4: at most %d values of p", maxValues+2, maxValues)},
	} {
		err, took, _ := measure(t, c.src)
		if err == nil || err.Error() != c.want {
			t.Errorf("got %v, want %s", err, c.want)
		}
		if took > 2*time.Second {
			t.Errorf("%v for %s", took, c.want)
		}
	}
}

// An instance of many set lines is read in linear time (a set line was
// compared with every one before it).
func TestManySetLinesAreReadFast(t *testing.T) {
	var b strings.Builder
	b.WriteString("protocol riscv-pair\n")
	for i := 0; b.Len() < maxSource-100; i++ {
		fmt.Fprintf(&b, "set p%d = 1\n", i)
	}
	b.WriteString("set p0 = 2\n")
	t0 := time.Now()
	_, err := ParseInstance("i.scenario", []byte(b.String()))
	lines := strings.Count(b.String(), "\n")
	want := fmt.Sprintf("i.scenario:%d:5: p0 is set twice (first at i.scenario:2:5)", lines)
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
	if took := time.Since(t0); took > 2*time.Second {
		t.Errorf("%d set lines took %v", lines, took)
	}
}
