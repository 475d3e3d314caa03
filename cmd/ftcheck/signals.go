package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// stopSignals end a run cleanly, with a partial report that never says
// safe: Ctrl-C (SIGINT), and what Kubernetes, Slurm's --time, CI runners
// and timeout(1) send (SIGTERM), and a closed terminal (SIGHUP).
var stopSignals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP}

// interruptContext is done when one of stopSignals arrives; stop restores
// the default handling (a second signal then kills the process).
func interruptContext() (ctx context.Context, stop context.CancelFunc) {
	return signal.NotifyContext(context.Background(), stopSignals...)
}
