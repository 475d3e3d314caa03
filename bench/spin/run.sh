#!/usr/bin/env bash
# Side-by-side: SPIN and ftcheck on riscv-jalr (enable, SC, 1 call per hart)
# for 2-4 harts: states, time, and the states-per-second ratio.
# Installs SPIN (Debian package spin) if it is missing. Run from the repo root:
#   bash bench/spin/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v spin >/dev/null; then
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq spin >/dev/null
fi
work=$(mktemp -d)
go build -o "$work/ftcheck" ./cmd/ftcheck
cp bench/spin/riscv_jalr.pml "$work/"
cd "$work"
printf '%-6s %-26s %12s %10s %12s\n' harts tool states seconds states/s
for n in 2 3 4; do
	for red in "" "-DNOREDUCE"; do
		spin -DNHARTS=$n -a riscv_jalr.pml >/dev/null
		gcc -O2 -DSAFETY -DNOCLAIM -DBITSTATE_OFF $red -DVECTORSZ=4096 -DMEMLIM=16000 -o pan pan.c 2>/dev/null
		out=$(./pan -m100000 2>&1)
		states=$(echo "$out" | awk '/states, stored/ {print $1}')
		secs=$(echo "$out" | awk '/elapsed time/ {print $4}')
		name="spin${red:+ (no POR)}"
		rate=$(awk -v s="$states" -v t="$secs" 'BEGIN { if (t > 0) printf "%.0f", s/t; else print "-" }')
		printf '%-6s %-26s %12s %10s %12s\n' "$n" "$name" "$states" "$secs" "$rate"
	done
	for flags in "" "--no-symmetry" "--no-reduce --no-symmetry"; do
		# the unreduced 4-hart search takes minutes and gigabytes; skip it
		[ "$n" -eq 4 ] && [ "$flags" = "--no-reduce --no-symmetry" ] && continue
		start=$(date +%s.%N)
		line=$(./ftcheck explore --protocol riscv-jalr --harts $n $flags --progress=false | grep '^result:')
		end=$(date +%s.%N)
		states=$(echo "$line" | sed -E 's/.*: ([0-9]+) states.*/\1/')
		secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b-a }')
		rate=$(awk -v s="$states" -v t="$secs" 'BEGIN { printf "%.0f", s/t }')
		printf '%-6s %-26s %12s %10s %12s\n' "$n" "ftcheck ${flags:-(por+symmetry)}" "$states" "$secs" "$rate"
	done
done
