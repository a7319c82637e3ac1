# sockcat: move SOCKCAT_BENCH_MIB (default 1024) MiB from a fast pipe producer through
# a client and a server to /dev/null, over loopback TCP and over a UNIX stream socket,
# against socat -b 131072, socat's default, OpenBSD nc and bare C copiers (sockcopy.c:
# splice both sides, read/write with 1 MiB or 256 KiB buffers, mixed). Each round runs
# every tool once in turn, so that the machine's load hits all alike. Printed per tool:
# the median milliseconds per GiB, wall and CPU (user+sys of client and server), and
# sockcat's throughput as a multiple of the tool's (its time / ours).
# Goals (issue 13): TCP at least 1.5x socat -b 131072 and 0.95x the best C copier;
# UNIX stream at least 1.8x socat -b 131072; earlier (SOCKCAT_BENCH_ALL=1): 2.5x socat,
# 2x nc. c:rw:1048576,splice-poll is what sockcat's relay does while it serves both
# directions (it waits in poll, as it must); here one direction is left on each side,
# and the relay blocks as c:rw:1048576,splice does.
#   SOCKCAT_BENCH_MIB=512 SOCKCAT_ROUNDS=3 tests/bench/run tests/bench/sockcat.sh

SC_MIB=${SOCKCAT_BENCH_MIB:-1024}
SC_ROUNDS=${SOCKCAT_ROUNDS:-5}
# The receiver on one CPU, the sender and its producer on another: left to the
# scheduler, the two copiers share a CPU in some runs and not in others, and one
# tool's wall time moved by 40 % between two runs on an idle machine.
SC_PIN_SRV="" SC_PIN_CLI=""
if [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
	SC_PIN_SRV="taskset -c 0" SC_PIN_CLI="taskset -c 1"
fi
# socat's default and nc are slow (10 s/GiB here): only with SOCKCAT_BENCH_ALL=1
SC_MORE=
[ -z "${SOCKCAT_BENCH_ALL:-}" ] || SC_MORE="socat nc"
SC_PRODUCE=$BENCH_TMP/produce
cat >"$BENCH_TMP/produce.c" <<'EOF'
/* Writes N MiB of zeros to stdout in 1 MiB writes, into a 1 MiB pipe. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
static char buf[1 << 20];
int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1024;
	fcntl(1, F_SETPIPE_SZ, 1 << 20);
	for (long i = 0; i < n; i++)
		for (size_t off = 0; off < sizeof(buf);) {
			ssize_t w = write(1, buf + off, sizeof(buf) - off);
			if (w <= 0)
				return 1;
			off += (size_t)w;
		}
	return 0;
}
EOF
${CC:-cc} -O2 -o "$SC_PRODUCE" "$BENCH_TMP/produce.c"

${CC:-cc} -O2 -o "$BENCH_TMP/sockcopy" "$(dirname "${BASH_SOURCE[0]}")/sockcopy.c"

# sc_once TOOL TRANSPORT: one transfer; prints wall and CPU milliseconds per GiB. TOOL
# is ours, socat, socat128, nc or c:SEND,RECV (sockcopy's HOW for each side).
sc_once() {
	local tool=$1 tr=$2 err=$BENCH_TMP/sc.err.$RANDOM path=$BENCH_TMP/sc.sock
	local srv cli port="" i
	rm -f "$path"
	: >"$err"
	case $tool:$tr in
	ours:tcp) srv=("$IPCBOX" sockcat -v -l tcp:127.0.0.1:0) ;;
	ours:unix) srv=("$IPCBOX" sockcat -v -l "unix:$path") ;;
	socat*:tcp) srv=(socat -d -d -u TCP-LISTEN:0,bind=127.0.0.1 STDOUT) ;;
	socat*:unix) srv=(socat -d -d -u "UNIX-LISTEN:$path" STDOUT) ;;
	nc:tcp) srv=(nc -v -l 127.0.0.1 0) ;;
	nc:unix) srv=(nc -l -U "$path") ;;
	c:*) srv=("$BENCH_TMP/sockcopy" recv "$tr" "$path" "${tool##*,}") ;;
	esac
	[ "$tool" = socat128 ] && srv=(socat -b 131072 "${srv[@]:1}")
	/usr/bin/time -f '%U %S' -o "$BENCH_TMP/t.srv" $SC_PIN_SRV "${srv[@]}" </dev/null >/dev/null 2>"$err" &
	local pid=$!
	for ((i = 0; i < 3000; i++)); do
		if [ "$tr" = unix ]; then
			[ -S "$path" ] && break
		elif grep -qi listening "$err"; then
			port=$(grep -i listening "$err" | grep -o '[0-9]*$' | head -1)
			break
		fi
		sleep 0.01
	done
	case $tool:$tr in
	ours:tcp) cli=("$IPCBOX" sockcat "tcp:127.0.0.1:$port") ;;
	ours:unix) cli=("$IPCBOX" sockcat "unix:$path") ;;
	socat:tcp) cli=(socat -u STDIN "TCP:127.0.0.1:$port") ;;
	socat:unix) cli=(socat -u STDIN "UNIX-CONNECT:$path") ;;
	socat128:tcp) cli=(socat -b 131072 -u STDIN "TCP:127.0.0.1:$port") ;;
	socat128:unix) cli=(socat -b 131072 -u STDIN "UNIX-CONNECT:$path") ;;
	nc:tcp) cli=(nc -N 127.0.0.1 "$port") ;;
	nc:unix) cli=(nc -N -U "$path") ;;
	c:*:tcp) cli=("$BENCH_TMP/sockcopy" send tcp "$port" "$(cut -d, -f1 <<<"${tool#c:}")") ;;
	c:*:unix) cli=("$BENCH_TMP/sockcopy" send unix "$path" "$(cut -d, -f1 <<<"${tool#c:}")") ;;
	esac
	local t0 t1
	t0=$(date +%s%N)
	$SC_PIN_CLI "$SC_PRODUCE" "$SC_MIB" |
		/usr/bin/time -f '%U %S' -o "$BENCH_TMP/t.cli" $SC_PIN_CLI "${cli[@]}" >/dev/null || return 1
	wait "$pid" || return 1
	t1=$(date +%s%N)
	rm -f "$err"
	cat "$BENCH_TMP/t.srv" "$BENCH_TMP/t.cli" |
		awk -v ns=$((t1 - t0)) -v mib="$SC_MIB" '{ s += $1 + $2 }
			END { printf "%.1f %.1f\n", ns / 1e6 / (mib / 1024), 1000 * s / (mib / 1024) }'
}

# sc_table TRANSPORT TOOL...: SC_ROUNDS rounds, each running every TOOL once in turn
# (ours first); one line per tool, the best C copier marked, and the goals checked.
sc_table() {
	local tr=$1 r t w c
	shift
	local tools=(ours "$@") load0 load1
	load0=$(cut -d' ' -f1-3 /proc/loadavg)
	for t in "${tools[@]}"; do : >"$BENCH_TMP/sc.${t//[:\/,]/_}"; done
	for ((r = 0; r < SC_ROUNDS; r++)); do
		for t in "${tools[@]}"; do
			sc_once "$t" "$tr" >>"$BENCH_TMP/sc.${t//[:\/,]/_}" ||
				{ echo "sockcat $tr: $t run failed" >&2; return 1; }
		done
	done
	load1=$(cut -d' ' -f1-3 /proc/loadavg)
	for t in "${tools[@]}"; do
		w=$(cut -d' ' -f1 "$BENCH_TMP/sc.${t//[:\/,]/_}" | median)
		c=$(cut -d' ' -f2 "$BENCH_TMP/sc.${t//[:\/,]/_}" | median)
		echo "$t $w $c"
	done | awk -v tr="$tr" -v l0="$load0" -v l1="$load1" -v rounds="$SC_ROUNDS" '
		{ name[NR] = $1; wall[NR] = $2; cpu[NR] = $3
		  if ($1 ~ /^c:/ && $1 !~ /-poll$/ && (best == 0 || $2 < wall[best])) best = NR }
		function goal(i, g) {
			if (g == "") return ""
			return (wall[i] / wall[1] >= g ? "  ok" : "  MISSED") " (goal >= " g "x)"
		}
		END {
			printf "sockcat %s: %d rounds, load average %s before, %s after\n", tr, rounds, l0, l1
			for (i = 1; i <= NR; i++) {
				g = ""
				if (name[i] == "socat128") g = tr == "tcp" ? 1.5 : 1.8
				if (name[i] == "socat") g = 2.5
				if (name[i] == "nc") g = 2
				if (i == best && tr == "tcp") g = 0.95
				label = name[i] == "socat128" ? "socat -b 131072" : name[i] == "nc" ? "nc (OpenBSD)" : name[i]
				if (i == best) label = label " (best C)"
				printf "  %-28s wall %7.1f  cpu %7.1f ms/GiB", label, wall[i], cpu[i]
				if (i > 1) printf "   sockcat %5.2fx%s", wall[i] / wall[1], goal(i, g)
				printf "\n"
			}
		}'
}

echo "== sockcat: ${SC_MIB} MiB pipe -> client -> server -> /dev/null (ms per GiB, wall and CPU)"
have_peer socat && have_peer nc && have_peer /usr/bin/time && {
	sc_table tcp socat128 $SC_MORE c:splice,splice c:rw:1048576,rw:1048576 \
		c:rw:1048576,splice c:rw:262144,splice c:rw:1048576,splice-poll
	sc_table unix socat128 $SC_MORE c:splice,splice c:rw:1048576,rw:1048576
}
