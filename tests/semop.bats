#!/usr/bin/env bats
# semop: still a stub (its issue replaces this file with the real tests).

load helpers

@test "semop answers --help and says it is not implemented yet" {
	run "$IPCBOX" semop --help
	assert_status 0
	assert_contains "$output" "Usage: semop"
	run --separate-stderr "$IPCBOX" semop
	assert_status 1
	assert_eq "$stderr" "semop: not implemented yet"
}
