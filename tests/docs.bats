#!/usr/bin/env bats
# Help, man pages and completions agree: usage text is written twice (--help and
# the man page), so this test keeps them from drifting.

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

@test "mandoc -Tlint and groff -ww print nothing for every page" {
	run mandoc -Tlint -W warning "$IPCBOX_TOP"/man/*.1
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

# The part of a completion file that belongs to one applet.
completion_section() { # FILE APPLET
	awk -v a="$2" '/^# ---- / { on = ($3 == a) } on' "$1"
}

@test "completions know every applet" {
	for a in $APPLETS; do
		for f in bash/ipcbox zsh/_ipcbox fish/ipcbox.fish; do
			[ -n "$(completion_section "$IPCBOX_TOP/completions/$f" "$a")" ] ||
				{ echo "completions/$f has no section for $a" >&2; return 1; }
		done
		grep -qw "$a" <<<"$(sed -n 1p "$IPCBOX_TOP/completions/zsh/_ipcbox")"
	done
}

@test "completions know every option of every applet's --help" {
	for a in $APPLETS; do
		local bash zsh fish
		bash=$(completion_section "$IPCBOX_TOP/completions/bash/ipcbox" "$a")
		zsh=$(completion_section "$IPCBOX_TOP/completions/zsh/_ipcbox" "$a")
		fish=$(completion_section "$IPCBOX_TOP/completions/fish/ipcbox.fish" "$a")
		for o in $(help_options "$a"); do
			assert_contains "$bash" "$o" || { echo "bash: $a $o" >&2; return 1; }
			assert_contains "$zsh" "$o" || { echo "zsh: $a $o" >&2; return 1; }
			case $o in
			--*) assert_contains "$fish" "-l ${o#--}" || { echo "fish: $a $o" >&2; return 1; } ;;
			-*) assert_contains "$fish" "-s ${o#-}" || { echo "fish: $a $o" >&2; return 1; } ;;
			esac
		done
	done
}

@test "completion files parse in their shells" {
	bash -n "$IPCBOX_TOP/completions/bash/ipcbox"
	if command -v zsh >/dev/null; then zsh -n "$IPCBOX_TOP/completions/zsh/_ipcbox"; fi
	if command -v fish >/dev/null; then fish --no-execute "$IPCBOX_TOP/completions/fish/ipcbox.fish"; fi
}

@test "bash completion completes applets and an applet's options" {
	run bash -c '
		complete() { :; }
		source "$1/completions/bash/ipcbox"
		compopt() { :; }
		COMP_WORDS=(ipcbox ms); COMP_CWORD=1; _ipcbox; echo "${COMPREPLY[*]}"
		COMP_WORDS=(ipcbox mkfifo --mo); COMP_CWORD=2; _ipcbox; echo "${COMPREPLY[*]}"
	' _ "$IPCBOX_TOP"
	assert_status 0
	assert_eq "$output" "msgrcv msgsnd
--mode="
}
