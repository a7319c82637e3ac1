# Helpers for tests/pipeline.bats.

# Runs the pipeline applet.
pl() {
	"$IPCBOX" pipeline "$@"
}
