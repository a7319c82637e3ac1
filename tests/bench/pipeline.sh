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

# Fan-out: 2 GiB from a producer to two consumers that throw it away, against bash's
# tee into a process substitution and moreutils' pee, which both copy through user
# space. Wall ms per run (the ratio), and the CPU seconds per GiB of every process
# each waited for (user + system), medians of the same runs.
# Runs "$@" with stdout on /dev/null; prints its wall ms, and appends its
# children's CPU seconds to the file $PL_CPU.
pl_bench_cpu() {
	/usr/bin/python3 -c 'import resource, subprocess, sys, time
t = time.monotonic()
r = subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL).returncode
wall = time.monotonic() - t
u = resource.getrusage(resource.RUSAGE_CHILDREN)
open(sys.argv[1], "a").write("%.3f\n" % (u.ru_utime + u.ru_stime))
print(int(wall * 1000))
sys.exit(r)' "$PL_CPU" "$@"
}
# The median of the CPU seconds in file $1, per GiB of a run of $2 GiB.
pl_cpu_per_gib() {
	median <"$1" | awk -v g="$2" '{ printf "%.2f", $1 / g }'
}

if [ -x /usr/bin/python3 ] && have_peer bash; then
	fan=(head -c 2G /dev/zero "|" "{" cat "}" "{" cat "}")
	for peer in "bash tee >(cat)" "pee cat cat"; do
		case $peer in
		bash*) cmd=(bash -c 'shopt -s lastpipe
			head -c 2G /dev/zero | tee >(cat >/dev/null) >/dev/null; wait $!') ;;
		pee*) have_peer pee || continue
			cmd=(bash -c "head -c 2G /dev/zero | pee 'cat >/dev/null' 'cat >/dev/null'") ;;
		esac
		rm -f "$BENCH_TMP"/cpu.*
		ROUNDS=3 bench_case "pipeline: 2 GiB fanned out to 2 cats" 0.67 \
			'PL_CPU=$BENCH_TMP/cpu.a pl_bench_cpu "$IPCBOX" pipeline "${fan[@]}"' \
			"$peer" 'PL_CPU=$BENCH_TMP/cpu.b pl_bench_cpu "${cmd[@]}"'
		echo "  CPU s/GiB: ipcbox $(pl_cpu_per_gib "$BENCH_TMP/cpu.a" 2)," \
			"$peer $(pl_cpu_per_gib "$BENCH_TMP/cpu.b" 2)"
	done
fi
