# Helpers for tests/bench/*.sh: each case runs ipcbox and a peer on the same work,
# alternating, ROUNDS times, and prints both medians and their ratio.
# Sourced by tests/bench/run, which sets IPCBOX, IPCBOX_STATIC, TIMEIT, BENCH_TMP.

ROUNDS=${ROUNDS:-5}

# median of the numbers on stdin
median() {
	sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'
}

# bench_case NAME GOAL "OURS-CMD" "PEER-NAME" "PEER-CMD"
# Each CMD is a shell snippet printing one number (lower is better) per run.
# GOAL is the highest acceptable ours/peer ratio ("-" for none). Prints one line.
bench_case() {
	local name=$1 goal=$2 ours=$3 peer_name=$4 peer=$5 r a b
	local fa=$BENCH_TMP/a fb=$BENCH_TMP/b
	: >"$fa"
	: >"$fb"
	for ((r = 0; r < ROUNDS; r++)); do
		eval "$ours" >>"$fa" || { echo "$name: ipcbox run failed" >&2; return 1; }
		eval "$peer" >>"$fb" || { echo "$name: $peer_name run failed" >&2; return 1; }
	done
	a=$(median <"$fa")
	b=$(median <"$fb")
	awk -v n="$name" -v a="$a" -v b="$b" -v p="$peer_name" -v g="$goal" 'BEGIN {
		r = a / b
		verdict = (g == "-") ? "" : (r <= g ? "  ok (goal <= " g ")" : "  MISSED (goal <= " g ")")
		printf "%-36s ipcbox %10.1f   %-18s %10.1f   ratio %5.2f%s\n", n, a, p, b, r, verdict
	}'
}

# Say which peer is missing and skip its cases.
have_peer() {
	command -v "$1" >/dev/null 2>&1 && return 0
	echo "skipped: $1 is not installed"
	return 1
}
