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
