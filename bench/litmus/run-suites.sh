#!/usr/bin/env bash
# Runs `ftcheck litmus` over the shared herd suites and prints each
# suite's agreement table and wall time. Usage, from the repository root:
#   bash bench/litmus/run-suites.sh [SHARED_LITMUS_DIR]
set -u
dir=${1:-../shared/litmus}
if [ ! -d "$dir" ]; then
	echo "no litmus suites at $dir" >&2
	exit 2
fi
bin=$(mktemp -d)/ftcheck
go build -o "$bin" ./cmd/ftcheck || exit 2
status=0
for suite in "RISCV RISCV-expected.csv" "X86 X86-expected.csv" \
	"AARCH64 AARCH64-expected.csv" "x86_64-herd/@all x86_64-herd-kinds.txt" \
	"aarch64-ifetch aarch64-ifetch-kinds.txt"; do
	set -- $suite
	echo "== $1"
	start=$(date +%s.%N)
	"$bin" litmus --expect "$dir/$2" "$dir/$1" >"$bin.out" 2>"$bin.err"
	rc=$?
	end=$(date +%s.%N)
	sed -n '/ tests: /,$p' "$bin.out"
	grep -c . "$bin.err" | sed 's/^/input errors: /'
	echo "exit $rc, wall $(echo "$end - $start" | bc)s"
	[ $rc -eq 1 ] && status=1
done
exit $status
