#!/usr/bin/env bats
# The layout rules of HACKING.md ("What is shared"), checked on the source: what
# may end the process or print in the core, what lives beside one applet, and one
# spelling per kind of object.

load helpers

setup() {
	cd "$BATS_TEST_DIRNAME/.."
}

@test "layout: in src/ipc/ only err.c and opt.c end the process (and spawn.c's child)" {
	run grep -lE '\b(exit|_exit|abort|raise|ib_die|ib_die_sys|ib_die_of_signal|ib_version_exit)\(' \
		src/ipc/*.c
	assert_eq "$output" "src/ipc/err.c
src/ipc/opt.c
src/ipc/spawn.c"
	# spawn.c ends only a child it made, between fork and exec, with _exit.
	run grep -E '\b(exit|abort|raise|ib_die|ib_die_sys|ib_die_of_signal|ib_version_exit)\(' \
		src/ipc/spawn.c
	assert_status 1
	# Usage errors come only from option parsing: opt.c and the option handlers
	# ib_object_arg/ib_object_check (object.c) and ib_filter_arg (filter.c).
	run grep -lE '\b(ib_usage_error|ib_args_invalid)\(' src/ipc/*.c
	assert_eq "$output" "src/ipc/err.c
src/ipc/filter.c
src/ipc/object.c
src/ipc/opt.c"
}

@test "layout: in src/ipc/ only the named reporting functions print a failure" {
	# err.c and opt.c are the messages themselves; object.c's ib_sysv_open and
	# ib_object_check (-f's ftok), msgq.c's ib_msgq_open and spawn.c's wait and
	# exec reports say so in their headers. Everything else returns the failure.
	run grep -lE '\bib_warn(_sys)?\(|\bstderr\b|\bperror\(' src/ipc/*.c
	assert_eq "$output" "src/ipc/err.c
src/ipc/msgq.c
src/ipc/object.c
src/ipc/opt.c
src/ipc/spawn.c"
}

@test "layout: a core module serves two applets; an applet's own parts live beside it" {
	local h m users
	for h in src/ipc/*.h; do
		m=${h#src/}
		# Users: applets (by name, parts counted with their applet), main.c, and
		# other core modules (whose users count in turn).
		users=$(grep -l "#include \"$m\"" applets/*.c applets/*.h src/main.c src/ipc/*.[ch] 2>/dev/null |
			grep -v "^src/ipc/$(basename "$m" .h)\.[ch]$" | sed -E 's#^applets/([a-z0-9_]+)(-[a-z0-9_]+)?\.[ch]$#\1#' |
			sort -u)
		if [ "$(wc -l <<<"$users")" -lt 2 ] && ! grep -q '^src/' <<<"$users"; then
			echo "$m is used only by: $users" >&2
			return 1
		fi
	done
	# An applet includes its own parts and the core, never another applet's parts.
	run grep -HE '#include "[a-z0-9_]+-[a-z0-9_]+\.h"' applets/*.c applets/*.h
	local line file inc
	while IFS= read -r line; do
		[ -n "$line" ] || continue
		file=${line%%:*} inc=${line#*\"}
		file=${file#applets/} inc=${inc%%\"*}
		[ "${file%%[-.]*}" = "${inc%%-*}" ] || { echo "$line" >&2; return 1; }
	done <<<"$output"
}

@test "layout: one spelling per kind of object (msgq, shm, sem) in identifiers" {
	# msq, pmq, mq (but the C library's mq_*, mqd_t and msqid_ds) and PMSG name a
	# message queue nowhere; the kinds are enum ib_kind (ipc/kind.h) alone.
	run grep -nE '\b(ib|IB)_[A-Za-z0-9_]*(msq|MSQ|pmq|PMQ|PMSG|_mq_|_mq\b|_OBJ_)|enum ib_(posix_kind|optobj)' \
		src/*.c src/ipc/*.[ch] applets/*.[ch]
	assert_eq "$output" ""
}
