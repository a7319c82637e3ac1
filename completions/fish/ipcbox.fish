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
complete -c ipcbox -c sockcat -n '__ipcbox_is sockcat' -l help -d 'display help and exit'
complete -c ipcbox -c sockcat -n '__ipcbox_is sockcat' -l version -d 'display version and exit'
