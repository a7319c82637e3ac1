#!/usr/bin/env bats
# pipeline: still a stub (its issue replaces this file with the real tests).

load helpers

@test "pipeline answers --help and says it is not implemented yet" {
	run "$IPCBOX" pipeline --help
	assert_status 0
	assert_contains "$output" "Usage: pipeline"
	run --separate-stderr "$IPCBOX" pipeline
	assert_status 1
	assert_eq "$stderr" "pipeline: not implemented yet"
}
