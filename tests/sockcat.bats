#!/usr/bin/env bats
# sockcat: still a stub (its issue replaces this file with the real tests).

load helpers

@test "sockcat answers --help and says it is not implemented yet" {
	run "$IPCBOX" sockcat --help
	assert_status 0
	assert_contains "$output" "Usage: sockcat"
	run --separate-stderr "$IPCBOX" sockcat
	assert_status 1
	assert_eq "$stderr" "sockcat: not implemented yet"
}
