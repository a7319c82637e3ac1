/* The one list of applets, sorted by name: APPLET(name, "one-line summary").
 * Adding an applet is one line here plus applets/NAME.c defining
 * int NAME_main(int argc, char **argv). */
APPLET(ipcrm, "remove System V and POSIX IPC objects")
APPLET(ipcs, "show System V and POSIX IPC objects")
APPLET(mkfifo, "make named pipes (FIFOs)")
APPLET(msgrcv, "receive messages from a System V or POSIX message queue")
APPLET(msgsnd, "send messages to a System V or POSIX message queue")
APPLET(pipeline, "run commands connected by pipes, without a shell")
APPLET(semop, "operate on System V and POSIX semaphores, or hold one around a command")
APPLET(shmcat, "read, write and inspect shared memory segments")
APPLET(sockcat, "connect stdin/stdout or a command to a UNIX or Internet socket")
