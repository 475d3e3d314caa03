package scenario

// deadlockCheck reads [check deadlock]: the machine knows who waits for
// what (model.System.Stuck, Unfinished), so the section takes no lines.
func (b *builder) deadlockCheck(s *section) *Error {
	for _, l := range s.lines {
		if t, off := l.trimmed(); t != "" {
			return errorf(l.pos(off), "[check deadlock] takes no lines: a state where nothing can move and someone has not finished is a deadlock")
		}
	}
	b.deadlock = true
	return nil
}
