#!/usr/bin/env bats
# mkfifo: a drop-in for coreutils mkfifo, proved by running both on the same input.

load helpers

setup() {
	ib_setup
	make_links
	BG_PID=
}

teardown() {
	[ -z "${BG_PID:-}" ] || kill "$BG_PID" 2>/dev/null || :
}

# Runs mkfifo ($1: "ours" or "theirs") with argv[0] "mkfifo" in a fresh directory
# $BATS_TEST_TMPDIR/$1 under umask $UMASK; sets RESULT to its exit code, stdout,
# stderr and the resulting file list with types and modes.
run_one() {
	local which=$1 tool
	shift
	if [ "$which" = ours ]; then tool=$BIN/mkfifo; else tool=$COREUTILS_MKFIFO; fi
	local dir=$BATS_TEST_TMPDIR/$which
	rm -rf "$dir" && mkdir -p "$dir/sub" && : >"$dir/file"
	local rc=0
	(cd "$dir" && umask "${UMASK:-022}" && exec -a mkfifo "$tool" "$@") \
		>"$dir.out" 2>"$dir.err" || rc=$?
	RESULT="rc=$rc
out=$(cat "$dir.out")
err=$(cat "$dir.err")
files=$(cd "$dir" && find . -mindepth 1 -printf '%p %M\n' | LC_ALL=C sort)"
}

# Fails unless ours and coreutils agree on "$@".
same_as_coreutils() {
	run_one theirs "$@"
	local theirs
	theirs=$(libc_text "$RESULT")
	run_one ours "$@"
	assert_eq "$RESULT" "$theirs"
}

need_coreutils() {
	COREUTILS_MKFIFO=$(command -v /usr/bin/mkfifo || command -v /bin/mkfifo) ||
		skip "coreutils mkfifo is not installed"
	"$COREUTILS_MKFIFO" --version | grep -q coreutils || skip "mkfifo is not coreutils"
}

@test "mkfifo makes a fifo with a=rw minus the umask" {
	run "$IPCBOX" mkfifo p
	assert_status 0
	[ -p p ]
	assert_eq "$(stat -c %a p)" "$(printf '%o' $((0666 & ~$(umask))))"
}

@test "mkfifo -m sets the mode exactly, ignoring the umask" {
	umask 077
	"$IPCBOX" mkfifo -m 0666 a
	"$IPCBOX" mkfifo --mode=a=rw,o-w b
	assert_eq "$(stat -c %a a)" 666
	assert_eq "$(stat -c %a b)" 664
}

@test "mkfifo via a symbolic link named mkfifo" {
	run "$BIN/mkfifo" p q
	assert_status 0
	[ -p p ] && [ -p q ]
}

@test "differential: plain names, several operands, existing paths" {
	need_coreutils
	same_as_coreutils a
	same_as_coreutils a b c
	same_as_coreutils file a
	same_as_coreutils a a b
	same_as_coreutils sub
	same_as_coreutils nodir/x y
	same_as_coreutils ''
	same_as_coreutils "it's" 'a b' $'new\nline' 'dollar$sign'
}

@test "differential: octal modes" {
	need_coreutils
	for m in 0 600 0644 755 777 0777 1777 2644 4644 7777 10000 8 0x1 -1 644x '' ' 644'; do
		same_as_coreutils -m "$m" p
	done
}

@test "differential: symbolic modes, under several umasks" {
	need_coreutils
	for u in 022 077 000 027; do
		UMASK=$u
		for m in a=rw u=rw,g=r,o= +x -w a+x go-rw u=g g=u,o=u =r =rwx u+s o+t a+X \
			u=rwx,g=rx,o=x =644 +4 a=644 u+,g- o=rw,a-w ug=r 'u=r,' ',u=r' u a \
			'u=r;' x r+ ug+rw-x; do
			same_as_coreutils -m "$m" p
		done
	done
}

@test "differential: option and usage errors" {
	need_coreutils
	same_as_coreutils
	same_as_coreutils -m
	same_as_coreutils -m 644
	same_as_coreutils -q p
	same_as_coreutils --bogus p
	same_as_coreutils --mo=600 p
	same_as_coreutils -Z p
	same_as_coreutils --context p
	same_as_coreutils --context=system_u:object_r:tmp_t:s0 p
	same_as_coreutils -- -p
	# Argument order, clusters, abbreviations and empty arguments, as getopt_long.
	same_as_coreutils p -m 600 q
	same_as_coreutils -Zm 600 p -- - -m
	same_as_coreutils -m600 p
	same_as_coreutils --m=600 --cont p
	same_as_coreutils --mode= p
	same_as_coreutils --context= p
	same_as_coreutils --help=x
	same_as_coreutils ---x p
	same_as_coreutils -m 600 --
	POSIXLY_CORRECT=1 same_as_coreutils -m 600 p -m 644 q
}

@test "mkfifo -m never changes what a symbolic link swapped in for the new fifo points to" {
	need_swaplink
	mkdir d
	echo secret >victim
	chmod 0600 victim
	# The racer swaps d/p for a link to victim as soon as it appears.
	start_bg "$SWAPLINK" d p "$PWD/victim" 1000000
	expect_line ready
	local i swapped=0
	for ((i = 0; i < 50; i++)); do
		rm -f d/p
		"$IPCBOX" mkfifo -m 0646 d/p 2>/dev/null || :
	done
	# The same with the window held open (strace stops mkfifo for a while right after
	# mknodat made the fifo): the swap surely comes before anything else mkfifo does.
	if command -v strace >/dev/null; then
		for ((i = 0; i < 5; i++)); do
			rm -f d/p
			strace -f -qq -o /dev/null -e inject=mknodat:delay_exit=100000 \
				"$IPCBOX" mkfifo -m 0646 d/p 2>/dev/null || :
			[ ! -L d/p ] || swapped=$((swapped + 1))
		done
		[ "$swapped" -gt 0 ]
	fi
	assert_eq "$(stat -c %a victim)" 600
	assert_eq "$(cat victim)" secret
}

@test "mkfifo -m gets its mode past a default ACL, as coreutils does" {
	need_coreutils
	# A default ACL (u::r, g::r, o::-) overrides the umask in the new fifo's mode.
	local acl="import os, struct, sys
os.setxattr(sys.argv[1], 'system.posix_acl_default', struct.pack('<I', 2) + b''.join(
    struct.pack('<HHI', t, p, 0xffffffff) for t, p in [(1, 4), (4, 4), (0x20, 0)]))"
	mkdir ours theirs
	"$PY" -c "$acl" ours && "$PY" -c "$acl" theirs || skip "no default ACLs here"
	"$COREUTILS_MKFIFO" -m 0666 theirs/p
	"$IPCBOX" mkfifo -m 0666 ours/p
	"$IPCBOX" mkfifo ours/q
	assert_eq "$(stat -c %a theirs/p)" 666
	assert_eq "$(stat -c %a ours/p)" 666
	assert_eq "$(stat -c %a ours/q)" 440
}

@test "mkfifo reports a directory it cannot write to, as an unprivileged user" {
	need_drop
	mkdir locked && chmod 755 locked
	run --separate-stderr as_nobody "$BIN/mkfifo" locked/p
	assert_status 1
	assert_eq "$stderr" "$BIN/mkfifo: cannot create fifo 'locked/p': Permission denied"
	[ ! -e locked/p ]
}

@test "mkfifo --help and --version" {
	run "$IPCBOX" mkfifo --help
	assert_status 0
	assert_contains "$output" "Usage: mkfifo [OPTION]... NAME..."
	run "$IPCBOX" mkfifo --version
	assert_status 0
	assert_contains "$output" "mkfifo (ipcbox)"
}

@test "mkfifo --help to a full disk fails loudly" {
	[ -w /dev/full ] || skip "no /dev/full"
	run --separate-stderr bash -c '"$0" mkfifo --help >/dev/full' "$IPCBOX"
	assert_status 1
	assert_eq "$stderr" "mkfifo: write error: No space left on device"
}
