// Package isatest is the one-hart machine the ISA packages (ifetch/riscv,
// arm64, x86, ppc64) test their executors on: a model.CPU over flat
// memory that records the fences and fetch synchronisations it sees, and
// runs a program until its task ends. The ISAs' tests differ only in the
// programs they run, so the machine is here once.
package isatest
