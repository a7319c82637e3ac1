#!/usr/bin/env bats
# msgsnd: still a stub (its issue replaces this file with the real tests).

load helpers

@test "msgsnd answers --help and says it is not implemented yet" {
	run "$IPCBOX" msgsnd --help
	assert_status 0
	assert_contains "$output" "Usage: msgsnd"
	run --separate-stderr "$IPCBOX" msgsnd
	assert_status 1
	assert_eq "$stderr" "msgsnd: not implemented yet"
}
