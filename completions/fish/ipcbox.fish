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
complete -c ipcbox -c semop -n '__ipcbox_is semop' -l help -d 'display help and exit'
complete -c ipcbox -c semop -n '__ipcbox_is semop' -l version -d 'display version and exit'

# ---- shmcat ----
complete -c ipcbox -c shmcat -n '__ipcbox_is shmcat' -l help -d 'display help and exit'
complete -c ipcbox -c shmcat -n '__ipcbox_is shmcat' -l version -d 'display version and exit'

# ---- sockcat ----
complete -c ipcbox -c sockcat -n '__ipcbox_is sockcat' -l help -d 'display help and exit'
complete -c ipcbox -c sockcat -n '__ipcbox_is sockcat' -l version -d 'display version and exit'
