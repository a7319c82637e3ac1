#!/usr/bin/env bats
# The multicall dispatcher: argv[0], ipcbox APPLET, --list, --install, --help, --version.

load helpers

APPLETS="ipcrm ipcs mkfifo msgrcv msgsnd pipeline semop shmcat sockcat"

@test "ipcbox alone and --list print the nine applets, one a line" {
	run "$IPCBOX"
	assert_status 0
	assert_eq "$output" "$(printf '%s\n' $APPLETS)"
	run "$IPCBOX" --list
	assert_status 0
	assert_eq "$output" "$(printf '%s\n' $APPLETS)"
}

@test "the applet list comes from src/applets.h, sorted" {
	local listed
	listed=$(sed -n 's/^APPLET(\([a-z0-9_]*\),.*/\1/p' "$IPCBOX_TOP/src/applets.h")
	assert_eq "$listed" "$(printf '%s\n' $APPLETS)"
	assert_eq "$listed" "$(printf '%s\n' $listed | LC_ALL=C sort)"
}

@test "an unknown applet exits 127 with one line" {
	run -127 --separate-stderr "$IPCBOX" nosuch arg
	assert_status 127
	assert_eq "$stderr" "ipcbox: nosuch: applet not found"
	assert_eq "$output" ""
}

@test "an unknown ipcbox option is a usage error" {
	run --separate-stderr "$IPCBOX" --bogus
	assert_status 2
	assert_contains "$stderr" "unrecognized option '--bogus'"
}

@test "ipcbox --help lists every applet with its summary" {
	run "$IPCBOX" --help
	assert_status 0
	assert_contains "$output" "Usage: ipcbox APPLET [ARGUMENT]..."
	for a in $APPLETS; do
		assert_contains "$output" "  $a "
	done
}

@test "ipcbox --version and APPLET --version" {
	run "$IPCBOX" --version
	assert_status 0
	[[ ${lines[0]} =~ ^ipcbox\ \(ipcbox\)\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
	assert_contains "$output" "License MIT"
	for a in $APPLETS; do
		run "$IPCBOX" "$a" --version
		assert_status 0
		[[ $output == "$a (ipcbox) "* ]]
	done
}

@test "every applet answers --help with a Usage line, exit 0" {
	for a in $APPLETS; do
		run "$IPCBOX" "$a" --help
		assert_status 0
		assert_contains "$output" "Usage: $a"
	done
}

@test "the applet is chosen by argv[0]'s basename" {
	mkdir x
	ln -s "$IPCBOX" x/mkfifo
	run x/mkfifo p
	assert_status 0
	[ -p p ]
	cp "$IPCBOX" x/ipcbox-copy
	run x/ipcbox-copy --list
	assert_status 0
	assert_contains "$output" mkfifo
}

@test "--install makes hard links, and is idempotent" {
	mkdir d
	cp "$IPCBOX" d/ipcbox
	run d/ipcbox --install "$BATS_TEST_TMPDIR/d"
	assert_status 0
	for a in $APPLETS; do
		[ d/$a -ef d/ipcbox ] && [ ! -L d/$a ]
	done
	run d/ipcbox --install "$BATS_TEST_TMPDIR/d"
	assert_status 0
}

@test "--install -s makes symbolic links that work" {
	mkdir d
	run "$IPCBOX" --install -s "$BATS_TEST_TMPDIR/d"
	assert_status 0
	for a in $APPLETS; do
		[ -L d/$a ]
	done
	d/mkfifo p
	[ -p p ]
}

@test "--install reports an entry it would clobber and carries on" {
	mkdir d
	echo keep >d/ipcs
	run --separate-stderr "$IPCBOX" --install -s "$BATS_TEST_TMPDIR/d"
	assert_status 1
	assert_contains "$stderr" "ipcbox: cannot link $BATS_TEST_TMPDIR/d/ipcs: File exists"
	assert_eq "$(cat d/ipcs)" keep
	[ -L d/ipcrm ] && [ -L d/sockcat ]
}

@test "--install into a missing directory fails with exit 1" {
	run --separate-stderr "$IPCBOX" --install "$BATS_TEST_TMPDIR/none"
	assert_status 1
	assert_contains "$stderr" "No such file or directory"
	run --separate-stderr "$IPCBOX" --install
	assert_status 2
}

@test "a failed write to stdout is an error, never silent success" {
	[ -w /dev/full ] || skip "no /dev/full"
	run --separate-stderr bash -c '"$0" --list >/dev/full' "$IPCBOX"
	assert_status 1
	assert_eq "$stderr" "ipcbox: write error: No space left on device"
	run --separate-stderr bash -c '"$0" ipcs --help >/dev/full' "$IPCBOX"
	assert_status 1
	assert_eq "$stderr" "ipcs: write error: No space left on device"
}

@test "make install and uninstall leave nothing behind; default install shadows nothing" {
	[ -z "${IPCBOX_SANITIZED:-}" ] || skip "install is checked with the normal build"
	need_cmd make
	local d=$BATS_TEST_TMPDIR/dest
	make -s -C "$IPCBOX_TOP" install DESTDIR="$d" PREFIX=/usr/local >/dev/null
	[ -x "$d/usr/local/bin/ipcbox" ]
	[ "$d/usr/local/bin/msgsnd" -ef "$d/usr/local/bin/ipcbox" ]
	[ ! -e "$d/usr/local/bin/mkfifo" ] && [ ! -e "$d/usr/local/bin/ipcs" ] && [ ! -e "$d/usr/local/bin/ipcrm" ]
	[ ! -e "$d/usr/local/share/man/man1/ipcs.1" ]
	[ -f "$d/usr/local/share/man/man1/ipcbox-ipcs.1" ]
	[ -f "$d/usr/local/share/man/man1/ipcbox.1" ]
	make -s -C "$IPCBOX_TOP" uninstall DESTDIR="$d" PREFIX=/usr/local >/dev/null
	assert_eq "$(find "$d" -mindepth 1 | head)" ""

	make -s -C "$IPCBOX_TOP" install DESTDIR="$d" LINKS=all >/dev/null
	for a in $APPLETS; do
		[ "$d/usr/local/bin/$a" -ef "$d/usr/local/bin/ipcbox" ]
		[ -f "$d/usr/local/share/man/man1/$a.1" ]
	done
	make -s -C "$IPCBOX_TOP" uninstall DESTDIR="$d" >/dev/null
	assert_eq "$(find "$d" -mindepth 1 | head)" ""
}

@test "make uninstall leaves a foreign file of an applet's name alone" {
	[ -z "${IPCBOX_SANITIZED:-}" ] || skip "install is checked with the normal build"
	local d=$BATS_TEST_TMPDIR/dest
	mkdir -p "$d/usr/local/bin"
	echo theirs >"$d/usr/local/bin/mkfifo"
	make -s -C "$IPCBOX_TOP" install DESTDIR="$d" >/dev/null
	make -s -C "$IPCBOX_TOP" uninstall DESTDIR="$d" >/dev/null
	assert_eq "$(cat "$d/usr/local/bin/mkfifo")" theirs
}
