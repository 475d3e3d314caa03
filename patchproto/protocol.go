package patchproto

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ftcheck/ftcheck/checks"
	"github.com/ftcheck/ftcheck/memmodel"
	"github.com/ftcheck/ftcheck/model"
)

// Options are a protocol's knobs. The zero value of each field means its
// default (see Defaults).
type Options struct {
	Harts   int    `json:"harts"`   // CPUs running traced code, besides the patcher
	Preempt int    `json:"preempt"` // preemptions per task (0: non-preemptible kernel)
	Calls   int    `json:"calls"`   // calls of the traced function per hart
	Op      string `json:"op"`      // enable, disable or change
	Variant string `json:"variant"` // protocol variant
	Memory  string `json:"memory"`  // memory model
}

// Defaults fills in unset options.
func (p *Protocol) Defaults(o Options) Options {
	if o.Harts == 0 {
		o.Harts = 2
	}
	if o.Calls == 0 {
		o.Calls = 1
	}
	if o.Op == "" {
		o.Op = "enable"
	}
	if o.Variant == "" {
		o.Variant = p.Variants[0].Name
	}
	if o.Memory == "" {
		o.Memory = "sc"
	}
	return o
}

// DefaultPreempt is the preemption bound when none is given: modern
// kernels are preemptible, and a protocol that is safe only without
// preemption must say so.
const DefaultPreempt = 1

// Variant is one version of a protocol: the buggy one from a seed, the
// fixed one, or an intermediate.
type Variant struct {
	Name, Doc string
}

// Protocol is a built-in protocol.
type Protocol struct {
	Name     string
	Arch     string
	Doc      string   // one line
	Sources  []string // kernel paths and commits it models
	Variants []Variant
	Ops      []string
	build    func(Options) (model.Config, error)
}

// Build makes the explorable system for the given options.
func (p *Protocol) Build(o Options) (*model.System, Options, error) {
	o = p.Defaults(o)
	if err := p.validate(o); err != nil {
		return nil, o, err
	}
	cfg, err := p.build(o)
	if err != nil {
		return nil, o, err
	}
	s, err := model.NewSystem(cfg)
	return s, o, err
}

func (p *Protocol) validate(o Options) error {
	switch {
	case o.Harts < 1 || o.Harts > 8:
		return fmt.Errorf("--harts %d: want 1 to 8", o.Harts)
	case o.Preempt < 0 || o.Preempt > 4:
		return fmt.Errorf("--preempt %d: want 0 to 4 preemptions per task", o.Preempt)
	case o.Calls < 1 || o.Calls > 4:
		return fmt.Errorf("--calls %d: want 1 to 4 calls per hart", o.Calls)
	case !slices.Contains(p.Ops, o.Op):
		return fmt.Errorf("--op %q: %s knows %s", o.Op, p.Name, strings.Join(p.Ops, ", "))
	}
	for _, v := range p.Variants {
		if v.Name == o.Variant {
			if _, err := memmodel.New(o.Memory); err != nil {
				return fmt.Errorf("--memory: %v", err)
			}
			return nil
		}
	}
	return fmt.Errorf("--variant %q: %s has %s", o.Variant, p.Name, strings.Join(p.VariantNames(), ", "))
}

// VariantNames lists the variants' names.
func (p *Protocol) VariantNames() []string {
	var ns []string
	for _, v := range p.Variants {
		ns = append(ns, v.Name)
	}
	return ns
}

var registry []*Protocol

func register(p *Protocol) { registry = append(registry, p) }

// All returns the built-in protocols in name order.
func All() []*Protocol {
	ps := slices.Clone(registry)
	slices.SortFunc(ps, func(a, b *Protocol) int { return strings.Compare(a.Name, b.Name) })
	return ps
}

// Lookup finds a protocol by name; the error names the known ones.
func Lookup(name string) (*Protocol, error) {
	for _, p := range registry {
		if p.Name == name {
			return p, nil
		}
	}
	var names []string
	for _, p := range All() {
		names = append(names, p.Name)
	}
	return nil, fmt.Errorf("unknown protocol %q (known: %s)", name, strings.Join(names, ", "))
}

// Checks lists the checks with one line each.
var Checks = []struct{ Name, Doc string }{
	{"torn-pair", checks.TornPairDoc},
}
