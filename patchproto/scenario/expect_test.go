package scenario

import (
	"reflect"
	"strings"
	"testing"

	"github.com/ftcheck/ftcheck/model"
)

func TestExpectLinesParse(t *testing.T) {
	for _, c := range []struct {
		line string
		want Expect
	}{
		{"expect safe", Expect{Outcome: model.Safe}},
		{"expect violated", Expect{Outcome: model.Violated}},
		{"expect violated torn-pair", Expect{Outcome: model.Violated, Check: "torn-pair"}},
		{"expect violated ~exists steps 7", Expect{Outcome: model.Violated, Check: "~exists", Steps: 7}},
		{"expect violated steps 4", Expect{Outcome: model.Violated, Steps: 4}},
		{"  expect Ok", Expect{Herd: "Ok"}},
		{"expect No", Expect{Herd: "No"}},
		{"expect safe torn-pair", Expect{Outcome: model.Safe, Checks: []string{"torn-pair"}}},
		{"expect safe torn-pair, stale-fetch", Expect{Outcome: model.Safe, Checks: []string{"torn-pair", "stale-fetch"}}},
		{"expect vacuous stale-dest", Expect{Outcome: model.Vacuous, Checks: []string{"stale-dest"}}},
	} {
		l := splitLines("e.scenario", []byte(c.line))[0]
		_, off := l.trimmed()
		e, err := parseExpect(l, off)
		if err != nil {
			t.Errorf("%q: %v", c.line, err)
			continue
		}
		e.Pos = Pos{}
		if !reflect.DeepEqual(*e, c.want) {
			t.Errorf("%q: got %+v, want %+v", c.line, *e, c.want)
		}
		if back := "expect " + e.String(); back != strings.TrimSpace(c.line) {
			t.Errorf("%q prints back as %q", c.line, back)
		}
	}
}

func TestBadExpectLinesArePositioned(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"expect", "e.scenario:1:7: expect what?"},
		{"expect unsafe", "e.scenario:1:8: unknown expectation \"unsafe\""},
		{"expect violated torn-pair steps", "e.scenario:1:32: steps wants the trace's length"},
		{"expect violated torn-pair steps 0", "e.scenario:1:33: steps wants the trace's length"},
		{"expect violated torn-pair steps x", "e.scenario:1:33: steps wants"},
		{"expect safe torn-pair stale-fetch", "e.scenario:1:13: expect safe CHECK, CHECK, ...: a list of check names separated by commas"},
		{"expect vacuous torn-pair,", "e.scenario:1:16: expect vacuous CHECK, CHECK, ...: a list"},
		{"expect safe ,", "e.scenario:1:13: expect safe CHECK"},
		{"expect violated a b", "e.scenario:1:19: unexpected \"b\""},
	} {
		l := splitLines("e.scenario", []byte(c.src))[0]
		_, err := parseExpect(l, 0)
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%q: got %v, want %q...", c.src, err, c.want)
		}
	}
}

// A whole scenario takes one expect line among its declarations, never
// inside .if, and Build ignores it.
func TestExpectInAScenario(t *testing.T) {
	src := strings.Replace(minimal, "handler sync", "expect violated torn-pair steps 3\nhandler sync", 1)
	f, err := Parse("t.scenario", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if f.Expect == nil || f.Expect.String() != "violated torn-pair steps 3" || f.Expect.Pos.Line != 3 {
		t.Fatalf("expect = %+v", f.Expect)
	}
	if _, err := f.Build(Settings{}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ src, want string }{
		{strings.Replace(minimal, "handler sync", ".if op == a\nexpect safe\n.endif\nhandler sync", 1), "t.scenario:4:1: expect must not be inside .if: it is the expectation of the file's own configuration"},
		{strings.Replace(minimal, "handler sync", "expect safe\nexpect safe\nhandler sync", 1), "t.scenario:4:1: a second expect line (the first is at t.scenario:3:1): several expect lines must each name their checks (expect safe torn-pair, stale-fetch / expect violated pair-mismatch steps 23)"},
	} {
		if _, err := Parse("t.scenario", []byte(c.src)); err == nil || err.Error() != c.want {
			t.Errorf("got %v, want %s", err, c.want)
		}
	}
}

// Judge, on the results a search can end with. The system comes from a
// scenario with a torn-pair check and a final condition.
func TestJudge(t *testing.T) {
	sys, _ := systemOf(t, minimal+"~exists (0:a0=1)\n", Settings{})
	safe := model.Result{Outcome: model.Safe}
	torn := model.Result{Outcome: model.Violated, Violation: &model.Violation{Check: "torn-pair"}, Trace: make([]model.Event, 5)}
	broken := model.Result{Outcome: model.Violated, Violation: &model.Violation{Check: "~exists"}, Trace: make([]model.Event, 2)}
	incomplete := model.Result{Outcome: model.Incomplete, Why: "state bound 9 reached"}
	for _, c := range []struct {
		expect string
		r      model.Result
		ok     bool
		got    string
	}{
		{"safe", safe, true, "safe"},
		{"safe", torn, false, "violated torn-pair steps 5"},
		{"safe", incomplete, false, "incomplete (state bound 9 reached)"},
		{"violated", torn, true, "violated torn-pair steps 5"},
		{"violated torn-pair", torn, true, "violated torn-pair steps 5"},
		{"violated torn-pair steps 5", torn, true, "violated torn-pair steps 5"},
		{"violated torn-pair steps 4", torn, false, "violated torn-pair steps 5"},
		{"violated torn-pair", broken, false, "violated ~exists steps 2"},
		{"violated torn-pair", incomplete, false, "incomplete (state bound 9 reached)"},
		{"violated", safe, false, "safe"},
		// ~exists: herd's Ok is "no final state breaks it".
		{"Ok", safe, true, "Ok (safe)"},
		{"No", broken, true, "No (violated ~exists steps 2)"},
		{"Ok", broken, false, "No (violated ~exists steps 2)"},
		{"Ok", torn, false, "violated torn-pair steps 5"}, // another check: no verdict
		{"No", incomplete, false, "incomplete (state bound 9 reached)"},
	} {
		l := splitLines("e.scenario", []byte("expect "+c.expect))[0]
		e, perr := parseExpect(l, 0)
		if perr != nil {
			t.Fatal(perr)
		}
		ok, got, err := e.Judge(c.r, sys)
		if err != nil || ok != c.ok || got != c.got {
			t.Errorf("expect %s on %s: got %v %q %v, want %v %q", c.expect, describeResult(c.r), ok, got, err, c.ok, c.got)
		}
	}
	for _, c := range []struct{ expect, want string }{
		{"violated torn-paer", `e.scenario:1:1: this scenario has no check "torn-paer" (its checks: torn-pair, ~exists)`},
	} {
		l := splitLines("e.scenario", []byte("expect "+c.expect))[0]
		e, _ := parseExpect(l, 0)
		if err := e.Applies(sys); err == nil || err.Error() != c.want {
			t.Errorf("expect %s: got %v, want %s", c.expect, err, c.want)
		}
	}
	sys2, _ := systemOf(t, minimal, Settings{})
	l := splitLines("e.scenario", []byte("expect Ok"))[0]
	e, _ := parseExpect(l, 0)
	if err := e.Applies(sys2); err == nil || !strings.Contains(err.Error(), "this scenario has none") {
		t.Errorf("expect Ok without a final condition: %v", err)
	}
}

func TestInstanceParses(t *testing.T) {
	src := `# a regression entry
protocol riscv-pair
"the doc"
"more"
source "commit 1234"
set op = change
set variant = stopmachine
harts 3
preempt 0
calls 2
memory tso
max-states 1000
max-depth 40
timeout 30s
expect violated torn-pair steps 18
`
	if !IsInstance([]byte(src)) {
		t.Fatal("not recognised as an instance")
	}
	in, err := ParseInstance("i.scenario", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if in.Protocol != "riscv-pair" || in.BasePos.Line != 2 || in.Doc != "the doc" || len(in.Docs) != 1 || len(in.Sources) != 1 {
		t.Errorf("header: %+v", in)
	}
	if len(in.Sets) != 2 || in.Sets[0] != (Set{"op", "change", Pos{"i.scenario", 6, 5}, Pos{"i.scenario", 6, 10}}) {
		t.Errorf("sets: %+v", in.Sets)
	}
	if in.Harts != 3 || in.Preempt == nil || *in.Preempt != 0 || in.Calls != 2 || in.Memory != "tso" ||
		in.Bounds.MaxStates != 1000 || in.Bounds.MaxDepth != 40 || in.Bounds.Timeout.String() != "30s" {
		t.Errorf("settings: %+v", in)
	}
	if in.Expect == nil || in.Expect.String() != "violated torn-pair steps 18" {
		t.Errorf("expect: %+v", in.Expect)
	}
	in, err = ParseInstance("i.scenario", []byte("scenario \"../x.scenario\"\nexpect safe\n"))
	if err != nil || in.Scenario != "../x.scenario" || in.BasePos.Col != 10 {
		t.Errorf("scenario header: %+v %v", in, err)
	}
	if IsInstance([]byte(minimal)) {
		t.Error("a scenario taken for an instance")
	}
}

func TestBadInstancesArePositioned(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"", "i.scenario:1:1: empty instance"},
		{"protocol\n", "i.scenario:1:9: expected: protocol NAME"},
		{"protocol a b\n", "i.scenario:1:9: expected: protocol NAME"},
		{"scenario x.scenario\n", "i.scenario:1:10: expected: scenario \"PATH\""},
		{"protocol p\nprotocol q\n", "i.scenario:2:1: protocol must be the first line"},
		{"protocol p\n[text]\n", "i.scenario:2:1: unknown line \"[text]\" in an instance"},
		{"protocol p\nnop\n", "i.scenario:2:1: unknown line \"nop\""},
		{"protocol p\nset op\n", "i.scenario:2:7: expected \"=\", found end of line"},
		{"protocol p\nset op = \n", "i.scenario:2:10: expected a value of op"},
		{"protocol p\nset op = a\nset op = b\n", "i.scenario:3:5: op is set twice (first at i.scenario:2:5)"},
		{"protocol p\nharts 9\n", "i.scenario:2:7: harts wants a number from 1 to 8, found \"9\""},
		{"protocol p\npreempt x\n", "i.scenario:2:9: preempt wants a number"},
		{"protocol p\ntimeout soon\n", "i.scenario:2:9: expected a duration"},
		{"protocol p\nexpect safe\nexpect safe\n", "i.scenario:3:1: a second expect line"},
		{"protocol p\nexpect maybe\n", "i.scenario:2:8: unknown expectation \"maybe\""},
		{"protocol p\nsource nothing\n", "i.scenario:2:8: expected a quoted string after source"},
	} {
		_, err := ParseInstance("i.scenario", []byte(c.src))
		if err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%q: got %v, want %q...", c.src, err, c.want)
		}
	}
}

func TestInstanceSetsAreCheckedAgainstTheProtocol(t *testing.T) {
	f, err := Parse("t.scenario", []byte(minimal))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ src, want string }{
		{"protocol t\nset op = b\n", ""},
		{"protocol t\nset opp = b\n", "i.scenario:2:5: t has no parameter opp (known: op)"},
		{"protocol t\nset op = c\n", "i.scenario:2:10: c is not a value of op (want a | b)"},
	} {
		in, err := ParseInstance("i.scenario", []byte(c.src))
		if err != nil {
			t.Fatal(err)
		}
		err = in.CheckSets(f)
		if (err == nil) != (c.want == "") || err != nil && err.Error() != c.want {
			t.Errorf("%q: got %v, want %q", c.src, err, c.want)
		}
	}
}

// Several expect lines are one question each: each names its checks, and
// no check is judged twice.
func TestSeveralExpectLines(t *testing.T) {
	ok := strings.Replace(minimal, "handler sync", "expect safe torn-pair\nexpect violated exists steps 3\nhandler sync", 1)
	f, err := Parse("t.scenario", []byte(ok))
	if err != nil || len(f.Expects) != 2 || f.Expect != f.Expects[0] || f.Expects[1].String() != "violated exists steps 3" {
		t.Fatalf("two expect lines: %v %+v", err, f)
	}
	for _, c := range []struct{ lines, want string }{
		{"expect safe\nexpect violated torn-pair", "t.scenario:4:1: a second expect line (the first is at t.scenario:3:1): several expect lines must each name their checks"},
		{"expect safe torn-pair\nexpect violated steps 4", "t.scenario:4:1: a second expect line"},
		{"expect safe torn-pair, exists\nexpect violated torn-pair", "t.scenario:4:1: check torn-pair is already judged by the expect line at t.scenario:3:1"},
	} {
		src := strings.Replace(minimal, "handler sync", c.lines+"\nhandler sync", 1)
		if _, err := Parse("t.scenario", []byte(src)); err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("%q: got %v, want %s", c.lines, err, c.want)
		}
	}
}
