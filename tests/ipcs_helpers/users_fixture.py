# Processes using IPC objects in each way ipcs --users reports, for tests/ipcs-users.bats.
# Prints "ROLE PID" for each, then "ready", once every one is using its object (the
# blocked ones polled in /proc until they sleep in their call); then waits to be
# killed, and its children die with it (PR_SET_PDEATHSIG).
#   shm     attached to System V segment 0x5501
#   pshm    maps POSIX shared memory /pshm
#   psem    maps the named semaphore /psem
#   mq      holds POSIX queue /pq open
#   mqrecv  holds /pq open and is blocked in mq_timedreceive on it
#   msgrcv  blocked in msgrcv on queue 0x5502, whose last sender and receiver are gone
#   semop   blocked in semop on set 0x5503, whose last operator is gone
# Also left: queue 0x5505 and set 0x5506, whose processes are gone and nobody waits on
# (stale); set 0x5507, never operated on; POSIX /orphan, which nobody maps.
import ctypes, mmap, os, signal, sys, time
import sysv_ipc

libc = ctypes.CDLL(None, use_errno=True)
rt = ctypes.CDLL("librt.so.1", use_errno=True)
libc.sem_open.restype = ctypes.c_void_p

def child(body):
    pid = os.fork()
    if pid == 0:
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if os.getppid() == 1:
            os._exit(1)
        body()
        signal.pause()
        os._exit(0)
    return pid

def used_and_left(q, s):
    """Makes Q's lspid and lrpid, and S's sempid, processes that have exited (S
    left at 0)."""
    for body in (lambda: q.send(b"x"), lambda: q.receive(), lambda: s.release(),
                 lambda: s.acquire()):
        pid = os.fork()
        if pid == 0:
            body()
            os._exit(0)
        os.waitpid(pid, 0)

shm = sysv_ipc.SharedMemory(0x5501, sysv_ipc.IPC_CREX, 0o600, 4096)
shm.detach()
q = sysv_ipc.MessageQueue(0x5502, sysv_ipc.IPC_CREX, 0o600)
s = sysv_ipc.Semaphore(0x5503, sysv_ipc.IPC_CREX, 0o600, 0)
used_and_left(q, s)
q5 = sysv_ipc.MessageQueue(0x5505, sysv_ipc.IPC_CREX, 0o600)
s6 = sysv_ipc.Semaphore(0x5506, sysv_ipc.IPC_CREX, 0o600, 0)
used_and_left(q5, s6)
assert libc.semget(0x5507, 1, sysv_ipc.IPC_CREX | 0o600) >= 0  # no SETVAL: no pid
open("/dev/shm/orphan", "w").write("x")
fd = os.open("/dev/shm/pshm", os.O_CREAT | os.O_RDWR, 0o600)
os.ftruncate(fd, 4096)
os.close(fd)
libc.sem_close.argtypes = [ctypes.c_void_p]
libc.sem_close(libc.sem_open(b"/psem", os.O_CREAT, 0o600, 1))
mqd = rt.mq_open(b"/pq", os.O_CREAT | os.O_RDWR, 0o600, None)
assert mqd >= 0
os.close(mqd)

def attach():
    shm.attach()

def map_pshm():
    f = os.open("/dev/shm/pshm", os.O_RDWR)
    global m
    m = mmap.mmap(f, 4096)
    os.close(f)

def map_psem():
    assert libc.sem_open(b"/psem", 0)

def open_mq():
    assert rt.mq_open(b"/pq", os.O_RDWR) >= 0

def recv_mq():
    d = rt.mq_open(b"/pq", os.O_RDWR)
    buf = ctypes.create_string_buffer(8192)
    rt.mq_receive(d, buf, 8192, None)

roles = [("shm", attach, None), ("pshm", map_pshm, None), ("psem", map_psem, None),
         ("mq", open_mq, None), ("mqrecv", recv_mq, ("wq_sleep", "mq_timedreceive")),
         ("msgrcv", lambda: q.receive(), ("msgrcv",)),
         ("semop", lambda: s.acquire(), ("semop", "semtimedop"))]
r, w = os.pipe()
pids = {}
for name, body, wchan in roles:
    def ready_then(body=body, blocks=wchan):
        if not blocks:
            body()
        os.write(w, b"x")
        if blocks:
            body()
    pids[name] = child(ready_then)
    os.read(r, 1)
for name, body, wchan in roles:
    if wchan:  # bounded: 10 s at most
        for _ in range(10000):
            # the kernel function it sleeps in: its name varies a little by kernel
            if any(w in open("/proc/%d/wchan" % pids[name]).read() for w in wchan):
                break
            time.sleep(0.001)
        else:
            sys.exit("%s never blocked: %s" % (name, open("/proc/%d/wchan" % pids[name]).read()))
for name, _, _ in roles:
    print(name, pids[name])
print("ready", flush=True)
signal.pause()
