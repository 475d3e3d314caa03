#!/usr/bin/env bash
# Side-by-side: SPIN and ftcheck on the same problems, SC, 1 call per hart:
#   riscv-jalr (op enable) with 2-4 harts: exhaustive, safe;
#   riscv-pair (stopmachine, op enable) with 2-4 harts, preemption 0 (safe)
#   and 1 (the torn pair R-5: both stop at the first violation).
# Prints verdict, states, time and states per second for each.
# Installs SPIN (Debian package spin) if it is missing. Run from the repo root:
#   bash bench/spin/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v spin >/dev/null; then
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq spin >/dev/null
fi
work=$(mktemp -d)
go build -o "$work/ftcheck" ./cmd/ftcheck
cp bench/spin/riscv_jalr.pml bench/spin/riscv_pair.pml "$work/"
cd "$work"

rate() { awk -v s="$1" -v t="$2" 'BEGIN { if (t > 0) printf "%.0f", s/t; else print "-" }'; }

# spin_row PROTOCOL HARTS LABEL PML SEARCH DEFINES...: one pan run; SEARCH
# is -DBFS for a shortest counterexample (like ftcheck's), or -DDFS (SPIN's
# default and fastest search, used on the safe problems).
spin_row() {
	local proto=$1 n=$2 label=$3 pml=$4 search=$5
	shift 5
	spin -DNHARTS="$n" "$@" -a "$pml" >/dev/null
	gcc -O2 -DSAFETY -DNOCLAIM "$search" -DVECTORSZ=4096 -DMEMLIM=16000 "$@" -o pan pan.c 2>/dev/null
	local out states secs verdict
	out=$(./pan -m100000 2>&1 || true)
	states=$(echo "$out" | awk '/states, stored/ {print $1}')
	secs=$(echo "$out" | awk '/elapsed time/ {print $4}')
	verdict=safe
	if echo "$out" | grep -q 'errors: [1-9]'; then
		verdict="violation ($(echo "$out" | awk '/assertion violated/ {for (i=1;i<=NF;i++) if ($i=="depth") print $(i+1)}' | tr -d ')' | head -1) steps)"
	fi
	printf '%-11s %-6s %-34s %-20s %12s %10s %12s\n' "$proto" "$n" "$label" "$verdict" "$states" "$secs" "$(rate "$states" "$secs")"
}

# ftcheck_row PROTOCOL HARTS FLAGS...
ftcheck_row() {
	local proto=$1 n=$2
	shift 2
	local start end out line states secs verdict
	start=$(date +%s.%N)
	out=$(./ftcheck explore --protocol "$proto" --harts "$n" --progress=false "$@" || true)
	end=$(date +%s.%N)
	line=$(echo "$out" | grep '^result:')
	states=$(echo "$line" | sed -E 's/.* ([0-9]+) states.*/\1/')
	secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b-a }')
	verdict=safe
	if echo "$line" | grep -q VIOLATION; then
		verdict="violation ($(echo "$out" | sed -nE 's/^minimal counterexample \(([0-9]+) steps.*/\1/p') steps)"
	fi
	local flags="$*"
	printf '%-11s %-6s %-34s %-20s %12s %10s %12s\n' "$proto" "$n" "ftcheck ${flags:-(por+symmetry)}" "$verdict" "$states" "$secs" "$(rate "$states" "$secs")"
}

printf '%-11s %-6s %-34s %-20s %12s %10s %12s\n' protocol harts tool verdict states seconds states/s
for n in 2 3 4; do
	spin_row riscv-jalr "$n" spin riscv_jalr.pml -DDFS
	spin_row riscv-jalr "$n" "spin (no POR)" riscv_jalr.pml -DDFS -DNOREDUCE
	for flags in "" "--no-symmetry" "--no-reduce --no-symmetry"; do
		# the unreduced 4-hart search takes minutes and gigabytes; skip it
		[ "$n" -eq 4 ] && [ "$flags" = "--no-reduce --no-symmetry" ] && continue
		# shellcheck disable=SC2086
		ftcheck_row riscv-jalr "$n" $flags
	done
done
for pre in 0 1; do
	for n in 2 3 4; do
		spin_row riscv-pair "$n" "spin (preempt $pre)" riscv_pair.pml -DBFS -DNPREEMPT=$pre
		spin_row riscv-pair "$n" "spin (preempt $pre, no POR)" riscv_pair.pml -DBFS -DNPREEMPT=$pre -DNOREDUCE
		ftcheck_row riscv-pair "$n" --preempt "$pre"
		ftcheck_row riscv-pair "$n" --preempt "$pre" --no-reduce --no-symmetry
	done
done
