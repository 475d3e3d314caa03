package patchproto

import (
	"path/filepath"
	"testing"
)

// --op and --param op= set the same parameter (so do --variant and
// --param variant=): given both, they must agree, and a parameter given
// either way wins over an instance's set line.
func TestOpAndParamOpAgree(t *testing.T) {
	p, err := Lookup("riscv-pair")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		o    Options
		want string
	}{
		{Options{Op: "enable", Params: map[string]string{"op": "disable"}}, "--op enable contradicts --param op=disable: both set the op parameter; give one"},
		{Options{Variant: "nostop", Params: map[string]string{"variant": "stopmachine"}}, "--variant nostop contradicts --param variant=stopmachine: both set the variant parameter; give one"},
	} {
		c.o.Preempt = 1
		if _, err := p.Configure(c.o); err == nil || err.Error() != c.want {
			t.Errorf("%+v:\n got  %v\n want %s", c.o, err, c.want)
		}
	}
	params := map[string]string{"op": "disable"}
	if got, err := p.Configure(Options{Op: "disable", Params: params, Preempt: 1}); err != nil {
		t.Errorf("agreeing --op and --param op: %v", err)
	} else if got.Options.Op != "disable" {
		t.Errorf("agreeing --op and --param op: op %q", got.Options.Op)
	}
	if len(params) != 1 {
		t.Errorf("Configure changed the caller's Params: %v", params)
	}

	dir := writeFiles(t, map[string]string{"change.scenario": "protocol riscv-pair\nset op = change\nset variant = nostop\n"})
	inst, err := Load(filepath.Join(dir, "change.scenario"))
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range []Options{
		{Params: map[string]string{"op": "enable", "variant": "stopmachine"}, Preempt: 1},
		{Op: "enable", Variant: "stopmachine", Preempt: 1},
	} {
		c, err := inst.Configure(o)
		if err != nil {
			t.Errorf("%+v: %v", o, err)
		} else if c.Options.Op != "enable" || c.Options.Variant != "stopmachine" {
			t.Errorf("%+v over the instance's set op = change, variant = nostop: %+v", o, c.Options)
		}
	}
}
