package input

import (
	"fmt"
	"io"
	"os"
)

// Limits for the kinds of file ftcheck reads. A scenario or litmus test is
// a page or two; a report holds a trace and a copy of its scenario.
const (
	MaxSource = 1 << 20  // scenario, instance and litmus files
	MaxReport = 16 << 20 // JSON reports (explore --json, shards)
)

// TooLarge is the error for a file over its limit.
type TooLarge struct {
	Path  string
	Limit int64
}

func (e *TooLarge) Error() string {
	return fmt.Sprintf("%s:1:1: file is larger than %d bytes", e.Path, e.Limit)
}

// NotRegular is the error for a path that is no regular file.
type NotRegular struct {
	Path string
	Kind string // "a directory", "a FIFO", "a device", ...
}

func (e *NotRegular) Error() string {
	return fmt.Sprintf("%s:1:1: is %s, not a regular file", e.Path, e.Kind)
}

// ReadFile reads path whole if it is a regular file of at most limit
// bytes. Errors name the file and, where it is the file's content that is
// wrong, are positioned (file:1:1: ...).
func ReadFile(path string, limit int64) ([]byte, error) {
	// Stat before open: opening a FIFO for reading blocks until a writer
	// comes.
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if err := Regular(path, fi); err != nil {
		return nil, err
	}
	if fi.Size() > limit {
		return nil, &TooLarge{path, limit}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if int64(len(data)) > limit {
		return nil, &TooLarge{path, limit}
	}
	return data, nil
}

// Regular reports, as a *NotRegular, a file that is no regular file.
func Regular(path string, fi os.FileInfo) error {
	m := fi.Mode()
	switch {
	case m.IsRegular():
		return nil
	case m.IsDir():
		return &NotRegular{path, "a directory"}
	case m&os.ModeNamedPipe != 0:
		return &NotRegular{path, "a FIFO (named pipe)"}
	case m&os.ModeSocket != 0:
		return &NotRegular{path, "a socket"}
	case m&os.ModeDevice != 0:
		return &NotRegular{path, "a device"}
	}
	return &NotRegular{path, "not a regular file (" + m.Type().String() + ")"}
}
