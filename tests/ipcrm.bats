#!/usr/bin/env bats
# ipcrm: still a stub (its issue replaces this file with the real tests).

load helpers

@test "ipcrm answers --help and says it is not implemented yet" {
	run "$IPCBOX" ipcrm --help
	assert_status 0
	assert_contains "$output" "Usage: ipcrm"
	run --separate-stderr "$IPCBOX" ipcrm
	assert_status 1
	assert_eq "$stderr" "ipcrm: not implemented yet"
}
