# Creates a varied set of System V and POSIX IPC objects for the ipcs tests, keeps
# the attachable ones attached, prints "ready" on stderr, then waits to be killed.
# Run with /usr/bin/python3 (python3-sysv-ipc). Objects made by a child process that
# has exited (so their pids are dead) have keys 0x5a000001.. ("stale" ones).
import ctypes, os, signal, sys

import sysv_ipc

libc = ctypes.CDLL(None, use_errno=True)
SETVAL, SHM_LOCK = 16, 11


def sem_set(key, values, mode):
    sid = libc.semget(key, len(values), sysv_ipc.IPC_CREX | mode)
    assert sid >= 0, os.strerror(ctypes.get_errno())
    for i, v in enumerate(values):
        assert libc.semctl(sid, i, SETVAL, ctypes.c_int(v)) == 0
    return sid


# Stale objects: made by a child that exits at once.
pid = os.fork()
if pid == 0:
    q = sysv_ipc.MessageQueue(0x5A000001, sysv_ipc.IPC_CREX, 0o600)
    q.send(b"left behind")
    m = sysv_ipc.SharedMemory(0x5A000002, sysv_ipc.IPC_CREX, size=4096)
    m.attach()
    m.detach()
    s = sysv_ipc.Semaphore(0x5A000003, sysv_ipc.IPC_CREX, initial_value=1)
    s.release()
    os._exit(0)
os.waitpid(pid, 0)
stale_q = sysv_ipc.MessageQueue(0x5A000001)
stale_m = libc.shmget(0x5A000002, 0, 0)  # sysv_ipc would attach it
stale_s = sysv_ipc.Semaphore(0x5A000003)

q1 = sysv_ipc.MessageQueue(0x1234, sysv_ipc.IPC_CREX, 0o644)
q1.send(b"hello", type=3)
q1.send(b"x" * 1500, type=1)
q2 = sysv_ipc.MessageQueue(sysv_ipc.IPC_PRIVATE, sysv_ipc.IPC_CREX, 0o600)
q2.uid, q2.gid = 65534, 65534
q3 = sysv_ipc.MessageQueue(0xFFFFFFF0, sysv_ipc.IPC_CREX, 0o666)
q3.uid, q3.gid = 12345, 12345
q3.send(b"a")
q3.receive()

m1 = sysv_ipc.SharedMemory(sysv_ipc.IPC_PRIVATE, sysv_ipc.IPC_CREX, size=5000)
m1.attach()
m2 = sysv_ipc.SharedMemory(0x99, sysv_ipc.IPC_CREX, size=3 << 20)
m2.attach()
m2.remove()  # destroyed but attached: "dest"
m3 = sysv_ipc.SharedMemory(0x7FFFFFFF, sysv_ipc.IPC_CREX, size=1536, mode=0o640)
m3.uid, m3.gid = 65534, 12345
m4 = sysv_ipc.SharedMemory(0x4242, sysv_ipc.IPC_CREX, size=(1 << 20) + 300 * 1024)
libc.shmctl(m4.id, SHM_LOCK, None)  # "locked", where allowed

s1 = sysv_ipc.Semaphore(0x77, sysv_ipc.IPC_CREX, initial_value=3)
s1.release()
s2 = sem_set(0x78, [1, 2, 0], 0o640)
s3 = sem_set(0, [5], 0o600)

# The ids, for the tests to source: Q0..Q3, M0..M4, S0..S3 in creation order.
with open(sys.argv[1], "w") as f:
    for name, objs in (("Q", [stale_q.id, q1.id, q2.id, q3.id]),
                       ("M", [stale_m, m1.id, m2.id, m3.id, m4.id]),
                       ("S", [stale_s.id, s1.id, s2, s3])):
        for i, oid in enumerate(objs):
            f.write("%s%d=%d\n" % (name, i, oid))

sys.stderr.write("ready %d\n" % os.getpid())
sys.stderr.flush()
signal.signal(signal.SIGTERM, lambda *a: os._exit(0))
while True:
    signal.pause()
