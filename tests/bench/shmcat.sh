# shmcat cases: moving 1 GiB between a shared memory segment and a pipe, against
# cat and dd on a /dev/shm file of the same size (the bench mounts a 4g tmpfs there).
# Times in milliseconds per run (median of timeit's runs); goal: shmcat at least
# 0.8x their throughput, i.e. a time ratio of at most 1.25.
echo "== shmcat: 1 GiB through a pipe (ms per run)"
SHM_SIZE=${SHM_SIZE:-1G}
SHM_KEY=0x53484d42
shm_ms() { # COMMAND... : one median run time in ms
	local us
	us=$("$TIMEIT" -n "${SHM_RUNS:-3}" -- "$@") || return 1
	awk -v u="$us" 'BEGIN { printf "%.1f\n", u / 1000 }'
}
head -c "$SHM_SIZE" /dev/zero | tr '\0' 'x' >/dev/shm/shmcat.src
cp /dev/shm/shmcat.src /dev/shm/shmcat.dst
"$IPCBOX" shmcat -k "$SHM_KEY" -c -s "$SHM_SIZE"
"$IPCBOX" shmcat -k "$SHM_KEY" -w </dev/shm/shmcat.src
export IPCBOX SHM_KEY

bench_case "read: shmcat | cat >/dev/null" 1.25 \
	'shm_ms sh -c "\"\$IPCBOX\" shmcat -k \$SHM_KEY | cat >/dev/null"' \
	"cat file | cat" 'shm_ms sh -c "cat /dev/shm/shmcat.src | cat >/dev/null"'
bench_case "read: shmcat | cat >/dev/null" 1.25 \
	'shm_ms sh -c "\"\$IPCBOX\" shmcat -k \$SHM_KEY | cat >/dev/null"' \
	"dd bs=1M | cat" 'shm_ms sh -c "dd if=/dev/shm/shmcat.src bs=1M status=none | cat >/dev/null"'
bench_case "write: cat | shmcat -w" 1.25 \
	'shm_ms sh -c "cat /dev/shm/shmcat.src | \"\$IPCBOX\" shmcat -k \$SHM_KEY -w"' \
	"cat | cat >file" 'shm_ms sh -c "cat /dev/shm/shmcat.src | cat >/dev/shm/shmcat.dst"'
bench_case "write: cat | shmcat -w" 1.25 \
	'shm_ms sh -c "cat /dev/shm/shmcat.src | \"\$IPCBOX\" shmcat -k \$SHM_KEY -w"' \
	"cat | dd bs=1M" 'shm_ms sh -c "cat /dev/shm/shmcat.src | dd of=/dev/shm/shmcat.dst bs=1M conv=notrunc status=none"'

"$IPCBOX" ipcrm -M "$SHM_KEY" 2>/dev/null || ipcrm -M "$SHM_KEY"
rm -f /dev/shm/shmcat.src /dev/shm/shmcat.dst
