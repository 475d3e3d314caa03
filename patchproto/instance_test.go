package patchproto

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ftcheck/ftcheck/model"
)

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// configureDefaults is what explore does without flags: the file's own
// settings, preemption included.
func configureDefaults(t *testing.T, p *Protocol) *Configured {
	t.Helper()
	o, err := p.FileDefaults()
	if err != nil {
		t.Fatal(err)
	}
	c, err := p.Configure(o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// An instance explores exactly what the built-in explores with the same
// options given directly.
func TestInstanceIsTheProtocolWithItsSettings(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"change.scenario": "protocol riscv-pair\n\"doc\"\nset op = change\npreempt 0\nharts 3\nmax-states 100000\nexpect safe\n",
	})
	p, err := Load(filepath.Join(dir, "change.scenario"))
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "riscv-pair" || p.Doc != "doc" || p.Expect == nil || p.Expect.String() != "safe" {
		t.Fatalf("protocol %s %q expect %v", p.Name, p.Doc, p.Expect)
	}
	c := configureDefaults(t, p)
	want := Options{Harts: 3, Preempt: 0, Calls: 1, Op: "change", Variant: "stopmachine", Memory: "rvwmo"}
	if c.Options.Harts != want.Harts || c.Options.Preempt != 0 || c.Options.Op != "change" || c.Options.Variant != "stopmachine" || c.Options.Memory != "rvwmo" {
		t.Fatalf("options %+v, want %+v", c.Options, want)
	}
	if c.Bounds.MaxStates != 100000 {
		t.Errorf("bounds %+v", c.Bounds)
	}
	builtin, _ := Lookup("riscv-pair")
	direct, err := builtin.Configure(want)
	if err != nil {
		t.Fatal(err)
	}
	a := model.Explore(context.Background(), c.System, model.Options{})
	b := model.Explore(context.Background(), direct.System, model.Options{})
	if a.Outcome != b.Outcome || a.Stats.States != b.Stats.States || a.Stats.Transitions != b.Stats.Transitions {
		t.Fatalf("instance %v %d/%d, built-in %v %d/%d", a.Outcome, a.Stats.States, a.Stats.Transitions, b.Outcome, b.Stats.States, b.Stats.Transitions)
	}
	// Options given win over the instance's (explore's flags).
	o, _ := p.FileDefaults()
	o.Op, o.Harts = "enable", 2
	c2, err := p.Configure(o)
	if err != nil {
		t.Fatal(err)
	}
	if c2.Options.Op != "enable" || c2.Options.Harts != 2 {
		t.Errorf("given options lost: %+v", c2.Options)
	}
}

// scenario "PATH" is relative to the instance; instances chain, the
// outer settings winning.
func TestInstanceOfAFileAndOfAnInstance(t *testing.T) {
	base, err := os.ReadFile("protocols/riscv-pair.scenario")
	if err != nil {
		t.Fatal(err)
	}
	dir := writeFiles(t, map[string]string{
		"protocols/pair.scenario": string(base),
		"a/nostop.scenario":       "scenario \"../protocols/pair.scenario\"\nset variant = nostop\npreempt 0\nexpect violated torn-pair steps 4\n",
		"b/change.scenario":       "scenario \"../a/nostop.scenario\"\nset op = change\nexpect violated torn-pair\n",
	})
	p, err := Load(filepath.Join(dir, "b/change.scenario"))
	if err != nil {
		t.Fatal(err)
	}
	c := configureDefaults(t, p)
	if c.Options.Variant != "nostop" || c.Options.Op != "change" || c.Options.Preempt != 0 {
		t.Fatalf("options %+v", c.Options)
	}
	if p.Expect.String() != "violated torn-pair" {
		t.Errorf("the outer file's expectation is the one: %v", p.Expect)
	}
}

func TestBadInstancesSayWhere(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"unknown.scenario": "protocol riscv-pear\nexpect safe\n",
		"missing.scenario": "scenario \"nowhere.scenario\"\nexpect safe\n",
		"cycle1.scenario":  "scenario \"cycle2.scenario\"\nexpect safe\n",
		"cycle2.scenario":  "scenario \"cycle1.scenario\"\nexpect safe\n",
		"self.scenario":    "scenario \"self.scenario\"\n",
		"memory.scenario":  "protocol riscv-jalr\nmemory weak\n",
		"param.scenario":   "protocol riscv-jalr\nset variant = nostop\n",
		"broken.scenario":  "scenario \"base.scenario\"\n",
		"base.scenario":    "RISCV base\n[text]\nf: bogus\n",
	})
	for file, want := range map[string]string{
		"unknown.scenario": "unknown.scenario:1:10: unknown protocol \"riscv-pear\" (known: ",
		"missing.scenario": "missing.scenario:1:10: stat ",
		"cycle1.scenario":  "cycle2.scenario:1:10: instances form a cycle",
		"self.scenario":    "self.scenario:1:10: instances form a cycle",
		"memory.scenario":  "memory.scenario:2:8: ",
		"param.scenario":   "param.scenario:2:15: nostop is not a value of variant (want merged",
	} {
		_, err := Load(filepath.Join(dir, file))
		if err == nil || !strings.HasPrefix(err.Error(), filepath.Join(dir, want)) {
			t.Errorf("%s: got %v, want %s...", file, err, want)
		}
	}
	// The base's own mistakes are reported in the base, when it is built.
	p, err := Load(filepath.Join(dir, "broken.scenario"))
	if err == nil {
		_, err = p.FileDefaults()
	}
	if err == nil || !strings.HasPrefix(err.Error(), filepath.Join(dir, "base.scenario:3:")) {
		t.Errorf("broken base: %v", err)
	}
}
