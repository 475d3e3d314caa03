package patchproto

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ftcheck/ftcheck/model/input"
	"github.com/ftcheck/ftcheck/patchproto/scenario"
)

// loadQuickly loads path, failing the test if that takes long: reading
// /dev/zero grows without bound and opening a FIFO blocks.
func loadQuickly(t *testing.T, path string) error {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		_, err := Load(path)
		done <- err
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(5 * time.Second):
		t.Fatalf("Load(%s) gave no answer after 5s", path)
	}
	return nil
}

// A scenario path or an instance's scenario "PATH" that is a device, a
// FIFO or too large a file is refused at once, before a byte is read, as
// a positioned error.
func TestFilesThatAreNoScenarioAreRefusedAtOnce(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.scenario")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.scenario")
	if err := os.WriteFile(big, []byte("RISCV big\n"+strings.Repeat("#", input.MaxSource)), 0o644); err != nil {
		t.Fatal(err)
	}
	writeFiles := map[string]string{
		"zero.scenario":    "scenario \"/dev/zero\"\n",
		"viafifo.scenario": "scenario \"fifo.scenario\"\n",
		"viabig.scenario":  "\n  scenario \"big.scenario\"\n",
	}
	for name, text := range writeFiles {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct{ path, want string }{
		{"/dev/zero", "/dev/zero:1:1: is a device, not a regular file"},
		{fifo, fifo + ":1:1: is a FIFO (named pipe), not a regular file"},
		{dir, dir + ":1:1: is a directory, not a regular file"},
		{big, big + ":1:1: file is larger than 1048576 bytes"},
		{filepath.Join(dir, "zero.scenario"), filepath.Join(dir, "zero.scenario") + ":1:10: /dev/zero: is a device, not a regular file"},
		{filepath.Join(dir, "viafifo.scenario"), filepath.Join(dir, "viafifo.scenario") + ":1:10: " + fifo + ": is a FIFO (named pipe), not a regular file"},
		{filepath.Join(dir, "viabig.scenario"), filepath.Join(dir, "viabig.scenario") + ":2:12: " + big + ": file is larger than 1048576 bytes"},
	} {
		err := loadQuickly(t, c.path)
		var pe *scenario.Error
		if !errors.As(err, &pe) || err.Error() != c.want {
			t.Errorf("Load(%s):\n got  %v (%T)\n want %s (a *scenario.Error)", c.path, err, err, c.want)
		}
	}
}
