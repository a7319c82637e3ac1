#!/usr/bin/env bats
# msgrcv: still a stub (its issue replaces this file with the real tests).

load helpers

@test "msgrcv answers --help and says it is not implemented yet" {
	run "$IPCBOX" msgrcv --help
	assert_status 0
	assert_contains "$output" "Usage: msgrcv"
	run --separate-stderr "$IPCBOX" msgrcv
	assert_status 1
	assert_eq "$stderr" "msgrcv: not implemented yet"
}
