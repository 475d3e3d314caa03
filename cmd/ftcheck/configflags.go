package main

import (
	"errors"
	"flag"

	"github.com/ftcheck/ftcheck/model"
	"github.com/ftcheck/ftcheck/patchproto"
)

// configFlags are the flags that choose a scenario's configuration and
// bound its search, shared by explore and fix (each registers them with
// its own help text). A scenario's own values hold unless a flag is
// given: given says which were.
type configFlags struct {
	opt    patchproto.Options
	params paramFlags
	bounds model.Bounds
}

// flagsGiven reports which flags of fs the user set.
func flagsGiven(fs *flag.FlagSet) map[string]bool {
	set := map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	return set
}

// check refuses values no configuration or search can have.
func (c *configFlags) check(given map[string]bool) error {
	if (given["harts"] && c.opt.Harts < 1) || (given["calls"] && c.opt.Calls < 1) {
		return errors.New("--harts and --calls must be at least 1")
	}
	if c.bounds.MaxStates < 0 || c.bounds.MaxDepth < 0 || c.bounds.Timeout < 0 {
		return errors.New("bounds must not be negative")
	}
	return nil
}

// options are the flags given; an option left zero means the scenario's
// own value. The preemption bound, where 0 is a value, is filled in from
// the scenario when not given.
func (c *configFlags) options(p *patchproto.Protocol, given map[string]bool) (patchproto.Options, error) {
	o := c.opt
	o.Params = c.params
	for name, zero := range map[string]func(){
		"harts": func() { o.Harts = 0 }, "calls": func() { o.Calls = 0 }, "memory": func() { o.Memory = "" },
		"op": func() { o.Op = "" }, "variant": func() { o.Variant = "" },
	} {
		if !given[name] {
			zero()
		}
	}
	if !given["preempt"] {
		d, err := p.FileDefaults()
		if err != nil {
			return o, err
		}
		o.Preempt = d.Preempt
	}
	return o, nil
}

// overrides are the search's engine options with the bounds given on
// the command line (a bound not given keeps the scenario's).
func (c *configFlags) overrides(given map[string]bool, engine model.Options) patchproto.Overrides {
	over := patchproto.Overrides{Engine: engine}
	if given["max-states"] {
		over.MaxStates = &c.bounds.MaxStates
	}
	if given["max-depth"] {
		over.MaxDepth = &c.bounds.MaxDepth
	}
	if given["timeout"] {
		over.Timeout = &c.bounds.Timeout
	}
	return over
}
