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
# -i with --posix: the POSIX names of the kinds given (-q, -m, -s); else System V ids.
function __ipcbox_ipcs_ids
    set -l words (commandline -opc)
    if not contains -- --posix $words
        awk 'FNR > 1 { print $2 }' /proc/sysvipc/msg /proc/sysvipc/shm /proc/sysvipc/sem 2>/dev/null
        return
    end
    if contains -- -q $words; or contains -- --queues $words
        for f in /dev/mqueue/*
            echo /(basename $f)
        end
    end
    if contains -- -m $words; or contains -- --shmems $words
        for f in /dev/shm/*
            string match -q 'sem.*' -- (basename $f); or echo /(basename $f)
        end
    end
    if contains -- -s $words; or contains -- --semaphores $words
        for f in /dev/shm/sem.*
            echo /(basename $f | string replace -r '^sem\.' '')
        end
    end
end
complete -c ipcbox -c ipcs -n '__ipcbox_is ipcs' -s i -l id -x -a '(__ipcbox_ipcs_ids)' -d 'print details on the object with this id or POSIX name'
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
complete -c ipcbox -c msgrcv -n '__ipcbox_is msgrcv' -s k -l key -x -d 'System V queue by key'
complete -c ipcbox -c msgrcv -n '__ipcbox_is msgrcv' -s i -l id -x -d 'System V queue by id'
complete -c ipcbox -c msgrcv -n '__ipcbox_is msgrcv' -s f -l ftok -r -d 'System V queue by ftok of a path'
complete -c ipcbox -c msgrcv -n '__ipcbox_is msgrcv' -s P -l posix -x -d 'POSIX queue /NAME'
complete -c ipcbox -c msgrcv -n '__ipcbox_is msgrcv' -s c -l create -d 'create the queue if missing'
complete -c ipcbox -c msgrcv -n '__ipcbox_is msgrcv' -s x -l exclusive -d 'with -c: fail if it exists'
complete -c ipcbox -c msgrcv -n '__ipcbox_is msgrcv' -s m -l mode -x -a '600 644 660 666' -d 'mode of a created queue'
complete -c ipcbox -c msgrcv -n '__ipcbox_is msgrcv' -s t -l type -x -d 'message type: 0, N or -N'
complete -c ipcbox -c msgrcv -n '__ipcbox_is msgrcv' -l except -d 'the first message not of type N'
complete -c ipcbox -c msgrcv -n '__ipcbox_is msgrcv' -s n -l no-wait -d 'fail with status 3 if there is no message'
complete -c ipcbox -c msgrcv -n '__ipcbox_is msgrcv' -s w -l wait -x -d 'wait at most DURATION'
complete -c ipcbox -c msgrcv -n '__ipcbox_is msgrcv' -s C -l count -x -d 'receive COUNT messages'
complete -c ipcbox -c msgrcv -n '__ipcbox_is msgrcv' -s F -l follow -d 'receive until the queue is removed'
complete -c ipcbox -c msgrcv -n '__ipcbox_is msgrcv' -s l -l lines -d 'end each message with a newline'
complete -c ipcbox -c msgrcv -n '__ipcbox_is msgrcv' -s 0 -l null -d 'end each message with a NUL'
complete -c ipcbox -c msgrcv -n '__ipcbox_is msgrcv' -l typed -d 'write TYPE<TAB>payload records'
complete -c ipcbox -c msgrcv -n '__ipcbox_is msgrcv' -l peek -d 'copy a message without removing it'
complete -c ipcbox -c msgrcv -n '__ipcbox_is msgrcv' -l truncate -d 'cut a too long message short'
complete -c ipcbox -c msgrcv -n '__ipcbox_is msgrcv' -l help -d 'display help and exit'
complete -c ipcbox -c msgrcv -n '__ipcbox_is msgrcv' -l version -d 'display version and exit'

# ---- msgsnd ----
complete -c ipcbox -c msgsnd -n '__ipcbox_is msgsnd' -s k -l key -x -d 'System V queue by key'
complete -c ipcbox -c msgsnd -n '__ipcbox_is msgsnd' -s i -l id -x -d 'System V queue by id'
complete -c ipcbox -c msgsnd -n '__ipcbox_is msgsnd' -s f -l ftok -r -d 'System V queue by ftok of a path'
complete -c ipcbox -c msgsnd -n '__ipcbox_is msgsnd' -s P -l posix -x -d 'POSIX queue /NAME'
complete -c ipcbox -c msgsnd -n '__ipcbox_is msgsnd' -s c -l create -d 'create the queue if missing'
complete -c ipcbox -c msgsnd -n '__ipcbox_is msgsnd' -s x -l exclusive -d 'with -c: fail if it exists'
complete -c ipcbox -c msgsnd -n '__ipcbox_is msgsnd' -s m -l mode -x -a '600 644 660 666' -d 'mode of a created queue'
complete -c ipcbox -c msgsnd -n '__ipcbox_is msgsnd' -l maxmsg -x -d 'with -P -c: capacity in messages'
complete -c ipcbox -c msgsnd -n '__ipcbox_is msgsnd' -l msgsize -x -d 'with -P -c: largest message'
complete -c ipcbox -c msgsnd -n '__ipcbox_is msgsnd' -s t -l type -x -d 'message type or POSIX priority'
complete -c ipcbox -c msgsnd -n '__ipcbox_is msgsnd' -s n -l no-wait -d 'fail with status 3 if the queue is full'
complete -c ipcbox -c msgsnd -n '__ipcbox_is msgsnd' -s w -l wait -x -d 'wait at most DURATION'
complete -c ipcbox -c msgsnd -n '__ipcbox_is msgsnd' -s l -l lines -d 'one message per line of stdin'
complete -c ipcbox -c msgsnd -n '__ipcbox_is msgsnd' -s 0 -l null -d 'one message per NUL record of stdin'
complete -c ipcbox -c msgsnd -n '__ipcbox_is msgsnd' -l typed -d 'read TYPE<TAB>payload records'
complete -c ipcbox -c msgsnd -n '__ipcbox_is msgsnd' -s v -l verbose -d 'say how many were sent'
complete -c ipcbox -c msgsnd -n '__ipcbox_is msgsnd' -l help -d 'display help and exit'
complete -c ipcbox -c msgsnd -n '__ipcbox_is msgsnd' -l version -d 'display version and exit'

# ---- pipeline ----
complete -c ipcbox -c pipeline -n '__ipcbox_is pipeline' -s d -l delimiter -x -d 'separate stages with WORD instead of |'
complete -c ipcbox -c pipeline -n '__ipcbox_is pipeline' -s s -l status -x -a 'last fail 1 2 3' -d 'which status to exit with'
complete -c ipcbox -c pipeline -n '__ipcbox_is pipeline' -l sigpipe-ok -d 'count a stage killed by SIGPIPE as a success'
complete -c ipcbox -c pipeline -n '__ipcbox_is pipeline' -l status-fd -x -d 'write every stage status to FD'
complete -c ipcbox -c pipeline -n '__ipcbox_is pipeline' -s k -l kill-on-fail -d 'terminate the other stages when one fails'
complete -c ipcbox -c pipeline -n '__ipcbox_is pipeline' -s t -l timeout -x -a '500ms 5s 1m 1h' -d 'terminate every stage after DURATION'
complete -c ipcbox -c pipeline -n '__ipcbox_is pipeline' -l kill-after -x -a '1s 5s 30s' -d 'grace period before SIGKILL'
complete -c ipcbox -c pipeline -n '__ipcbox_is pipeline' -s b -l pipe-size -x -a '64K 256K 1M' -d 'set the capacity of every pipe'
complete -c ipcbox -c pipeline -n '__ipcbox_is pipeline' -s v -l verbose -d 'report each stage on stderr'
complete -c ipcbox -c pipeline -n '__ipcbox_is pipeline' -l help -d 'display help and exit'
complete -c ipcbox -c pipeline -n '__ipcbox_is pipeline' -l version -d 'display version and exit'
complete -c ipcbox -c pipeline -n '__ipcbox_is pipeline' -a '(__fish_complete_command)'

# ---- semop ----
complete -c ipcbox -c semop -n '__ipcbox_is semop' -s k -l key -x -d 'System V key'
complete -c ipcbox -c semop -n '__ipcbox_is semop' -s i -l id -x -d 'System V id'
complete -c ipcbox -c semop -n '__ipcbox_is semop' -s f -l ftok -r -F -d 'key from ftok of PATH'
complete -c ipcbox -c semop -n '__ipcbox_is semop' -s P -l posix -x -d 'POSIX named semaphore /NAME'
complete -c ipcbox -c semop -n '__ipcbox_is semop' -s c -l create -d 'create the object if missing'
complete -c ipcbox -c semop -n '__ipcbox_is semop' -s x -l exclusive -d 'with -c: fail if it exists'
complete -c ipcbox -c semop -n '__ipcbox_is semop' -s m -l mode -x -a '600 644 660 666 u=rw,g=r,o= a=rw' -d 'permissions of a created object'
complete -c ipcbox -c semop -n '__ipcbox_is semop' -s N -l nsems -x -d 'semaphores in a created set'
complete -c ipcbox -c semop -n '__ipcbox_is semop' -l init -x -d 'initial values V,V,...'
complete -c ipcbox -c semop -n '__ipcbox_is semop' -s n -l nowait -d 'exit 3 instead of waiting'
complete -c ipcbox -c semop -n '__ipcbox_is semop' -s w -l wait -x -d 'wait at most DURATION'
complete -c ipcbox -c semop -n '__ipcbox_is semop' -l get -d 'print the values'
complete -c ipcbox -c semop -n '__ipcbox_is semop' -l json -d 'with --get: JSON output'
complete -c ipcbox -c semop -n '__ipcbox_is semop' -l set -d 'set SEMNUM=VALUE'
complete -c ipcbox -c semop -n '__ipcbox_is semop' -l setall -x -d 'set every semaphore V,V,...'
complete -c ipcbox -c semop -n '__ipcbox_is semop' -l hold -d 'take, run COMMAND, give back'
complete -c ipcbox -c semop -n '__ipcbox_is semop' -s s -l semnum -x -d 'with --hold: semaphore number'
complete -c ipcbox -c semop -n '__ipcbox_is semop' -s C -l count -x -d 'with --hold: how much to take'
complete -c ipcbox -c semop -n '__ipcbox_is semop' -s E -l conflict-exit-code -x -d 'with --hold: exit status when it cannot take'
complete -c ipcbox -c semop -n '__ipcbox_is semop' -l help -d 'display help and exit'
complete -c ipcbox -c semop -n '__ipcbox_is semop' -l version -d 'display version and exit'

# ---- shmcat ----
complete -c ipcbox -c shmcat -n '__ipcbox_is shmcat' -s k -l key -x -d 'System V key'
complete -c ipcbox -c shmcat -n '__ipcbox_is shmcat' -s i -l id -x -a "(awk 'NR > 1 { print \$2 }' /proc/sysvipc/shm 2>/dev/null)" -d 'System V id'
complete -c ipcbox -c shmcat -n '__ipcbox_is shmcat' -s f -l ftok -r -F -d 'System V key from ftok(PATH, PROJ)'
complete -c ipcbox -c shmcat -n '__ipcbox_is shmcat' -s P -l posix -x -a "(string replace -r '^/dev/shm' '' -- /dev/shm/* | string match -v -- '/sem.*')" -d 'POSIX object /NAME'
complete -c ipcbox -c shmcat -n '__ipcbox_is shmcat' -s o -l offset -x -d 'start OFFSET bytes in'
complete -c ipcbox -c shmcat -n '__ipcbox_is shmcat' -s L -l length -x -d 'copy LENGTH bytes'
complete -c ipcbox -c shmcat -n '__ipcbox_is shmcat' -s w -l write -d 'copy standard input into the segment'
complete -c ipcbox -c shmcat -n '__ipcbox_is shmcat' -l stat -d 'show the status'
complete -c ipcbox -c shmcat -n '__ipcbox_is shmcat' -l json -d 'with --stat: print JSON'
complete -c ipcbox -c shmcat -n '__ipcbox_is shmcat' -s c -l create -d 'create the segment'
complete -c ipcbox -c shmcat -n '__ipcbox_is shmcat' -s s -l size -x -d 'size of a created segment'
complete -c ipcbox -c shmcat -n '__ipcbox_is shmcat' -s x -l exclusive -d 'with -c: fail if it exists'
complete -c ipcbox -c shmcat -n '__ipcbox_is shmcat' -s m -l mode -x -a '600 640 644 660 666 u=rw,g=r,o=' -d 'with -c: permissions'
complete -c ipcbox -c shmcat -n '__ipcbox_is shmcat' -l help -d 'display help and exit'
complete -c ipcbox -c shmcat -n '__ipcbox_is shmcat' -l version -d 'display version and exit'

# ---- sockcat ----
complete -c ipcbox -c sockcat -n '__ipcbox_is sockcat' -s l -l listen -d 'listen on ADDRESS'
complete -c ipcbox -c sockcat -n '__ipcbox_is sockcat' -s k -l keep-open -d 'serve the next client after one leaves'
complete -c ipcbox -c sockcat -n '__ipcbox_is sockcat' -l fork -d 'serve clients concurrently'
complete -c ipcbox -c sockcat -n '__ipcbox_is sockcat' -l max-clients -x -d 'at most N clients at once'
complete -c ipcbox -c sockcat -n '__ipcbox_is sockcat' -s e -l exec -d 'run COMMAND with the socket as stdin/stdout'
complete -c ipcbox -c sockcat -n '__ipcbox_is sockcat' -s v -l verbose -d 'report listening, connections, credentials'
complete -c ipcbox -c sockcat -n '__ipcbox_is sockcat' -s u -l udp -d 'nc style: UDP'
complete -c ipcbox -c sockcat -n '__ipcbox_is sockcat' -s U -l unix -d 'nc style: a UNIX socket path'
complete -c ipcbox -c sockcat -n '__ipcbox_is sockcat' -s 4 -d 'IPv4 only'
complete -c ipcbox -c sockcat -n '__ipcbox_is sockcat' -s 6 -d 'IPv6 only'
complete -c ipcbox -c sockcat -n '__ipcbox_is sockcat' -s n -l numeric -d 'do not resolve host names'
complete -c ipcbox -c sockcat -n '__ipcbox_is sockcat' -s q -l quit-after -x -a '0 250ms 1s 5s' -d 'stop DURATION after stdin EOF'
complete -c ipcbox -c sockcat -n '__ipcbox_is sockcat' -l no-shutdown -d 'keep the sending side open at stdin EOF'
complete -c ipcbox -c sockcat -n '__ipcbox_is sockcat' -s N -d 'accepted for nc users'
complete -c ipcbox -c sockcat -n '__ipcbox_is sockcat' -s w -l connect-timeout -x -a '250ms 1s 5s 30s' -d 'connect timeout'
complete -c ipcbox -c sockcat -n '__ipcbox_is sockcat' -l idle-timeout -x -a '1s 5s 30s' -d 'stop when idle this long'
complete -c ipcbox -c sockcat -n '__ipcbox_is sockcat' -s s -l source -x -d 'local address'
complete -c ipcbox -c sockcat -n '__ipcbox_is sockcat' -s p -l source-port -x -d 'local port'
complete -c ipcbox -c sockcat -n '__ipcbox_is sockcat' -l reuseaddr -d 'set SO_REUSEADDR'
complete -c ipcbox -c sockcat -n '__ipcbox_is sockcat' -l keepalive -d 'set SO_KEEPALIVE'
complete -c ipcbox -c sockcat -n '__ipcbox_is sockcat' -l buffer -x -a '64K 256K 1M 4M' -d 'relay chunk size'
complete -c ipcbox -c sockcat -n '__ipcbox_is sockcat' -s m -l mode -x -a '600 660 666' -d 'mode of the UNIX socket path'
complete -c ipcbox -c sockcat -n '__ipcbox_is sockcat' -l allow-uid -x -a '(__fish_complete_users)' -d 'allowed client uids'
complete -c ipcbox -c sockcat -n '__ipcbox_is sockcat' -l allow-gid -x -a '(__fish_complete_groups)' -d 'allowed client gids'
complete -c ipcbox -c sockcat -n '__ipcbox_is sockcat' -s x -l hexdump -r -d 'hex dump of the traffic to FILE'
complete -c ipcbox -c sockcat -n '__ipcbox_is sockcat' -l help -d 'display help and exit'
complete -c ipcbox -c sockcat -n '__ipcbox_is sockcat' -l version -d 'display version and exit'
complete -c ipcbox -c sockcat -n '__ipcbox_is sockcat' -f -a 'tcp: tcp4: tcp6: udp: udp4: udp6: unix: unix-dgram: unix-seqpacket:' -d address
