package patchproto

import "github.com/ftcheck/ftcheck/patchproto/scenario"

// WithSource is p with the scenario that defines its code replaced by
// text (an edit of p.Source, read again as the same file): for an
// instance file the instance's settings still apply. ftcheck fix builds
// each candidate fix with it, so that what it proves is the edited file.
func (p *Protocol) WithSource(text []byte) (*Protocol, error) {
	f, err := scenario.Parse(p.file.Path, text)
	if err != nil {
		return nil, err
	}
	q := *p
	if string(p.Text) == string(p.Source) {
		q.Text = text
	}
	q.Source, q.file = text, f
	q.Expect = f.Expect
	if string(p.Text) != string(p.Source) {
		q.Expect = p.Expect // an instance's own expect line
	}
	return &q, nil
}
