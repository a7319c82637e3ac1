# Helpers for tests/bench/*.sh: each case runs ipcbox and a peer on the same work,
# alternating, ROUNDS times, and prints both medians and their ratio.
# Sourced by tests/bench/run, which sets IPCBOX, IPCBOX_STATIC, IPCBOX_MUSL_STATIC,
# TIMEIT, BENCH_TMP.

ROUNDS=${ROUNDS:-5}

# median of the numbers on stdin
median() {
	sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'
}

# bench_case NAME GOAL "OURS-CMD" "PEER-NAME" "PEER-CMD"
# Each CMD is a shell snippet printing one number (lower is better) per run.
# GOAL is the highest acceptable ours/peer ratio ("-" for none). Prints one line.
bench_case() {
	local name=$1 goal=$2 ours=$3 peer_name=$4 peer=$5 r
	local fa=$BENCH_TMP/a fb=$BENCH_TMP/b
	: >"$fa"
	: >"$fb"
	for ((r = 0; r < ROUNDS; r++)); do
		eval "$ours" >>"$fa" || { echo "$name: ipcbox run failed" >&2; return 1; }
		eval "$peer" >>"$fb" || { echo "$name: $peer_name run failed" >&2; return 1; }
	done
	bench_verdict "$name" "$goal" "$(median <"$fa")" "$peer_name" "$(median <"$fb")"
}

# bench_vs NAME GOAL PEER-NAME [TIMEIT-OPTION...] -- OURS-CMD... --vs PEER-CMD...
# For short commands (start-up): timeit runs the two in turn, one run each, 300 times
# a round, so that the machine's drift during a round hits both alike.
bench_vs() {
	local name=$1 goal=$2 peer_name=$3 r a b
	shift 3
	local fa=$BENCH_TMP/a fb=$BENCH_TMP/b
	: >"$fa"
	: >"$fb"
	for ((r = 0; r < ROUNDS; r++)); do
		read -r a b < <("$TIMEIT" -n 300 "$@") && [ -n "$b" ] ||
			{ echo "$name: a run failed" >&2; return 1; }
		echo "$a" >>"$fa"
		echo "$b" >>"$fb"
	done
	bench_verdict "$name" "$goal" "$(median <"$fa")" "$peer_name" "$(median <"$fb")"
}

# bench_verdict NAME GOAL OURS PEER-NAME PEER: the line both print.
bench_verdict() {
	awk -v n="$1" -v g="$2" -v a="$3" -v p="$4" -v b="$5" 'BEGIN {
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
