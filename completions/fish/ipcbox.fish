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
complete -c ipcbox -c ipcrm -n '__ipcbox_is ipcrm' -l help -d 'display help and exit'
complete -c ipcbox -c ipcrm -n '__ipcbox_is ipcrm' -l version -d 'display version and exit'

# ---- ipcs ----
complete -c ipcbox -c ipcs -n '__ipcbox_is ipcs' -l help -d 'display help and exit'
complete -c ipcbox -c ipcs -n '__ipcbox_is ipcs' -l version -d 'display version and exit'

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
