#!/usr/bin/env bats
# Help, man pages and completions agree. --help and the completions are made from
# each applet's option table; the man pages are written by hand, so this keeps them
# from drifting.

load helpers

setup() {
	ib_setup
	need_cmd mandoc
	APPLETS=$("$IPCBOX" --list)
}

# The options a help text or man page names: -x and --long tokens, one a line.
option_tokens() {
	grep -oE '(^|[][ ,|])--?[A-Za-z0-9][A-Za-z0-9-]*' | sed -E 's/^[][ ,|]//' | LC_ALL=C sort -u
}

# Option lines of --help: those that start with spaces and a dash.
help_options() {
	"$IPCBOX" "$@" --help | grep -E '^ +-' | option_tokens
}

# Tag lines of the man page's OPTIONS section, as mandoc renders them.
man_options() {
	mandoc -Tascii "$IPCBOX_TOP/man/$1.1" | col -bx |
		awk '/^[A-Z]/ { sec = $0 } sec == "OPTIONS" && /^       -/' | option_tokens
}

# The SYNOPSIS lines, whitespace squeezed.
man_synopsis() {
	mandoc -Tascii "$IPCBOX_TOP/man/$1.1" | col -bx |
		awk '/^[A-Z]/ { sec = $0; next } sec == "SYNOPSIS" && NF' | tr -s ' \n' '  ' | sed 's/^ //'
}

# mandoc at every level, style included (input lines over 80 bytes, ...).
@test "mandoc -Tlint -W all and groff -ww print nothing for every page" {
	run mandoc -Tlint -W all "$IPCBOX_TOP"/man/*.1
	assert_eq "$output" ""
	for f in "$IPCBOX_TOP"/man/*.1; do
		run groff -ww -z -man "$f"
		assert_eq "$output" ""
	done
}

@test "every applet and ipcbox itself has a man page with the required sections" {
	for a in ipcbox $APPLETS; do
		local f=$IPCBOX_TOP/man/$a.1
		[ -f "$f" ]
		for s in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" EXAMPLES "SEE ALSO"; do
			grep -q "^\.SH \"\?$s\"\?$" "$f" || { echo "$f has no $s section" >&2; return 1; }
		done
	done
}

@test "each man page's OPTIONS name exactly the options of --help" {
	for a in $APPLETS; do
		assert_eq "$(man_options "$a")" "$(help_options "$a")" || { echo "in $a" >&2; return 1; }
	done
	assert_eq "$(man_options ipcbox | grep -vE '^-(k|i|f|P|c|x|m)$|^--(key|id|ftok|posix|create|exclusive|mode)$')" \
		"$("$IPCBOX" --help | grep -E '^ +-' | option_tokens)"
}

@test "every Usage line of --help is in the man page's SYNOPSIS" {
	for a in ipcbox $APPLETS; do
		local syn
		syn=$(man_synopsis "$a")
		while IFS= read -r line; do
			line=$(printf '%s' "$line" | sed -E 's/^ *(Usage|or): //' | tr -s ' ')
			assert_contains "$syn" "$line" || { echo "in $a" >&2; return 1; }
		done < <(if [ "$a" = ipcbox ]; then "$IPCBOX" --help; else "$IPCBOX" "$a" --help; fi |
			grep -E '^ *(Usage|or): ')
	done
}

# "--name=METAVAR" (or "--name", "-x METAVAR") for each option of --help, and of
# the man page's OPTIONS tag lines, which may write "--name METAVAR".
help_forms() {
	"$IPCBOX" "$@" --help | grep -E '^ +-' | sed -E 's/^ +//; s/  .*//' |
		grep -oE -- '--?[A-Za-z0-9][A-Za-z0-9-]*(=[^ ,]+)?' | LC_ALL=C sort -u
}
man_forms() {
	mandoc -Tascii "$IPCBOX_TOP/man/$1.1" | col -bx |
		awk '/^[A-Z]/ { sec = $0 } sec == "OPTIONS" && /^       -/' |
		sed -E 's/^ +//; s/(--[A-Za-z0-9-]+) ([A-Z/[][]A-Z0-9_:/.,[-]*)( |,|$)/\1=\2\3/g' |
		grep -oE -- '--?[A-Za-z0-9][A-Za-z0-9-]*(=[^ ,]+)?' | sed -E 's/^(-[A-Za-z0-9])=.*/\1/' |
		LC_ALL=C sort -u
}

@test "each man page's OPTIONS give every long option its table's metavar" {
	for a in $APPLETS; do
		assert_eq "$(man_forms "$a" | grep -- '^--')" "$(help_forms "$a" | grep -- '^--')" ||
			{ echo "in $a" >&2; return 1; }
	done
}

@test "completion offers exactly the options of --help, for every applet" {
	for a in $APPLETS; do
		assert_eq "$("$IPCBOX" --complete "$a" - | sed 1d | sed 's/=$//' | LC_ALL=C sort -u)" \
			"$(help_options "$a")" || { echo "in $a" >&2; return 1; }
	done
}

@test "completion files parse in their shells" {
	bash -n "$IPCBOX_TOP/completions/bash/ipcbox"
	if command -v zsh >/dev/null; then zsh -n "$IPCBOX_TOP/completions/zsh/_ipcbox"; fi
	if command -v fish >/dev/null; then fish --no-execute "$IPCBOX_TOP/completions/fish/ipcbox.fish"; fi
}

# The pages as make install leaves them in DESTDIR ($1), one a line.
installed_pages() {
	ls "$1/usr/local/share/man/man1"
}

@test "a default install's ipcbox-NAME pages say 'ipcbox NAME'; LINKS=all installs the pages as written" {
	[ -z "${IPCBOX_SANITIZED:-}" ] || skip "make install is checked with the normal build"
	need_cmd make
	local dd=$BATS_TEST_TMPDIR/dd ddall=$BATS_TEST_TMPDIR/ddall m
	make -s -C "$IPCBOX_TOP" install DESTDIR="$dd" >/dev/null
	make -s -C "$IPCBOX_TOP" install DESTDIR="$ddall" LINKS=all >/dev/null
	m=$dd/usr/local/share/man/man1
	# LINKS=all: every page byte for byte.
	for f in "$IPCBOX_TOP"/man/*.1; do
		cmp "$f" "$ddall/usr/local/share/man/man1/${f##*/}"
	done
	assert_eq "$(installed_pages "$dd" | grep -E '^(ipcs|ipcrm|mkfifo)\.1$')" ""
	run mandoc -Tlint -W all "$m"/*.1
	assert_eq "$output" ""
	for a in ipcs ipcrm mkfifo; do
		[ -f "$m/ipcbox-$a.1" ]
		local page
		page=$(mandoc -Tascii "$m/ipcbox-$a.1" | col -bx)
		assert_contains "$(sed -n 1p <<<"$page")" "IPCBOX-${a^^}(1)"
		assert_contains "$page" "ipcbox-$a - "
		# Every SYNOPSIS line names "ipcbox NAME".
		assert_eq "$(awk '/^[A-Z]/ { sec = $0; next } sec == "SYNOPSIS" && NF' <<<"$page" |
			grep -cv "^ *ipcbox $a ")" 0
		# No page shows one of the three bare at a prompt or in SEE ALSO.
		for f in "$m"/*.1; do
			refute_contains "$(grep -E '^\$ ' "$f")" "\$ $a " || { echo "in $f" >&2; return 1; }
			refute_contains "$(sed -n '/^\.SH SEE ALSO/,$p' "$f")" ".BR $a (1)" ||
				{ echo "in $f" >&2; return 1; }
		done
	done
	# The ipcs page sends its readers to the installed ipcrm page, and says where
	# it is a drop-in for util-linux's ipcs(1).
	assert_contains "$(mandoc -Tascii "$m/ipcbox-ipcs.1" | col -bx)" "ipcbox-ipcrm(1)"
	assert_contains "$(mandoc -Tascii "$m/ipcbox-ipcs.1" | col -bx)" "util-linux ipcs(1)"
	assert_contains "$(mandoc -Tascii "$m/ipcbox-ipcs.1" | col -bx)" "$ ipcbox ipcs --stale"
}
