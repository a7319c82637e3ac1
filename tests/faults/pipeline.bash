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
