#!/usr/bin/env bats
# shmcat: still a stub (its issue replaces this file with the real tests).

load helpers

@test "shmcat answers --help and says it is not implemented yet" {
	run "$IPCBOX" shmcat --help
	assert_status 0
	assert_contains "$output" "Usage: shmcat"
	run --separate-stderr "$IPCBOX" shmcat
	assert_status 1
	assert_eq "$stderr" "shmcat: not implemented yet"
}
