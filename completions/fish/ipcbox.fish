# fish completion for ipcbox and its applets.
# Each applet's options are completed both for "APPLET" (a link to ipcbox) and for
# "ipcbox APPLET"; __ipcbox_is APPLET tells which applet the command line is for.

function __ipcbox_applet
    set -l cmd (commandline -opc)
    set -l name (string replace -r '.*/' '' -- $cmd[1])
    if string match -q 'ipcbox*' -- $name
        set -q cmd[2]; and echo $cmd[2]
    else
        echo $name
    end
end

function __ipcbox_is
    test (__ipcbox_applet) = $argv[1]
end

function __ipcbox_no_applet
    set -l cmd (commandline -opc)
    test (count $cmd) -eq 1
end

# ---- dispatch ----
complete -c ipcbox -f -n __ipcbox_no_applet -a '(ipcbox --list 2>/dev/null)' -d applet
complete -c ipcbox -f -n __ipcbox_no_applet -s l -l list -d 'list the applets'
complete -c ipcbox -n __ipcbox_no_applet -l install -d 'link every applet into DIR (-s: symbolic)'
complete -c ipcbox -f -n __ipcbox_no_applet -l help -d 'display help and exit'
complete -c ipcbox -f -n __ipcbox_no_applet -l version -d 'display version and exit'

# ---- mkfifo ----
complete -c ipcbox -c mkfifo -n '__ipcbox_is mkfifo' -s m -l mode -x -a '600 644 660 666 u=rw,g=r,o= a=rw' -d 'set file permission bits'
complete -c ipcbox -c mkfifo -n '__ipcbox_is mkfifo' -s Z -d 'set the default SELinux context'
complete -c ipcbox -c mkfifo -n '__ipcbox_is mkfifo' -l context -d 'set the SELinux context'
complete -c ipcbox -c mkfifo -n '__ipcbox_is mkfifo' -l help -d 'display help and exit'
complete -c ipcbox -c mkfifo -n '__ipcbox_is mkfifo' -l version -d 'display version and exit'

# ---- ipcrm ----
complete -c ipcbox -c ipcrm -n '__ipcbox_is ipcrm' -s m -l shmem-id -x -d 'remove the shared memory segment with id ID'
complete -c ipcbox -c ipcrm -n '__ipcbox_is ipcrm' -s M -l shmem-key -x -d 'remove the shared memory segment with key KEY'
complete -c ipcbox -c ipcrm -n '__ipcbox_is ipcrm' -l posix-shmem -x -d 'remove a POSIX shared memory object'
complete -c ipcbox -c ipcrm -n '__ipcbox_is ipcrm' -s q -l queue-id -x -d 'remove the message queue with id ID'
complete -c ipcbox -c ipcrm -n '__ipcbox_is ipcrm' -s Q -l queue-key -x -d 'remove the message queue with key KEY'
complete -c ipcbox -c ipcrm -n '__ipcbox_is ipcrm' -l posix-mqueue -x -d 'remove a POSIX message queue'
complete -c ipcbox -c ipcrm -n '__ipcbox_is ipcrm' -s s -l semaphore-id -x -d 'remove the semaphore set with id ID'
complete -c ipcbox -c ipcrm -n '__ipcbox_is ipcrm' -s S -l semaphore-key -x -d 'remove the semaphore set with key KEY'
complete -c ipcbox -c ipcrm -n '__ipcbox_is ipcrm' -l posix-semaphore -x -d 'remove a POSIX named semaphore'
complete -c ipcbox -c ipcrm -n '__ipcbox_is ipcrm' -s a -l all -f -a 'shm msg sem pshm pmsg psem' -d 'remove every object (of a kind)'
complete -c ipcbox -c ipcrm -n '__ipcbox_is ipcrm' -s n -l dry-run -d 'print what would be removed, remove nothing'
complete -c ipcbox -c ipcrm -n '__ipcbox_is ipcrm' -s v -l verbose -d 'explain what is being done'
complete -c ipcbox -c ipcrm -n '__ipcbox_is ipcrm' -l stale -d 'only objects no live process is behind'
complete -c ipcbox -c ipcrm -n '__ipcbox_is ipcrm' -l dead -d 'only objects whose processes are all gone'
complete -c ipcbox -c ipcrm -n '__ipcbox_is ipcrm' -l unattached -d 'only segments with nothing attached'
complete -c ipcbox -c ipcrm -n '__ipcbox_is ipcrm' -l older-than -x -a '90s 30m 1h 2d' -d 'only objects unused for DURATION'
complete -c ipcbox -c ipcrm -n '__ipcbox_is ipcrm' -l owner -x -a '(__fish_complete_users)' -d 'only objects owned by USER'
complete -c ipcbox -c ipcrm -n '__ipcbox_is ipcrm' -l keys -x -d 'only keys in RANGE'
complete -c ipcbox -c ipcrm -n '__ipcbox_is ipcrm' -l ids -x -d 'only ids in RANGE'
complete -c ipcbox -c ipcrm -n '__ipcbox_is ipcrm' -s h -l help -d 'display help and exit'
complete -c ipcbox -c ipcrm -n '__ipcbox_is ipcrm' -s V -l version -d 'display version and exit'

# ---- ipcs ----
complete -c ipcbox -c ipcs -n '__ipcbox_is ipcs' -s i -l id -x -d 'print details on the object with this id'
complete -c ipcbox -c ipcs -n '__ipcbox_is ipcs' -s h -l help -d 'display help and exit'
complete -c ipcbox -c ipcs -n '__ipcbox_is ipcs' -s V -l version -d 'display version and exit'
complete -c ipcbox -c ipcs -n '__ipcbox_is ipcs' -s m -l shmems -d 'shared memory segments'
complete -c ipcbox -c ipcs -n '__ipcbox_is ipcs' -s q -l queues -d 'message queues'
complete -c ipcbox -c ipcs -n '__ipcbox_is ipcs' -s s -l semaphores -d 'semaphore sets'
complete -c ipcbox -c ipcs -n '__ipcbox_is ipcs' -s a -l all -d 'all resources'
complete -c ipcbox -c ipcs -n '__ipcbox_is ipcs' -l posix -d 'POSIX queues, shared memory and named semaphores'
complete -c ipcbox -c ipcs -n '__ipcbox_is ipcs' -s t -l time -d 'show attach, detach and change times'
complete -c ipcbox -c ipcs -n '__ipcbox_is ipcs' -s p -l pid -d 'show creator and last operator PIDs'
complete -c ipcbox -c ipcs -n '__ipcbox_is ipcs' -l processes -d 'name the processes behind each object'
complete -c ipcbox -c ipcs -n '__ipcbox_is ipcs' -s c -l creator -d 'show creator and owner'
complete -c ipcbox -c ipcs -n '__ipcbox_is ipcs' -s l -l limits -d 'show resource limits'
complete -c ipcbox -c ipcs -n '__ipcbox_is ipcs' -s u -l summary -d 'show status summary'
complete -c ipcbox -c ipcs -n '__ipcbox_is ipcs' -l human -d 'show sizes in human-readable format'
complete -c ipcbox -c ipcs -n '__ipcbox_is ipcs' -s b -l bytes -d 'show sizes in bytes'
complete -c ipcbox -c ipcs -n '__ipcbox_is ipcs' -l json -d 'print one JSON document'
complete -c ipcbox -c ipcs -n '__ipcbox_is ipcs' -l stale -d 'only objects no live process is behind'
complete -c ipcbox -c ipcs -n '__ipcbox_is ipcs' -l dead -d 'only objects whose processes are all gone'
complete -c ipcbox -c ipcs -n '__ipcbox_is ipcs' -l unattached -d 'only segments with no attaches'
complete -c ipcbox -c ipcs -n '__ipcbox_is ipcs' -l older-than -x -a '30m 1h 6h 1d 7d' -d 'only objects unused for a duration'
complete -c ipcbox -c ipcs -n '__ipcbox_is ipcs' -l owner -x -a '(__fish_complete_users)' -d 'only objects owned by a user'
complete -c ipcbox -c ipcs -n '__ipcbox_is ipcs' -l keys -x -d 'only keys in a range'
complete -c ipcbox -c ipcs -n '__ipcbox_is ipcs' -l ids -x -d 'only ids in a range'

# ---- msgrcv ----
complete -c ipcbox -c msgrcv -n '__ipcbox_is msgrcv' -l help -d 'display help and exit'
complete -c ipcbox -c msgrcv -n '__ipcbox_is msgrcv' -l version -d 'display version and exit'

# ---- msgsnd ----
complete -c ipcbox -c msgsnd -n '__ipcbox_is msgsnd' -l help -d 'display help and exit'
complete -c ipcbox -c msgsnd -n '__ipcbox_is msgsnd' -l version -d 'display version and exit'

# ---- pipeline ----
complete -c ipcbox -c pipeline -n '__ipcbox_is pipeline' -l help -d 'display help and exit'
complete -c ipcbox -c pipeline -n '__ipcbox_is pipeline' -l version -d 'display version and exit'

# ---- semop ----
complete -c ipcbox -c semop -n '__ipcbox_is semop' -l help -d 'display help and exit'
complete -c ipcbox -c semop -n '__ipcbox_is semop' -l version -d 'display version and exit'

# ---- shmcat ----
complete -c ipcbox -c shmcat -n '__ipcbox_is shmcat' -l help -d 'display help and exit'
complete -c ipcbox -c shmcat -n '__ipcbox_is shmcat' -l version -d 'display version and exit'

# ---- sockcat ----
complete -c ipcbox -c sockcat -n '__ipcbox_is sockcat' -l help -d 'display help and exit'
complete -c ipcbox -c sockcat -n '__ipcbox_is sockcat' -l version -d 'display version and exit'
