package scenario

// ActiveLines reports the numbers of the lines (1-based, of the whole
// file) that the .if/.elseif/.else branches keep for the parameter
// values (a parameter not given takes its first value): the lines a
// Build with these parameters reads. ftcheck fix edits only those, so
// that an edit changes the configuration it proves.
func (f *File) ActiveLines(params map[string]string) (map[int]bool, error) {
	values, err := f.paramValues(params)
	if err != nil {
		return nil, err
	}
	lines, e := f.resolveIf(values)
	if e != nil {
		return nil, e
	}
	active := make(map[int]bool, len(lines))
	for _, l := range lines {
		active[l.num] = true
	}
	return active, nil
}
