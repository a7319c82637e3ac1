# Helpers for tests/pipeline.bats.

# Runs the pipeline applet.
pl() {
	"$IPCBOX" pipeline "$@"
}

# Waits (up to 10 s) until process $1 is gone or a zombie, i.e. no longer runs.
wait_dead() {
	local i state
	for ((i = 0; i < 1000; i++)); do
		state=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) || return 0
		[ "$state" = Z ] && return 0
		sleep 0.01
	done
	echo "process $1 still runs" >&2
	return 1
}

# Writes $COUNTER ($BATS_TEST_TMPDIR/counter.py), a stage that logs "ready", then one line per
# SIGINT or SIGTERM delivered to it (counted at C level by Python's wakeup fd, so
# two deliveries are two lines), and exits on SIGTERM. Usage: counter.py LOGFILE.
make_signal_counter() {
	COUNTER=$BATS_TEST_TMPDIR/counter.py
	cat >"$COUNTER" <<'EOF2'
import os, signal, sys
log = sys.argv[1]
r, w = os.pipe()
os.set_blocking(w, False)
signal.set_wakeup_fd(w)
for s in (signal.SIGINT, signal.SIGTERM):
    signal.signal(s, lambda *a: None)
def note(word):
    with open(log, "a") as f:
        f.write(word + "\n")
note("ready")
while True:
    for b in os.read(r, 64):
        note({signal.SIGINT: "INT", signal.SIGTERM: "TERM"}.get(b, str(b)))
        if b == signal.SIGTERM:
            sys.exit(0)
EOF2

	# $CTRLC LOG,LOG... COMMAND...: runs COMMAND on a pty (so the counters it starts in
	# its process group are in the terminal's foreground group), then: ^C from the
	# terminal (COMMAND stopped meanwhile, so a SIGINT it would forward cannot merge
	# with a stage's own pending one); a SIGINT to COMMAND alone; a SIGTERM to it.
	# Prints each LOG's words on a line, then COMMAND's exit code.
	CTRLC=$BATS_TEST_TMPDIR/ctrlc.py
	cat >"$CTRLC" <<'EOF2'
import os, pty, signal, sys, time
logs, argv = sys.argv[1].split(","), sys.argv[2:]
pid, fd = pty.fork()
if pid == 0:
    os.execv(argv[0], argv)
def words(log):
    try:
        return open(log).read().split()
    except FileNotFoundError:
        return []
def wait_for(cond, what):
    end = time.time() + 20
    while not cond():
        if time.time() > end:
            sys.exit("timed out waiting for " + what)
        time.sleep(0.01)
def state():
    return open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()[0]
def pending_int():  # a SIGINT not yet taken by COMMAND
    bit = 1 << (signal.SIGINT - 1)
    for line in open("/proc/%d/status" % pid):
        if line.startswith(("SigPnd:", "ShdPnd:")) and int(line.split()[1], 16) & bit:
            return True
    return False
wait_for(lambda: all(words(l) == ["ready"] for l in logs), "the stages")
os.kill(pid, signal.SIGSTOP)
wait_for(lambda: state() == "T", "the command to stop")
os.write(fd, b"\x03")                      # ^C from the terminal
wait_for(lambda: all("INT" in words(l) for l in logs), "the stages' SIGINT")
wait_for(pending_int, "the SIGINT to reach the command")
os.kill(pid, signal.SIGCONT)
wait_for(lambda: not pending_int(), "the command to take its SIGINT")
os.kill(pid, signal.SIGINT)                # to the command alone: forwarded
wait_for(lambda: all(words(l).count("INT") >= 2 for l in logs), "the forwarded SIGINT")
wait_for(lambda: not pending_int(), "the command to take the second SIGINT")
os.kill(pid, signal.SIGTERM)               # forwarded after any SIGINT still due
_, status = os.waitpid(pid, 0)
for l in logs:
    print(" ".join(words(l)))
print(os.waitstatus_to_exitcode(status))
EOF2
}
