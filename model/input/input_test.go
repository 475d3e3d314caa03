package input

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small")
	if err := os.WriteFile(small, []byte("RISCV x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if b, err := ReadFile(small, 100); err != nil || string(b) != "RISCV x\n" {
		t.Fatalf("small file: %q, %v", b, err)
	}
	var tl *TooLarge
	if _, err := ReadFile(small, 4); !errors.As(err, &tl) || !strings.HasPrefix(err.Error(), small+":1:1:") {
		t.Errorf("over the limit: %v, want a positioned TooLarge", err)
	}
	var nr *NotRegular
	if _, err := ReadFile(dir, 100); !errors.As(err, &nr) {
		t.Errorf("directory: %v, want NotRegular", err)
	}
	if _, err := ReadFile(filepath.Join(dir, "absent"), 100); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("absent file: %v", err)
	}
}

// /dev/zero is endless: it must be refused before a byte is read.
func TestReadFileRefusesDevices(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero here")
	}
	var nr *NotRegular
	if _, err := ReadFile("/dev/zero", MaxSource); !errors.As(err, &nr) || nr.Kind != "a device" {
		t.Errorf("/dev/zero: %v, want refused as a device", err)
	}
}

// A FIFO would block an open for reading until a writer comes.
func TestReadFileRefusesFIFOs(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	var nr *NotRegular
	if _, err := ReadFile(fifo, MaxSource); !errors.As(err, &nr) {
		t.Errorf("FIFO: %v, want NotRegular", err)
	}
}
