package patchproto

import (
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"slices"

	"github.com/ftcheck/ftcheck/memmodel"
	"github.com/ftcheck/ftcheck/model"
	"github.com/ftcheck/ftcheck/patchproto/scenario"
)

// overlay is what an instance file fixes on top of its protocol's own
// values: the options it sets and the bounds of the search. The zero
// overlay changes nothing.
type overlay struct {
	params       map[string]string
	harts, calls int
	preempt      *int
	memory       string
	bounds       model.Bounds
}

// with lays o on top of base: what o sets wins.
func (base overlay) with(o overlay) overlay {
	r := base
	r.params = maps.Clone(base.params)
	for k, v := range o.params {
		if r.params == nil {
			r.params = map[string]string{}
		}
		r.params[k] = v
	}
	if o.harts != 0 {
		r.harts = o.harts
	}
	if o.calls != 0 {
		r.calls = o.calls
	}
	if o.preempt != nil {
		r.preempt = o.preempt
	}
	if o.memory != "" {
		r.memory = o.memory
	}
	if o.bounds.MaxStates != 0 {
		r.bounds.MaxStates = o.bounds.MaxStates
	}
	if o.bounds.MaxDepth != 0 {
		r.bounds.MaxDepth = o.bounds.MaxDepth
	}
	if o.bounds.Timeout != 0 {
		r.bounds.Timeout = o.bounds.Timeout
	}
	return r
}

// fill gives the options the caller left zero the overlay's values
// (Preempt, where 0 is a value, is the caller's: see FileDefaults).
func (v overlay) fill(o Options) Options {
	if o.Harts == 0 {
		o.Harts = v.harts
	}
	if o.Calls == 0 {
		o.Calls = v.calls
	}
	if o.Memory == "" {
		o.Memory = v.memory
	}
	if o.Op == "" {
		o.Op = v.params["op"]
	}
	if o.Variant == "" {
		o.Variant = v.params["variant"]
	}
	if len(v.params) > 0 {
		params := maps.Clone(v.params)
		maps.Copy(params, o.Params)
		delete(params, "op")
		delete(params, "variant")
		o.Params = params
	}
	return o
}

// settings are the overlay as the scenario builder's settings.
func (v overlay) settings() scenario.Settings {
	return scenario.Settings{Params: v.params, Harts: v.harts, Calls: v.calls, Preempt: v.preempt, Memory: v.memory}
}

// boundsOver are the file's bounds with the overlay's on top.
func (v overlay) boundsOver(b model.Bounds) model.Bounds {
	return overlay{bounds: b}.with(overlay{bounds: v.bounds}).bounds
}

// maxInstanceDepth bounds chains of instances (an instance of an
// instance of ...), and so catches cycles.
const maxInstanceDepth = 8

// parseInstance reads an instance file and resolves its protocol: a
// built-in by name, or a file relative to this one (itself perhaps an
// instance). chain holds the files being read, to report a cycle.
func parseInstance(file string, text []byte, chain []string) (*Protocol, error) {
	in, err := scenario.ParseInstance(file, text)
	if err != nil {
		return nil, err
	}
	var base *Protocol
	if in.Protocol != "" {
		if base, err = Lookup(in.Protocol); err != nil {
			return nil, &scenario.Error{Pos: in.BasePos, Msg: err.Error()}
		}
	} else {
		path := filepath.FromSlash(in.Scenario)
		if !filepath.IsAbs(path) {
			path = filepath.Join(filepath.Dir(file), path)
		}
		if slices.Contains(chain, filepath.Clean(path)) || len(chain) >= maxInstanceDepth {
			return nil, &scenario.Error{Pos: in.BasePos, Msg: fmt.Sprintf("instances form a cycle or a chain over %d long: %s", maxInstanceDepth, path)}
		}
		btext, err := readSource(path)
		var pe *scenario.Error
		if errors.As(err, &pe) { // no regular file, or too large: say which
			return nil, &scenario.Error{Pos: in.BasePos, Msg: path + ": " + pe.Msg}
		}
		if err != nil {
			return nil, &scenario.Error{Pos: in.BasePos, Msg: err.Error()}
		}
		if base, err = parse(path, btext, append(chain, filepath.Clean(path))); err != nil {
			return nil, err
		}
	}
	if err := in.CheckSets(base.file); err != nil {
		return nil, err
	}
	if in.Memory != "" {
		if _, err := memmodel.New(in.Memory); err != nil {
			return nil, &scenario.Error{Pos: in.MemoryPos, Msg: err.Error()}
		}
	}
	p := *base
	p.Path, p.Text, p.Expect, p.Expects = file, text, in.Expect, in.Expects
	if in.Doc != "" {
		p.Doc = in.Doc
	}
	p.Sources = append(slices.Clone(base.Sources), in.Sources...)
	set := overlay{harts: in.Harts, calls: in.Calls, preempt: in.Preempt, memory: in.Memory, bounds: in.Bounds}
	for _, s := range in.Sets {
		if set.params == nil {
			set.params = map[string]string{}
		}
		set.params[s.Name] = s.Value
	}
	p.over = base.over.with(set)
	return &p, nil
}
