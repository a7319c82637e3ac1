# pipeline: stdout is a prefix of what the stages make of the input, all of it
# when the status is 0; a failure is reported (status and a message, or the
# injected signal passed on: 128+N); no stage is left running, whatever happens
# to pipeline itself.

pipeline_stages_prepare() {
	seq -w 1 5000 | head -c 20000 >in
	tr 0-9 a-j <in >want
}
pipeline_stages_setup() { :; }
pipeline_stages_run() {
	traced "$IPCBOX" pipeline -s fail -- cat '|' tr 0-9 a-j '|' cat <"$IN/in" >out 2>err
	STATUS=$?
}
pipeline_stages_check() {
	if [ "$STATUS" = 0 ]; then
		cmp -s out "$IN/want" || broke "exit 0 but stdout is not the stages' output"
	else
		cmp -s out <(head -c "$(stat -c %s out)" "$IN/want") ||
			broke "stdout is not a prefix of the stages' output"
	fi
}
# Faults go to every process, stages included; a short count there would skip
# bytes in several processes at once, which no single invariant describes.
NO_SHORT_pipeline_stages=1
# pipeline reaps with wait4(WNOHANG), which never sleeps and so never fails with
# EINTR: its signals come after the call instead.
NO_EINTR_pipeline_stages="wait4"
scenario pipeline pipeline_stages "pipe2 vfork clone clone3 execve wait4 waitid read write kill" \
	"20 KB of input: pipeline -s fail -- cat '|' tr 0-9 a-j '|' cat <in >file"

# Fan-out: each branch's file is the whole input (allowing for the byte a short
# count injected into a stage's read or write adds or drops) when the status is 0;
# otherwise a prefix of it, and pipeline failed loudly (generic_check: a message).
# The copier tees and splices from a pipe (pipeline_fanout) or reads and writes
# from a file (pipeline_fanout_file); dd writes each branch's file.
pipeline_fanout_prepare() {
	seq -w 1 60000 | head -c 300000 >in
}
pipeline_fanout_setup() { rm -f b1 b2; }
pipeline_fanout_run() {
	traced "$IPCBOX" pipeline -s fail -- cat '|' '{' dd of=b1 bs=64K status=none '}' \
		'{' dd of=b2 bs=64K status=none '}' <"$IN/in" >out 2>err
	STATUS=$?
}
pipeline_fanout_check() {
	local b
	for b in b1 b2; do
		[ -e "$b" ] || { [ "$STATUS" != 0 ] || broke "exit 0 but $b is missing"; continue; }
		if [ "$STATUS" = 0 ]; then
			same_bytes "$b" "$IN/in" || broke "exit 0 but $b is not the whole input"
		else
			same_bytes "$b" <(head -c "$(stat -c %s "$b")" "$IN/in") ||
				cmp -s "$b" <(head -c "$(stat -c %s "$b")" "$IN/in") ||
				broke "$b is not a prefix of the input"
		fi
	done
}
NO_EINTR_pipeline_fanout="wait4"
# As for pipeline_stages: a short count hits the copier and both dd at once. The
# copier's real short counts (a tee that a fuller branch cuts short) are in
# tests/pipeline.bats (-b 4096, four branches).
NO_SHORT_pipeline_fanout=1
scenario pipeline pipeline_fanout "tee splice read write pipe2 clone wait4" \
	"300 KB: pipeline -s fail -- cat '|' '{' dd of=b1 '}' '{' dd of=b2 '}' <in"

pipeline_fanout_file_prepare() { pipeline_fanout_prepare; }
pipeline_fanout_file_setup() { pipeline_fanout_setup; }
pipeline_fanout_file_run() {
	traced "$IPCBOX" pipeline -s fail -- '{' dd of=b1 bs=64K status=none '}' \
		'{' dd of=b2 bs=64K status=none '}' <"$IN/in" >out 2>err
	STATUS=$?
}
pipeline_fanout_file_check() { pipeline_fanout_check; }
NO_EINTR_pipeline_fanout_file="wait4"
NO_SHORT_pipeline_fanout_file=1
scenario pipeline pipeline_fanout_file "tee read write" \
	"300 KB from a file: pipeline -s fail -- '{' dd of=b1 '}' '{' dd of=b2 '}' <in"
