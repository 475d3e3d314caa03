#!/usr/bin/env bash
# Side-by-side: SPIN and ftcheck on the same problems, SC, 1 call per hart:
#   riscv-jalr (op enable) with 2-4 harts: exhaustive, safe;
#   riscv-pair (stopmachine, op enable) with 2-4 harts, preemption 0 (safe)
#   and 1 (the torn pair R-5: both stop at the first violation).
# Prints verdict, states, total and search time, states per second, and
# ftcheck's states per second as a multiple of SPIN's on the same problem.
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
# ratio A B: A/B to two places, "-" if either is not a number
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a+0 > 0 && b+0 > 0) printf "%.2f", a/b; else print "-" }'; }
# seconds DURATION: a Go duration (937ms, 5.644s, 1m2.5s, 850µs) in seconds
seconds() {
	awk -v d="$1" 'BEGIN {
		if (d ~ /^[0-9.]+m[0-9.]+s$/) { split(d, p, "m"); printf "%.4f", p[1]*60 + p[2]; exit }
		if (d ~ /ns$/) f = 1e-9; else if (d ~ /µs$/ || d ~ /us$/) f = 1e-6; else if (d ~ /ms$/) f = 1e-3; else f = 1
		printf "%.4f", (d+0)*f }'
}
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b-a }'; }

# Columns: "total s" is the whole time to a verdict (SPIN: generating and
# compiling the verifier and running it; ftcheck: the process); "search s"
# is the search alone (pan's elapsed time; ftcheck's reported search
# time), and states/s is states over search time. "vs SPIN" divides
# ftcheck's states/s by SPIN's on the same problem: the SPIN row with
# partial-order reduction for ftcheck's reduced searches, the one without
# (-DNOREDUCE) for its unreduced ones. ftcheck runs its default two workers
# breadth first, one goroutine with --search dfs; SPIN runs on one core.
row() { printf '%-11s %-6s %-46s %-20s %10s %8s %9s %10s %8s\n' "$@"; }
spin_por_rate=- spin_nopor_rate=-

# spin_row PROTOCOL HARTS LABEL PML SEARCH DEFINES...: one pan run; SEARCH
# is -DBFS for a shortest counterexample (like ftcheck's), or -DDFS (SPIN's
# default and fastest search, used on the safe problems).
spin_row() {
	local proto=$1 n=$2 label=$3 pml=$4 search=$5
	shift 5
	local start out states secs verdict total r
	start=$(now)
	spin -DNHARTS="$n" "$@" -a "$pml" >/dev/null
	gcc -O2 -DSAFETY -DNOCLAIM "$search" -DVECTORSZ=4096 -DMEMLIM=16000 "$@" -o pan pan.c 2>/dev/null
	out=$(./pan -m100000 2>&1 || true)
	total=$(elapsed "$start")
	states=$(echo "$out" | awk '/states, stored/ {print $1}')
	secs=$(echo "$out" | awk '/elapsed time/ {print $4}')
	verdict=safe
	if echo "$out" | grep -q 'errors: [1-9]'; then
		verdict="violation ($(echo "$out" | awk '/assertion violated/ {for (i=1;i<=NF;i++) if ($i=="depth") print $(i+1)}' | tr -d ')' | head -1) steps)"
	fi
	r=$(rate "$states" "$secs")
	# pan reports hundredths: below 0.05 s its rate is too coarse to divide by
	local base=$r
	awk -v t="$secs" 'BEGIN { exit !(t+0 < 0.05) }' && base=-
	case " $* " in
	*" -DNOREDUCE "*) spin_nopor_rate=$base ;;
	*) spin_por_rate=$base ;;
	esac
	row "$proto" "$n" "$label" "$verdict" "$states" "$total" "$secs" "$r" ""
}

# ftcheck_row PROTOCOL HARTS FLAGS...
ftcheck_row() {
	local proto=$1 n=$2
	shift 2
	local start out line states secs total verdict r vs
	start=$(now)
	out=$(./ftcheck explore --protocol "$proto" --harts "$n" --progress=false "$@" || true)
	total=$(elapsed "$start")
	line=$(echo "$out" | grep '^result:')
	states=$(echo "$line" | sed -E 's/.* ([0-9]+) states.*/\1/')
	secs=$(seconds "$(echo "$line" | sed -E 's/.*, ([^ ,]+)$/\1/')")
	verdict=safe
	if echo "$line" | grep -q VIOLATION; then
		verdict="violation ($(echo "$out" | sed -nE 's/^minimal counterexample \(([0-9]+) steps.*/\1/p') steps)"
	fi
	r=$(rate "$states" "$secs")
	vs=$(ratio "$r" "$spin_por_rate")
	case " $* " in
	*" --no-reduce "*) vs=$(ratio "$r" "$spin_nopor_rate") ;;
	esac
	local flags="$*"
	row "$proto" "$n" "ftcheck ${flags:-(por+symmetry)}" "$verdict" "$states" "$total" "$secs" "$r" "$vs"
}

row protocol harts tool verdict states "total s" "search s" states/s "vs SPIN"
for n in 2 3 4; do
	spin_row riscv-jalr "$n" spin riscv_jalr.pml -DDFS
	spin_row riscv-jalr "$n" "spin (no POR)" riscv_jalr.pml -DDFS -DNOREDUCE
	for flags in "" "--no-symmetry" "--no-reduce --no-symmetry" "--search dfs" "--no-reduce --no-symmetry --search dfs"; do
		# the unreduced 4-hart search takes minutes and gigabytes; skip it
		case "$n $flags" in "4 --no-reduce"*) continue ;; esac
		# shellcheck disable=SC2086
		ftcheck_row riscv-jalr "$n" $flags
	done
done
# Preemption 0 is safe: SPIN's DFS, whose unreduced graph is ftcheck's
# (the same number of states). Preemption 1 is the torn pair: SPIN's BFS,
# so that both report a shortest counterexample.
for pre in 0 1; do
	search=-DDFS
	[ "$pre" -eq 1 ] && search=-DBFS
	for n in 2 3 4; do
		spin_row riscv-pair "$n" "spin (preempt $pre)" riscv_pair.pml $search -DNPREEMPT=$pre
		spin_row riscv-pair "$n" "spin (preempt $pre, no POR)" riscv_pair.pml $search -DNPREEMPT=$pre -DNOREDUCE
		ftcheck_row riscv-pair "$n" --preempt "$pre"
		ftcheck_row riscv-pair "$n" --preempt "$pre" --no-reduce --no-symmetry
		if [ "$pre" -eq 0 ]; then # safe: depth first too, like SPIN's DFS
			ftcheck_row riscv-pair "$n" --preempt "$pre" --no-reduce --no-symmetry --search dfs
		fi
	done
done
