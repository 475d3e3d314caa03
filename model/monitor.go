package model

// Monitors. A check that judges one transition sees everything it needs
// in that transition. A property of the whole execution so far — "a call
// that began after the update returned still reached the old tracer" —
// needs a record of the execution that travels with it. The search
// merges paths that reach equal machine states, so the record must be
// part of the state: a Monitor keeps one Record per state, stored in
// Machine.Records, encoded in the state key, and renumbered with the
// harts by symmetry reduction.
//
// A configuration without monitors pays nothing: Machine.Records is nil,
// the key and the clone skip it, and no step is made visible.

// Monitor is a check with memory. Observe sees every transition, updates
// the record the transition's After state carries (a copy of Before's)
// and returns a violation when the step completes a bad execution.
type Monitor interface {
	Name() string
	// NewRecord is the record of an execution that has not started.
	NewRecord(m *Machine) Record
	// Observe records step t in rec (t.After's own record) and reports
	// whether it recorded anything (the step is then visible to the
	// partial-order reduction: it is never reordered with other
	// actors' steps), and the violation the step completes, if any.
	Observe(t *Transition, rec Record) (recorded bool, v *Violation)
}

// Record is a monitor's memory of one execution.
type Record interface {
	Clone() Record
	// AppendKey encodes the record: equal encodings, equal futures for
	// the monitor.
	AppendKey(b []byte) []byte
	// AppendHartKey encodes what the record holds about hart h alone
	// (symmetry reduction sorts harts by it).
	AppendHartKey(h int, b []byte) []byte
	// PermuteHarts renumbers the harts: hart i becomes hart perm[i].
	PermuteHarts(perm []int)
}

// newRecords gives m a fresh record per monitor.
func (s *System) newRecords(m *Machine) {
	if len(s.Monitors) == 0 {
		return
	}
	m.Records = make([]Record, len(s.Monitors))
	for i, mo := range s.Monitors {
		m.Records[i] = mo.NewRecord(m)
	}
}

// observe runs the monitors on a fresh transition and keeps the first
// violation for Inspect.
func (s *System) observe(t *Transition) {
	for i, mo := range s.Monitors {
		rec, v := mo.Observe(t, t.After.Records[i])
		if rec {
			t.fp.visible = true
		}
		if v != nil && t.violation == nil {
			t.violation = v
		}
	}
}

func cloneRecords(rs []Record) []Record {
	if rs == nil {
		return nil
	}
	c := make([]Record, len(rs))
	for i, r := range rs {
		c[i] = r.Clone()
	}
	return c
}

func appendRecordsKey(rs []Record, b []byte) []byte {
	if len(rs) == 0 {
		return b
	}
	b = append(b, 0xfd)
	for _, r := range rs {
		b = r.AppendKey(b)
	}
	return b
}

func appendRecordsHartKey(rs []Record, h int, b []byte) []byte {
	for _, r := range rs {
		b = r.AppendHartKey(h, b)
	}
	return b
}

func permuteRecords(rs []Record, perm []int) {
	for _, r := range rs {
		r.PermuteHarts(perm)
	}
}
