# Run in a new pid namespace with its own /proc (unshare --pid --fork --mount-proc),
# so every process is inspectable: makes POSIX objects nobody uses any more, and
# others a live process has open or mapped, then runs "$IPCBOX ipcs ARGS...".
/usr/bin/python3 -c '
import ctypes, os
rt = ctypes.CDLL("librt.so.1")
assert rt.mq_open(b"/orphanq", os.O_CREAT | os.O_RDWR, 0o600, None) >= 0
c = ctypes.CDLL(None)
c.sem_open.restype = ctypes.c_void_p
assert c.sem_open(b"/orphansem", os.O_CREAT, 0o644, 1)
open("/dev/shm/orphan", "w").write("x")
'
exec 3< <(exec /usr/bin/python3 -c '
import ctypes, os, mmap, signal
rt = ctypes.CDLL("librt.so.1")
q = rt.mq_open(b"/liveq", os.O_CREAT | os.O_RDWR, 0o600, None)
c = ctypes.CDLL(None)
c.sem_open.restype = ctypes.c_void_p
c.sem_open(b"/livesem", os.O_CREAT, 0o644, 1)
fd = os.open("/dev/shm/live", os.O_CREAT | os.O_RDWR)
os.ftruncate(fd, 4096)
m = mmap.mmap(fd, 4096)
os.close(fd)
print("ready", flush=True)
signal.pause()  # killed with the pid namespace when this script ends
')
read -r line <&3
[ "$line" = ready ] || exit 99
"$IPCBOX" ipcs "$@"
