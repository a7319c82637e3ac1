# sockcat: move SOCKCAT_BENCH_MIB (default 2048) MiB from a fast pipe producer through
# a client and a server to /dev/null, over loopback TCP and over a UNIX stream socket,
# against socat -b 131072, socat's default and OpenBSD nc. Numbers are seconds per GiB
# (wall) and CPU seconds per GiB, printed as milliseconds (user+sys of client and server); lower is better.
# Goals from the issue, as ours/peer time ratios: 1.3x socat -b 131072 (<= 0.77),
# 2.5x socat (<= 0.40), 2x nc (<= 0.50).
#   SOCKCAT_BENCH_MIB=512 SOCKCAT_ROUNDS=3 tests/bench/run tests/bench/sockcat.sh

SC_MIB=${SOCKCAT_BENCH_MIB:-2048}
SC_ROUNDS=${SOCKCAT_ROUNDS:-3}
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

# sc_once TOOL TRANSPORT METRIC: one transfer; prints wall or cpu seconds per GiB.
sc_once() {
	local tool=$1 tr=$2 metric=$3 err=$BENCH_TMP/sc.err.$RANDOM path=$BENCH_TMP/sc.sock
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
	esac
	[ "$tool" = socat128 ] && srv=(socat -b 131072 "${srv[@]:1}")
	/usr/bin/time -f '%U %S' -o "$BENCH_TMP/t.srv" "${srv[@]}" </dev/null >/dev/null 2>"$err" &
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
	esac
	local t0 t1
	t0=$(date +%s%N)
	"$SC_PRODUCE" "$SC_MIB" | /usr/bin/time -f '%U %S' -o "$BENCH_TMP/t.cli" "${cli[@]}" >/dev/null || return 1
	wait "$pid" || return 1
	t1=$(date +%s%N)
	rm -f "$err"
	if [ "$metric" = wall ]; then
		awk -v ns=$((t1 - t0)) -v mib="$SC_MIB" 'BEGIN { printf "%.1f\n", ns / 1e6 / (mib / 1024) }'
	else
		cat "$BENCH_TMP/t.srv" "$BENCH_TMP/t.cli" |
			awk -v mib="$SC_MIB" '{ s += $1 + $2 } END { printf "%.1f\n", 1000 * s / (mib / 1024) }'
	fi
}

echo "== sockcat: ${SC_MIB} MiB pipe -> client -> server -> /dev/null (ms per GiB, wall or CPU)"
have_peer socat && have_peer nc && have_peer /usr/bin/time && {
	sc_rounds_saved=$ROUNDS
	ROUNDS=$SC_ROUNDS
	for tr in tcp unix; do
		bench_case "sockcat $tr: wall vs socat -b 131072" 0.77 \
			"sc_once ours $tr wall" "socat -b131072" "sc_once socat128 $tr wall"
		bench_case "sockcat $tr: wall vs socat" 0.40 \
			"sc_once ours $tr wall" "socat" "sc_once socat $tr wall"
		bench_case "sockcat $tr: wall vs nc" 0.50 \
			"sc_once ours $tr wall" "nc (OpenBSD)" "sc_once nc $tr wall"
		bench_case "sockcat $tr: CPU ms/GiB vs socat -b 131072" - \
			"sc_once ours $tr cpu" "socat -b131072" "sc_once socat128 $tr cpu"
	done
	ROUNDS=$sc_rounds_saved
}
