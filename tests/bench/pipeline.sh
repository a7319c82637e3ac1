# pipeline cases: starting a three-stage pipeline, and bulk data through three cats,
# against dash running the same pipeline (startup in µs per run, data in ms per run).
echo "== pipeline (start-up: µs per run; 2 GiB through cat | cat | cat: ms per run)"

# Runs "$@" and prints its wall time in milliseconds.
pl_bench_ms() {
	local a b
	a=$(date +%s%N)
	"$@" >/dev/null || return 1
	b=$(date +%s%N)
	echo $(((b - a) / 1000000))
}

if have_peer dash; then
	dash3=(dash -c "/bin/true | /bin/true | /bin/true")
	bench_vs "pipeline: start 3 x /bin/true" 0.95 "dash -c 'a | b | c'" \
		-- "$IPCBOX" pipeline /bin/true "|" /bin/true "|" /bin/true --vs "${dash3[@]}"
	if [ -x "$IPCBOX_STATIC" ]; then
		bench_vs "pipeline (static): start 3 x true" 0.95 "dash -c 'a | b | c'" \
			-- "$IPCBOX_STATIC" pipeline /bin/true "|" /bin/true "|" /bin/true --vs "${dash3[@]}"
	fi
	# The floor on this machine: a C program that does nothing but start the three,
	# with vfork as pipeline does, and with clone(CLONE_VM) without CLONE_VFORK, which
	# does not wait for each exec: what a clone path in spawn.c could buy at most
	# (HACKING.md, "Spawning": worth it only if that is 5 % or more).
	${CC:-cc} -O2 -o "$BENCH_TMP/spawn3" "$here/spawn3.c"
	bench_vs "reference: bare vfork launcher" - "dash -c 'a | b | c'" \
		-- "$BENCH_TMP/spawn3" vfork /bin/true --vs "${dash3[@]}"
	bench_vs "reference: bare clone launcher" - "dash -c 'a | b | c'" \
		-- "$BENCH_TMP/spawn3" clone /bin/true --vs "${dash3[@]}"
	ROUNDS=3 bench_case "pipeline: 2 GiB through 3 cats" 1.05 \
		'pl_bench_ms "$IPCBOX" pipeline head -c 2G /dev/zero "|" cat "|" cat "|" cat' \
		"dash pipes" \
		'pl_bench_ms dash -c "head -c 2G /dev/zero | cat | cat | cat"'
	ROUNDS=3 bench_case "pipeline -b 1M: 2 GiB through 3 cats" 1.0 \
		'pl_bench_ms "$IPCBOX" pipeline -b 1M head -c 2G /dev/zero "|" cat "|" cat "|" cat' \
		"dash pipes" \
		'pl_bench_ms dash -c "head -c 2G /dev/zero | cat | cat | cat"'
fi
