package scenario

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ftcheck/ftcheck/model"
)

// seedFiles are the built-in scenarios, the documented examples and,
// when the shared litmus suite is present, a sample of herd's RISC-V
// litmus tests (same header, another body: they must fail cleanly).
func seedFiles(t testing.TB) map[string][]byte {
	seeds := map[string][]byte{}
	for _, pat := range []string{"../protocols/*.scenario", "../../docs/scenarios/*.scenario", "testdata/*.scenario"} {
		files, _ := filepath.Glob(pat)
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			seeds[f] = b
		}
	}
	litmus, _ := filepath.Glob("/work/shared/litmus/RISCV/*.litmus")
	sort.Strings(litmus)
	for i := 0; i < len(litmus); i += max(1, len(litmus)/40) {
		if b, err := os.ReadFile(litmus[i]); err == nil {
			seeds[litmus[i]] = b
		}
	}
	return seeds
}

// FuzzParse: no input makes the parser, the assembler or a short search
// panic, and every error is positioned inside the file.
func FuzzParse(f *testing.F) {
	for _, b := range seedFiles(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		done := make(chan struct{})
		go func() {
			defer close(done)
			fuzzOne(t, src)
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("no answer after 10s for:\n%s", src)
		}
	})
}

func fuzzOne(t *testing.T, src []byte) {
	{
		file, err := Parse("fuzz.scenario", src)
		if err != nil {
			checkPositioned(t, src, err)
			return
		}
		combos := file.Combinations()
		for _, c := range combos[:min(len(combos), 3)] {
			b, err := file.Build(Settings{Params: c})
			if err != nil {
				checkPositioned(t, src, err)
				continue
			}
			s, err := model.NewSystem(b.Config)
			if err != nil {
				continue
			}
			model.Explore(context.Background(), s, model.Options{Bounds: model.Bounds{MaxStates: 60}})
		}
	}
}

func checkPositioned(t *testing.T, src []byte, err error) {
	t.Helper()
	var pe *Error
	if !errors.As(err, &pe) {
		t.Fatalf("error without a position: %v", err)
	}
	lines := strings.Split(string(src), "\n")
	if pe.Pos.Line < 1 || pe.Pos.Line > len(lines) || pe.Pos.Col < 1 || pe.Pos.Col > len(lines[pe.Pos.Line-1])+1 {
		t.Fatalf("error outside the file (%d lines): %v", len(lines), err)
	}
}
