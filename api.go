package ftcheck

import (
	"context"
	"maps"
	"time"

	"github.com/ftcheck/ftcheck/model"
	"github.com/ftcheck/ftcheck/patchproto"
	"github.com/ftcheck/ftcheck/patchproto/scenario"
)

// Protocol is a scenario ready to explore.
type Protocol struct {
	p *patchproto.Protocol
}

// Load reads a scenario or instance file. A malformed file's error
// prints as file:line:col: message.
func Load(file string) (*Protocol, error) {
	p, err := patchproto.Load(file)
	if err != nil {
		return nil, err
	}
	return &Protocol{p}, nil
}

// Parse reads scenario text; name stands for the file in error
// messages (an instance's scenario "PATH" is relative to it).
func Parse(name string, text []byte) (*Protocol, error) {
	p, err := patchproto.Parse(name, text)
	if err != nil {
		return nil, err
	}
	return &Protocol{p}, nil
}

// Builtin returns the built-in protocol called name (see Builtins).
func Builtin(name string) (*Protocol, error) {
	p, err := patchproto.Lookup(name)
	if err != nil {
		return nil, err
	}
	return &Protocol{p}, nil
}

// Builtins names the built-in protocols.
func Builtins() []string {
	var ns []string
	for _, p := range patchproto.All() {
		ns = append(ns, p.Name)
	}
	return ns
}

// Name is the scenario's name (an instance's is its protocol's).
func (p *Protocol) Name() string { return p.p.Name }

// Doc is the one-line summary.
func (p *Protocol) Doc() string { return p.p.Doc }

// Text is the file as written: for a built-in, the scenario to start a
// variant from.
func (p *Protocol) Text() []byte { return p.p.Text }

// Param is a parameter of the scenario and the values it takes, the
// first being the default.
type Param struct {
	Name   string
	Values []string
}

// Params lists the scenario's parameters (op, variant, ...).
func (p *Protocol) Params() []Param {
	var ps []Param
	for _, x := range p.p.Scenario().Params {
		ps = append(ps, Param{x.Name, x.ValueNames()})
	}
	return ps
}

// Expectation is the file's expect line, nil if it has none.
func (p *Protocol) Expectation() *Expectation {
	if p.p.Expect == nil {
		return nil
	}
	return &Expectation{p.p.Expect}
}

// NoPreemption in Options.Preempt explores a non-preemptible kernel.
const NoPreemption = -1

// Options choose the configuration and bound the search. The zero value
// of every field means the scenario's own value (its parameters' first
// values, its harts, calls, preemption, memory model and bounds).
type Options struct {
	Harts   int               // CPUs running traced code, besides the patcher (1-8)
	Calls   int               // calls of the traced function per hart (1-4)
	Preempt int               // preemptions per task (1-4), or NoPreemption
	Op      string            // the op parameter: enable, disable, change
	Variant string            // the variant parameter
	Memory  string            // sc, tso, rvwmo, armv8
	Params  map[string]string // any other parameter
	// Checks, if set, are the only checks searched (the scenario's names:
	// torn-pair, stale-dest, ...).
	Checks []string

	MaxStates int           // stop (Incomplete) after this many states
	MaxDepth  int           // stop at this depth
	Timeout   time.Duration // stop after this long
	// Workers expand each search level in parallel; the result does not
	// depend on it (0: one).
	Workers    int
	NoReduce   bool // explore every interleaving (no partial-order reduction)
	NoSymmetry bool // keep states that differ by hart numbering apart
	// DepthFirst searches depth first: the same states and verdict in
	// less memory; a trace it finds is then made minimal breadth first.
	DepthFirst bool
}

// Outcome is how a search ended.
type Outcome = model.Outcome

const (
	Safe       = model.Safe       // every reachable state within the bounds explored, no violation
	Violated   = model.Violated   // a check failed; Result.Trace is a minimal counterexample
	Incomplete = model.Incomplete // a bound, the timeout or the context stopped the search first
)

// Config is the configuration explored, every option resolved.
type Config struct {
	Harts, Calls, Preempt int
	Op, Variant, Memory   string
	Params                map[string]string // other parameters
}

// Violation is the check that failed, in words.
type Violation struct {
	Check   string // torn-pair, exists, ~exists, forall, ...
	Message string
}

// Step is one step of a trace.
type Step struct {
	Actor       string // hart0, hart1, ..., patcher, memory
	PC          uint64 // where a hart executed (HasPC)
	HasPC       bool
	Where       string // PC as symbol+offset: f+4
	Word        uint32 // the instruction word executed
	Instruction string // its disassembly
	// Version is the version of the text the word was fetched from (0:
	// the boot text), of Versions the word has had so far.
	Version, Versions int
	Effect            string // what the step did, in words
	Why               string // the kernel function a patcher step stands for
	Violates          bool   // the step where the check failed
}

// Result is a search's verdict.
type Result struct {
	Outcome Outcome
	Config  Config
	// States and Transitions count the (reduced) state graph searched;
	// Depth is the deepest level reached.
	States, Transitions, Depth int
	Elapsed                    time.Duration
	Violation                  *Violation // set when Violated
	Trace                      []Step     // set when Violated: minimal
	Why                        string     // why the search is Incomplete
	// Reduced: partial-order reduction was on; Symmetric: symmetry
	// reduction was. The counts are of the reduced graph.
	Reduced, Symmetric bool

	raw model.Result
	sys *model.System
}

// Explore searches every interleaving of p's configuration within the
// bounds. The error is a configuration the scenario refuses (an unknown
// parameter value, a bound out of range), positioned where it can be.
// Cancelling ctx ends the search Incomplete.
func Explore(ctx context.Context, p *Protocol, o Options) (Result, error) {
	def, err := p.p.FileDefaults()
	if err != nil {
		return Result{}, err
	}
	po := patchproto.Options{Harts: o.Harts, Calls: o.Calls, Preempt: def.Preempt, Op: o.Op, Variant: o.Variant, Memory: o.Memory, Params: o.Params}
	switch {
	case o.Preempt == NoPreemption:
		po.Preempt = 0
	case o.Preempt != 0:
		po.Preempt = o.Preempt
	}
	c, err := p.p.Configure(po)
	if err != nil {
		return Result{}, err
	}
	if len(o.Checks) > 0 {
		if err := c.SelectChecks(o.Checks); err != nil {
			return Result{}, err
		}
	}
	over := patchproto.Overrides{Engine: model.Options{Workers: o.Workers, NoReduce: o.NoReduce, NoSymmetry: o.NoSymmetry}}
	if o.DepthFirst {
		over.Engine.Order = model.DepthFirst
	}
	// A zero bound here means the scenario's own (Options).
	if o.MaxStates != 0 {
		over.MaxStates = &o.MaxStates
	}
	if o.MaxDepth != 0 {
		over.MaxDepth = &o.MaxDepth
	}
	if o.Timeout != 0 {
		over.Timeout = &o.Timeout
	}
	_, r := c.Run(ctx, over)
	res := Result{
		Outcome: r.Outcome, States: r.Stats.States, Transitions: r.Stats.Transitions, Depth: r.Stats.Depth,
		Elapsed: r.Stats.Elapsed, Why: r.Why, Reduced: r.Reduced, Symmetric: r.Symmetric, raw: r, sys: c.System,
		Config: Config{Harts: c.Options.Harts, Calls: c.Options.Calls, Preempt: c.Options.Preempt,
			Op: c.Options.Op, Variant: c.Options.Variant, Memory: c.Options.Memory, Params: maps.Clone(c.Options.Params)},
	}
	if v := r.Violation; v != nil {
		res.Violation = &Violation{v.Check, v.Message}
	}
	for i := range r.Trace {
		res.Trace = append(res.Trace, step(&r.Trace[i], c.System))
	}
	return res, nil
}

func step(e *model.Event, sys *model.System) Step {
	s := Step{Actor: e.Actor, PC: e.PC, HasPC: e.HasPC || e.Exec != nil, Effect: e.Describe(), Why: e.Why, Violates: e.Violation != nil}
	if s.HasPC {
		s.Where = sys.Symbols.Name(e.PC)
	}
	if x := e.Exec; x != nil {
		s.Word, s.Instruction = x.Word, x.Disasm
	}
	for _, f := range e.Fetches {
		s.Version, s.Versions = f.Version, f.Versions
	}
	return s
}

// Expectation is an expect line (docs/ci.md): safe, violated CHECK
// [steps N], or herd's Ok/No on the final condition.
type Expectation struct {
	e *scenario.Expect
}

func (e *Expectation) String() string { return e.e.String() }

// Holds says whether r meets the expectation, and what r found in the
// words of an expect line ("violated torn-pair steps 13"). The error is
// an expectation that cannot apply to r's scenario (a check it does not
// have).
func (e *Expectation) Holds(r Result) (ok bool, got string, err error) {
	if r.sys == nil {
		return false, "", &scenario.Error{Pos: e.e.Pos, Msg: "the result is not from Explore"}
	}
	ok, got, perr := e.e.Judge(r.raw, r.sys)
	if perr != nil {
		return false, got, perr
	}
	return ok, got, nil
}
