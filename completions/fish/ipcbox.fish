# fish completion for ipcbox and its applets. It asks the binary, which knows every
# applet's options and their argument kinds from its option tables (see
# completions/bash/ipcbox for the answers it gives). `make install` puts a copy of
# this file under the name of every command it links, with that name below.

function __ipcbox_complete
    set -l cur (commandline -ct)
    set -l toks (commandline -opc) "$cur"
    set -l cmd $toks[1]
    set -l name (string replace -r '.*/' '' -- $cmd)
    set -l ib ipcbox
    set -l args
    if test "$name" = ipcbox
        set ib $cmd
        set args $toks[2..-1]
    else
        string match -q '*/*' -- $cmd; and set ib (string replace -r '/[^/]*$' '' -- $cmd)/ipcbox
        set args $name $toks[2..-1]
    end
    set -l out ($ib --complete $args 2>/dev/null)
    set -l how "$out[1]"
    switch $how
        case words
            printf '%s\n' $out[2..-1]
        case 'files *'
            set -l p (string sub -s 7 -- $how)
            for f in (__fish_complete_path (string sub -s (math (string length -- "$p") + 1) -- "$cur"))
                printf '%s%s\n' $p $f
            end
        case users
            __fish_complete_users
        case groups
            __fish_complete_groups
        case 'command *'
            set -l n (string sub -s 9 -- $how)
            test "$name" = ipcbox; and set n (math $n + 1)
            complete -C (string join ' ' -- (string escape -- $toks[(math $n + 2)..-1]))
    end
end

complete -c @NAME@ -f -a '(__ipcbox_complete)'
