package patchproto

import (
	"embed"
	"errors"
	"fmt"
	"maps"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/ftcheck/ftcheck/checks"
	"github.com/ftcheck/ftcheck/memmodel"
	"github.com/ftcheck/ftcheck/model"
	"github.com/ftcheck/ftcheck/model/input"
	"github.com/ftcheck/ftcheck/patchproto/scenario"
)

// Options are a protocol's knobs. The zero value of each field means the
// scenario's own value (its bounds, the first value of each parameter),
// except Preempt, which is taken as given (0: a non-preemptible kernel).
type Options struct {
	Harts   int               `json:"harts"`   // CPUs running traced code, besides the patcher
	Preempt int               `json:"preempt"` // preemptions per task (0: non-preemptible kernel)
	Calls   int               `json:"calls"`   // calls of the traced function per hart
	Op      string            `json:"op"`      // the op parameter: enable, disable or change
	Variant string            `json:"variant"` // the variant parameter
	Memory  string            `json:"memory"`  // memory model
	Params  map[string]string `json:"params,omitempty"`
	// Interrupts is the scenario's bound on interrupts per hart (its
	// interrupts declaration; 0: it declares no interrupt). It is
	// reported, not set: the file decides.
	Interrupts int `json:"interrupts,omitempty"`
}

// DefaultPreempt is the preemption bound when neither the scenario nor
// the user gives one: modern kernels are preemptible, and a protocol
// that is safe only without preemption must say so.
const DefaultPreempt = 1

// Variant is one version of a protocol: the buggy one from a seed, the
// fixed one, or an intermediate (the values of its variant parameter).
type Variant struct {
	Name, Doc string
}

// Protocol is a scenario file: a built-in one (embedded) or the user's.
type Protocol struct {
	Name     string
	Arch     string
	Doc      string   // one line
	Sources  []string // kernel paths and commits it models
	Variants []Variant
	Ops      []string
	Path     string // the file it was read from (protocols/NAME.scenario for built-ins)
	Text     []byte // the scenario file as written
	// Source is the text of the scenario that defines the code: Text,
	// or for an instance the scenario it instantiates. With Options it
	// rebuilds the model alone (a report carries it: ftcheck replay).
	Source []byte
	// Expect is the file's expect line (nil: none), which ftcheck test
	// holds its configuration to.
	Expect *scenario.Expect
	// Expects are all the file's expect lines (Expect is the first).
	Expects []*scenario.Expect
	file    *scenario.File
	over    overlay // what an instance file sets (docs/ci.md)
}

//go:embed protocols/*.scenario
var builtinFiles embed.FS

// Parse reads a scenario file's text; path names it in error messages.
// An instance file (protocol NAME or scenario "PATH", docs/ci.md) is
// the protocol it names with the instance's settings as its own.
func Parse(file string, text []byte) (*Protocol, error) {
	return parse(file, text, []string{filepath.Clean(file)})
}

func parse(file string, text []byte, chain []string) (*Protocol, error) {
	if scenario.IsInstance(text) {
		return parseInstance(file, text, chain)
	}
	return parseScenario(file, text)
}

// parseScenario reads a whole scenario (not an instance: the built-ins
// are read with it, before Lookup can resolve an instance's protocol).
func parseScenario(file string, text []byte) (*Protocol, error) {
	f, err := scenario.Parse(file, text)
	if err != nil {
		return nil, err
	}
	p := &Protocol{Name: f.Name, Arch: f.Machine(), Doc: f.Doc, Sources: f.Sources, Path: file, Text: text, Source: text, Expect: f.Expect, Expects: f.Expects, file: f}
	if v, ok := f.Param("variant"); ok {
		for _, x := range v.Values {
			p.Variants = append(p.Variants, Variant{x.Name, x.Doc})
		}
	}
	if op, ok := f.Param("op"); ok {
		p.Ops = op.ValueNames()
	}
	return p, nil
}

// Load reads a scenario file from disk.
func Load(file string) (*Protocol, error) {
	text, err := readSource(file)
	if err != nil {
		return nil, err
	}
	return Parse(file, text)
}

// readSource reads a scenario or instance file through input.ReadFile,
// which refuses a device, a FIFO or a file over the size limit before
// reading a byte of it (os.ReadFile of /dev/zero grows without bound,
// of a FIFO blocks until a writer comes). That the file is no regular
// file or too large is a *scenario.Error at its first line; a file that
// cannot be opened keeps the system's error.
func readSource(file string) ([]byte, error) {
	text, err := input.ReadFile(file, input.MaxSource)
	var notRegular *input.NotRegular
	var tooLarge *input.TooLarge
	if errors.As(err, &notRegular) || errors.As(err, &tooLarge) {
		// Their messages are already positioned (file:1:1: ...).
		msg := strings.TrimPrefix(err.Error(), file+":1:1: ")
		return nil, &scenario.Error{Pos: scenario.Pos{File: file, Line: 1, Col: 1}, Msg: msg}
	}
	return text, err
}

// Scenario is the parsed file (parameters, header).
func (p *Protocol) Scenario() *scenario.File { return p.file }

// Configured is a protocol ready to explore, with every option resolved.
type Configured struct {
	System  *model.System
	Options Options
	Bounds  model.Bounds // the scenario's own search bounds
	// ConcreteHarts: the final condition names harts, so symmetry
	// reduction (which renumbers them) must be off.
	ConcreteHarts bool
}

// Configure builds the explorable system for the given options.
func (p *Protocol) Configure(o Options) (*Configured, error) {
	o, err := namedParams(o)
	if err != nil {
		return nil, err
	}
	o = p.over.fill(o)
	if err := validate(o); err != nil {
		return nil, err
	}
	params := map[string]string{}
	for k, v := range o.Params {
		params[k] = v
	}
	if o.Op != "" {
		params["op"] = o.Op
	}
	if o.Variant != "" {
		params["variant"] = o.Variant
	}
	pre := o.Preempt
	b, err := p.file.Build(scenario.Settings{Params: params, Harts: o.Harts, Calls: o.Calls, Preempt: &pre, Memory: o.Memory})
	if err != nil {
		return nil, err
	}
	s, err := model.NewSystem(b.Config)
	if err != nil {
		return nil, err
	}
	r := Options{Harts: b.Harts, Preempt: b.Preempt, Calls: b.Calls, Op: b.Params["op"], Variant: b.Params["variant"], Memory: b.Memory}
	if len(s.Interrupts) > 0 {
		r.Interrupts = s.MaxInterrupts
	}
	for k, v := range b.Params {
		if k != "op" && k != "variant" {
			if r.Params == nil {
				r.Params = map[string]string{}
			}
			r.Params[k] = v
		}
	}
	return &Configured{System: s, Options: r, Bounds: p.over.boundsOver(b.Bounds), ConcreteHarts: b.ConcreteHarts}, nil
}

// Build makes the explorable system for the given options and returns
// them resolved.
func (p *Protocol) Build(o Options) (*model.System, Options, error) {
	c, err := p.Configure(o)
	if err != nil {
		return nil, o, err
	}
	return c.System, c.Options, nil
}

// FileDefaults are the scenario's own settings: its bounds and the first
// value of each parameter, or what an instance file sets.
func (p *Protocol) FileDefaults() (Options, error) {
	b, err := p.file.Build(p.over.settings())
	if err != nil {
		return Options{}, err
	}
	return Options{Harts: b.Harts, Preempt: b.Preempt, Calls: b.Calls, Op: b.Params["op"], Variant: b.Params["variant"], Memory: b.Memory}, nil
}

// namedParams moves Params["op"] and Params["variant"] into Op and
// Variant, which set the same parameters (--op and --param op=): the
// two must agree when both are given, and an instance's own values must
// not hide the one given as a parameter (fill lays the instance under Op
// and Variant, and drops op and variant from Params).
func namedParams(o Options) (Options, error) {
	if _, op := o.Params["op"]; !op {
		if _, variant := o.Params["variant"]; !variant {
			return o, nil
		}
	}
	params := maps.Clone(o.Params)
	for _, n := range []struct {
		name  string
		field *string
	}{{"op", &o.Op}, {"variant", &o.Variant}} {
		v, ok := params[n.name]
		switch {
		case !ok:
			continue
		case *n.field == "":
			*n.field = v
		case *n.field != v:
			return o, fmt.Errorf("--%s %s contradicts --param %s=%s: both set the %s parameter; give one", n.name, *n.field, n.name, v, n.name)
		}
		delete(params, n.name)
	}
	o.Params = params
	return o, nil
}

func validate(o Options) error {
	switch {
	case o.Harts < 0 || o.Harts > 8:
		return fmt.Errorf("--harts %d: want 1 to 8", o.Harts)
	case o.Preempt < 0 || o.Preempt > 4:
		return fmt.Errorf("--preempt %d: want 0 to 4 preemptions per task", o.Preempt)
	case o.Calls < 0 || o.Calls > 4:
		return fmt.Errorf("--calls %d: want 1 to 4 calls per hart", o.Calls)
	}
	if o.Memory != "" {
		if _, err := memmodel.New(o.Memory); err != nil {
			return fmt.Errorf("--memory: %v", err)
		}
	}
	return nil
}

// VariantNames lists the variants' names.
func (p *Protocol) VariantNames() []string {
	var ns []string
	for _, v := range p.Variants {
		ns = append(ns, v.Name)
	}
	return ns
}

// registry holds the built-in protocols, parsed once.
var registry = func() []*Protocol {
	ents, err := builtinFiles.ReadDir("protocols")
	if err != nil {
		panic(err)
	}
	var ps []*Protocol
	for _, e := range ents {
		name := path.Join("protocols", e.Name())
		text, err := builtinFiles.ReadFile(name)
		if err != nil {
			panic(err)
		}
		p, err := parseScenario(name, text)
		if err != nil {
			panic(fmt.Sprintf("patchproto: built-in scenario: %v", err))
		}
		ps = append(ps, p)
	}
	return ps
}()

// All returns the built-in protocols in name order.
func All() []*Protocol {
	ps := slices.Clone(registry)
	slices.SortFunc(ps, func(a, b *Protocol) int { return strings.Compare(a.Name, b.Name) })
	return ps
}

// Lookup finds a built-in protocol by name; the error names the known ones.
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
var Checks = checks.Registry
