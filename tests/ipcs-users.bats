#!/usr/bin/env bats
# ipcs --users (who is using each object, and how, from one pass over /proc), what
# --stale makes of it, and --ftok-scan (which file each key's ftok(3) came from).
# The processes run in a new pid namespace with its own /proc (tests/ipcs_helpers/
# users.sh), where all of them can be inspected and only ours are seen; the suite
# otherwise shares its pid namespace with the host.

load helpers
load ipcs_helpers

setup() {
	ib_setup
	need_sysv_ipc
	need_mqueue
	unshare --pid --fork --mount-proc true 2>/dev/null || skip "no private pid namespace"
	clear_ipc
}

teardown() {
	clear_ipc
	! mountpoint -q tree || umount tree
}

# Runs the fixture (on a clean slate) and then "$@" in a new pid namespace: sets
# ROLES ("ROLE PID" lines) and OUT (what "$@" printed), and stderr and status as
# `run` does.
with_users() {
	clear_ipc
	run --separate-stderr unshare --pid --fork --mount-proc -- \
		bash "$IPCBOX_TOP/tests/ipcs_helpers/users.sh" "$@"
	ROLES=${output%%--*}
	OUT=${output#*--$'\n'}
}
pid_of() { awk -v r="$1" '$1 == r { print $2 }' <<<"$ROLES"; }

@test "--users --json: each process using an object, its pid, command and how" {
	with_users "$IPCBOX" ipcs -a --posix --users --json
	assert_status 0
	assert_eq "$stderr" ""
	local got
	got=$(printf '%s' "$OUT" | json_eval '"\n".join("%s %s %s %s %s" % (k, o.get("key", o.get("name")), u["pid"], u["command"], u["how"]) for k in sorted(d) for o in d[k] for u in o["users"])')
	assert_eq "$got" "messages 0x00005502 $(pid_of msgrcv) python3 waiting-receive
posix-messages /pq $(pid_of mq) python3 open
posix-messages /pq $(pid_of mqrecv) python3 open
posix-messages /pq $(pid_of mqrecv) python3 waiting-receive
posix-semaphores /psem $(pid_of psem) python3 mapped
posix-sharedmemory /pshm $(pid_of pshm) python3 mapped
posix-sharedmemory /pshm $(pid_of pshm) python3 open
semaphores 0x00005503 $(pid_of semop) python3 waiting-semop
sharedmemory 0x00005501 $(pid_of shm) python3 attached"
	# every object has both members; here every process could be inspected
	assert_eq "$(printf '%s' "$OUT" | json_eval 'sorted(set((("users" in o), o["users_incomplete"]) for k in d for o in d[k]))')" \
		"[(True, False)]"
}

@test "--users in text: a users column, and a list under -i" {
	with_users "$IPCBOX" ipcs -q -m --users
	assert_status 0
	assert_eq "$stderr" ""
	assert_contains "$OUT" "------ Message Queues --------
key        msqid      owner      perms      used-bytes   messages     users               "
	[[ $OUT =~ 0x00005502\ .*\ $(pid_of msgrcv)\(python3\) ]]
	[[ $OUT =~ 0x00005505\ .*\ -\  ]]
	[[ $OUT =~ 0x00005501\ .*\ $(pid_of shm)\(python3\) ]]
	with_users "$IPCBOX" ipcs --posix -q -i /pq --users
	assert_status 0
	assert_contains "$OUT" "users:
  $(printf '%-10s %-16s %s' "$(pid_of mq)" python3 open)
  $(printf '%-10s %-16s %s' "$(pid_of mqrecv)" python3 open)
  $(printf '%-10s %-16s %s' "$(pid_of mqrecv)" python3 waiting-receive)"
}

@test "-o USERS and FTOK: the cells of --users and --ftok-scan in lsipc-style tables" {
	need_smartcols
	with_users "$IPCBOX" ipcs -m -o KEY,USERS --noheadings
	assert_status 0
	[[ $OUT =~ 0x00005501\ +$(pid_of shm)\(python3\) ]]
	with_users "$IPCBOX" ipcs -Q -o NAME,USERS -J
	assert_status 0
	assert_eq "$(printf '%s' "$OUT" | json_eval '[o["users"] for k in d for o in d[k]][0]')" \
		"$(pid_of mq)(python3),$(pid_of mqrecv)(python3)"
	mkdir tree
	touch tree/app
	"$IPCBOX" msgsnd -f tree/app:9 -c job
	run --separate-stderr "$IPCBOX" ipcs -q -o KEY,FTOK -r --noheadings --ftok-scan tree
	assert_status 0
	[[ $output =~ (^|$'\n')0x09[0-9a-f]{6}\ tree/app:9($|$'\n') ]]
	# without --ftok-scan the cell is empty
	run --separate-stderr "$IPCBOX" ipcs -q -o KEY,FTOK -r --noheadings
	assert_status 0
	[[ $output =~ (^|$'\n')0x09[0-9a-f]{6}\ *($|$'\n') ]]
}

@test "--users as another user: lists marked incomplete, one line on stderr" {
	need_drop
	with_users setpriv --reuid=65534 --regid=65534 --clear-groups -- "$IPCBOX" ipcs -a --posix --users --json
	assert_status 0
	# nobody may not read root's processes: nothing is guessed, every list is incomplete
	assert_eq "$(printf '%s' "$OUT" | json_eval 'sorted(set((len(o["users"]), o["users_incomplete"]) for k in d for o in d[k]))')" \
		"[(0, True)]"
	[[ $stderr =~ ^"ipcs: --users: "[0-9]+" process"(es)?" could not be inspected (/proc/PID/maps, fd or syscall not readable: not ours; try as root): lists marked incomplete may miss users"$ ]]
	with_users setpriv --reuid=65534 --regid=65534 --clear-groups -- "$IPCBOX" ipcs -q -m --users
	assert_status 0
	[[ $OUT =~ 0x00005502\ .*\ \?\  ]]
	[[ $OUT =~ 0x00005501\ .*\ \?\  ]]
	assert_eq "$(grep -c . <<<"$stderr")" 1
}

@test "--stale: nothing attached, mapped, open or waited on is stale; what cannot be told is said" {
	with_users "$IPCBOX" ipcs -a --posix --stale --json
	assert_status 0
	# 0x5502 and 0x5503 have only dead processes recorded, but a live one waits on
	# each; 0x5505 and 0x5506 likewise with no waiter; 0x5507 was never operated on
	assert_eq "$(printf '%s' "$OUT" | json_eval 'sorted(o.get("key", o.get("name")) for k in d for o in d[k])')" \
		"['/orphan', '0x00005505', '0x00005506']"
	assert_eq "$stderr" "ipcs: --stale cannot tell whether 1 object is stale: 1 with no process recorded (never used, or used from another PID namespace); left out: select such objects with --older-than or --keys"
	# ipcrm says the same, and removes only what is stale
	with_users "$IPCBOX" ipcrm --stale -v
	assert_status 0
	assert_eq "$stderr" "ipcrm: --stale cannot tell whether 1 object is stale: 1 with no process recorded (never used, or used from another PID namespace); left out: select such objects with --older-than or --keys"
	assert_eq "$(grep -c '^removing' <<<"$OUT")" 3
	assert_eq "$(awk 'FNR > 1 { printf "%x ", $1 }' /proc/sysvipc/msg /proc/sysvipc/shm /proc/sysvipc/sem)" \
		"5502 5501 5503 5507 "
	# as another user the POSIX users cannot all be seen: not stale, and said so
	need_drop
	clear_ipc
	with_users setpriv --reuid=65534 --regid=65534 --clear-groups -- "$IPCBOX" ipcs --posix -m --stale
	assert_status 0
	refute_contains "$OUT" "/orphan"
	assert_eq "$stderr" "ipcs: --stale cannot tell whether 2 objects are stale: 2 POSIX, while not every process could be inspected (try as root); left out: select such objects with --older-than or --keys"
}

# A tree of files, on a tmpfs of its own: keys from ipcbox -f and from python's
# sysv_ipc.ftok.
make_tree() {
	mkdir tree
	mount -t tmpfs tmpfs tree
	mkdir tree/sub tree/sub/deeper
	touch tree/a tree/b tree/sub/c tree/sub/deeper/d
}

@test "--ftok-scan names the PATH:PROJ each key came from; -R looks below" {
	make_tree
	"$IPCBOX" msgsnd -f tree/a:7 -c --create-only >/dev/null
	"$IPCBOX" shmcat -f tree/b:A -c -s 4K </dev/null
	"$IPCBOX" msgsnd -f tree/sub/deeper/d:200 -c --create-only >/dev/null
	"$PY" -c 'import sysv_ipc; sysv_ipc.Semaphore(sysv_ipc.ftok("tree/sub/c", 3, True), sysv_ipc.IPC_CREX); sysv_ipc.Semaphore(sysv_ipc.ftok("tree", 9, True), sysv_ipc.IPC_CREX)'
	"$PY" -c 'import sysv_ipc; sysv_ipc.MessageQueue(0x1234, sysv_ipc.IPC_CREX)'
	run --separate-stderr "$IPCBOX" ipcs --ftok-scan tree --json
	assert_status 0
	assert_eq "$stderr" ""
	local want
	want=$("$PY" -c '
import sysv_ipc
k = lambda p, n: "0x%08x" % (sysv_ipc.ftok(p, n, True) & 0xffffffff)
print(sorted([("0x00001234", []), (k("tree/a", 7), ["tree/a:7"]), (k("tree/b", 65), ["tree/b:65"]),
              (k("tree", 9), ["tree:9"]), (k("tree/sub/c", 3), []), (k("tree/sub/deeper/d", 200), [])]))')
	assert_eq "$(printf '%s' "$output" | json_eval 'sorted((o["key"], o["ftok"]) for k in d for o in d[k])')" "$want"
	# -R: the subdirectories too; more directories as operands
	run --separate-stderr "$IPCBOX" ipcs -s -R --ftok-scan tree/sub
	assert_status 0
	assert_contains "$output" "tree/sub/c:3"
	run --separate-stderr "$IPCBOX" ipcs -q --ftok-scan tree/sub tree/sub/deeper
	assert_contains "$output" "tree/sub/deeper/d:200"
	refute_contains "$output" "tree/a:7"
	# what is printed is what -f takes back to the same object
	local first
	first=$("$IPCBOX" ipcs -q -R --ftok-scan tree --json | json_eval '[o["ftok"][0] for o in d["messages"] if o["ftok"]][0]')
	assert_eq "$("$IPCBOX" ipcs -q -i "$("$IPCBOX" msgsnd -f "$first" --create-only)" --json | json_eval 'd["messages"][0]["key"]')" \
		"$("$IPCBOX" ipcs -q -R --ftok-scan tree --json | json_eval '[o["key"] for o in d["messages"] if o["ftok"]][0]')"
	# -i shows it as a line
	run --separate-stderr "$IPCBOX" ipcs -m -i "$(awk 'FNR == 2 { print $2 }' /proc/sysvipc/shm)" --ftok-scan tree
	assert_contains "$output" $'\nftok=tree/b:65'
}

@test "--ftok-scan lists every candidate when the low bits of two files collide" {
	make_tree
	# a file whose inode number has the low 16 bits of tree/a's: made by creating
	# files (kept, so no number is reused) until one has them
	"$PY" - <<'PY'
import os
want = os.stat("tree/a").st_ino & 0xffff
os.mkdir("tree/many")
for i in range(200000):
    p = "tree/many/%d" % i
    os.close(os.open(p, os.O_CREAT | os.O_WRONLY))
    if os.stat(p).st_ino & 0xffff == want:
        os.rename(p, "tree/twin")
        break
else:
    raise SystemExit("no inode number with the same low bits")
for f in os.listdir("tree/many"):
    os.unlink("tree/many/" + f)
os.rmdir("tree/many")
PY
	"$IPCBOX" msgsnd -f tree/twin:5 -c --create-only >/dev/null
	run --separate-stderr "$IPCBOX" ipcs -q --ftok-scan tree
	assert_status 0
	# both, comma-separated, in the order the directory gave them
	assert_eq "$(grep -o ' tree/.*' <<<"$output" | tr ', ' '\n\n' | sort | paste -sd ' ')" " tree/a:5 tree/twin:5"
}

@test "--ftok-scan: a directory that cannot be read is said, and the status is 1" {
	mkdir d
	run --separate-stderr "$IPCBOX" ipcs -q --ftok-scan d --ftok-scan nope
	assert_status 1
	assert_eq "$stderr" "ipcs: --ftok-scan: cannot read 'nope': No such file or directory"
	assert_contains "$output" "------ Message Queues --------"
}
