#!/usr/bin/env bats
# Completions, driven through the real shells from an install into a DESTDIR: bash
# with bash-completion in a fresh interactive shell under tmux, zsh with compinit
# under tmux, fish through `complete -C`. What they offer comes from the option
# tables (ipcbox --complete), so these check the loading and the shell glue.

load helpers

setup_file() {
	[ -z "${IPCBOX_SANITIZED:-}" ] || return 0
	export DD=$BATS_FILE_TMPDIR/dd
	make -s -C "$IPCBOX_TOP" install DESTDIR="$DD" >/dev/null
	export DDALL=$BATS_FILE_TMPDIR/ddall
	make -s -C "$IPCBOX_TOP" install DESTDIR="$DDALL" LINKS=all >/dev/null
}

setup() {
	ib_setup
	[ -z "${IPCBOX_SANITIZED:-}" ] || skip "completions are checked with the normal build"
	P=$DD/usr/local
	SOCK=$BATS_TEST_TMPDIR/tmux.sock
}

teardown() {
	[ -z "${SOCK:-}" ] || tmux -S "$SOCK" kill-server 2>/dev/null || :
}

# Starts SHELL-COMMAND in a 200x50 tmux window.
tmux_start() {
	need_cmd tmux
	tmux -S "$SOCK" new-session -d -s t -x 200 -y 50 "$@"
}

tmux_type() {
	tmux -S "$SOCK" send-keys -t t "$@"
}

# Waits (at most 30 s) until the screen shows TEXT; prints the screen if it never does.
tmux_wait() {
	local i
	for ((i = 0; i < 300; i++)); do
		tmux -S "$SOCK" capture-pane -p -t t | grep -qF -- "$1" && return 0
		sleep 0.1
	done
	echo "the screen never showed '$1':" >&2
	tmux -S "$SOCK" capture-pane -p -t t >&2
	return 1
}

# Runs a command line in the shell and waits for it to finish: the marker is
# printed by an arithmetic expansion, so the typed line itself does not match.
tmux_run() {
	tmux_type "$1; echo DONE-\$((${2:-1} + 1))" Enter
	tmux_wait "DONE-$((${2:-1} + 1))"
}

start_bash() { # PREFIX
	need_cmd bash
	[ -f /usr/share/bash-completion/bash_completion ] || skip "bash-completion is not installed"
	tmux_start env -i HOME="$BATS_TEST_TMPDIR" TERM=xterm PS1='$ ' \
		PATH="$1/bin:/usr/bin:/bin" XDG_DATA_DIRS="$1/share:/usr/share" \
		bash --norc --noprofile -i
	tmux_run "source /usr/share/bash-completion/bash_completion" 10
}

start_zsh() { # PREFIX
	need_cmd zsh
	mkdir -p "$BATS_TEST_TMPDIR/zhome"
	tmux_start env -i HOME="$BATS_TEST_TMPDIR/zhome" TERM=xterm PATH="$1/bin:/usr/bin:/bin" zsh -f
	tmux_run "PS1='%% '; fpath=($1/share/zsh/site-functions \$fpath); autoload -U compinit; compinit -u -D" 10
}

fish_complete() { # PREFIX LINE
	need_cmd fish
	env -i HOME="$BATS_TEST_TMPDIR" PATH="$1/bin:/usr/bin:/bin" fish --no-config -c "
		set fish_complete_path $1/share/fish/vendor_completions.d \$fish_complete_path
		complete -C '$2'" | cut -f1
}

@test "bash: options, live POSIX names and a command after -- complete in a fresh shell" {
	: >/dev/shm/seg_one
	: >/dev/shm/seg_two
	: >/dev/shm/sem.lock
	start_bash "$P"
	tmux_type "shmcat --st" Tab
	tmux_wait "shmcat --stat"
	tmux_type C-u "shmcat -P /seg_" Tab Tab
	tmux_wait "/seg_two"
	tmux_wait "/seg_one"
	run tmux -S "$SOCK" capture-pane -p -t t
	refute_contains "$output" "/sem.lock"
	tmux_type C-u "semop -P /lo" Tab
	tmux_wait "semop -P /lock"
	tmux_type C-u "ipcbox msgsnd --no-w" Tab
	tmux_wait "ipcbox msgsnd --no-wait"
	tmux_type C-u "semop -P /lock --hold -- printen" Tab
	tmux_wait "--hold -- printenv"
}

@test "bash: socket addresses, unix: paths and live keys" {
	mkdir "$BATS_TEST_TMPDIR/socks"
	: >"$BATS_TEST_TMPDIR/socks/target"
	"$IPCBOX" msgsnd -k 0x51a7 -c hi
	start_bash "$P"
	tmux_type "sockcat unix-s" Tab
	tmux_wait "sockcat unix-seqpacket:"
	tmux_type C-u "sockcat unix:$BATS_TEST_TMPDIR/socks/ta" Tab
	tmux_wait "socks/target"
	tmux_type C-u "msgrcv -k 0x000051" Tab
	tmux_wait "msgrcv -k 0x000051a7"
}

@test "bash: a default install leaves the system's ipcs alone; LINKS=all takes it" {
	start_bash "$P"
	tmux_run "complete -p ipcs >/dev/null 2>&1 || _completion_loader ipcs; complete -p ipcs 2>&1 | grep -c _ipcbox; true" 2
	run tmux -S "$SOCK" capture-pane -p -t t
	[[ $output == *$'\n0\n'* ]]
	[ ! -e "$P/share/bash-completion/completions/ipcs" ]
	tmux -S "$SOCK" kill-server
	start_bash "$DDALL/usr/local"
	tmux_type "ipcs --js" Tab
	tmux_wait "ipcs --json"
	# -o's column names, one after another in its comma-separated list
	tmux_type C-u "ipcs -q -o +KEY,LS" Tab
	tmux_wait "ipcs -q -o +KEY,LSPID"
}

@test "zsh: options, POSIX names and the #compdef names of each install" {
	: >/dev/shm/seg_one
	start_zsh "$P"
	tmux_type "shmcat --st" Tab
	tmux_wait "shmcat --stat"
	tmux_type C-u "shmcat -P /seg_o" Tab
	tmux_wait "shmcat -P /seg_one"
	tmux_type C-u "msgsnd --wa" Tab
	tmux_wait "msgsnd --wait="
	tmux_type C-u "ipcbox ipcs -s --output=KEY,NS" Tab
	tmux_wait "ipcbox ipcs -s --output=KEY,NSEMS"
	run head -n 1 "$P/share/zsh/site-functions/_ipcbox"
	assert_contains "$output" "shmcat"
	refute_contains "$output" "ipcs"
	refute_contains "$output" "mkfifo"
	run head -n 1 "$DDALL/usr/local/share/zsh/site-functions/_ipcbox"
	assert_contains "$output" " ipcs "
}

@test "fish: options, POSIX names, commands after --, and the system's ipcs left alone" {
	: >/dev/shm/seg_one
	run fish_complete "$P" "shmcat --st"
	assert_contains "$output" "--stat"
	run fish_complete "$P" "shmcat -P /"
	assert_contains "$output" "/seg_one"
	run fish_complete "$P" "ipcbox "
	assert_contains "$output" "msgsnd"
	refute_contains "$output" "test:"
	run fish_complete "$P" "semop -k 1 --hold -- printen"
	assert_contains "$output" "printenv"
	run fish_complete "$P" "ipcs --js"
	refute_contains "$output" "--json"
	run fish_complete "$DDALL/usr/local" "ipcs --js"
	assert_contains "$output" "--json"
	run fish_complete "$P" "ipcbox ipcs -o KEY,I"
	assert_eq "$output" "KEY,ID"
}

@test "ipcbox --complete: option values by kind, aliases, and -- ends the options" {
	run "$IPCBOX" --complete msgsnd --no
	assert_eq "$output" "words
--no-wait
--nowait"
	run "$IPCBOX" --complete msgsnd -k 1 -- --no
	assert_eq "$output" "words"
	run "$IPCBOX" --complete msgsnd --ftok=/e
	assert_eq "$output" "files --ftok="
	run "$IPCBOX" --complete ms
	assert_eq "$output" "words
msgrcv
msgsnd"
}

@test "ipcbox --complete: -o's columns are --list-columns', each NAME of the list once" {
	run "$IPCBOX" --complete ipcs -o KEY,I
	assert_eq "$output" "words
KEY,ID"
	run "$IPCBOX" --complete ipcs -qo KEY,I
	assert_eq "$output" "words
KEY,ID"
	# a leading + is kept, and --output= too
	run "$IPCBOX" --complete ipcs --output=+NS
	assert_eq "$output" "words
--output=+NSEMS"
	# names the list has (in any case, as ipcs reads them) are not offered again
	run "$IPCBOX" --complete ipcs -o key,ID,K
	assert_eq "$output" "words"
	run "$IPCBOX" --complete ipcs -o KEY,ID,
	refute_contains "$output" "KEY,ID,KEY"
	assert_contains "$output" "KEY,ID,OWNER"
	# every column, from the table --list-columns prints
	assert_eq "$("$IPCBOX" --complete ipcs -o '' | sed 1d)" \
		"$("$IPCBOX" ipcs --list-columns | awk '{ print $1 }')"
	assert_eq "$("$IPCBOX" --complete ipcs -o KEY,ID, | sed 1d | wc -l)" \
		$(($("$IPCBOX" ipcs --list-columns | wc -l) - 2))
}
