#!/usr/bin/env bats
# ipcs: still a stub (its issue replaces this file with the real tests).

load helpers

@test "ipcs answers --help and says it is not implemented yet" {
	run "$IPCBOX" ipcs --help
	assert_status 0
	assert_contains "$output" "Usage: ipcs"
	run --separate-stderr "$IPCBOX" ipcs
	assert_status 1
	assert_eq "$stderr" "ipcs: not implemented yet"
}
