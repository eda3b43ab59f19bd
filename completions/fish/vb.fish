# fish completion for vb(1), the voidbox sandbox.
# Path arguments complete files, fd and number arguments nothing; after the
# options comes the command, completed as its own.

# Prints the index of COMMAND among the words before the cursor, if one has
# been given (or "--" ends the options): walks the words, skipping option
# arguments by their count.
function __vb_command_index
    set -l words (commandline -opc)
    set -l i 2
    while test $i -le (count $words)
        set -l w $words[$i]
        if test "$w" = --
            echo (math $i + 1)
            return 0
        end
        switch $w
            case --add-seccomp-fd --args --argv0 --block-fd --cap-add --cap-drop --cgroup-parent --chdir --cpu-weight --cpus --dev --dir --dns --exec-label --file-label --gid --hostname --info-fd --io-weight --ip --json-status-fd --kill-after --lock-file --mac --memory --memory-swap --mqueue --mtu --net --overlay-src --perms --pidns --pids-max --proc --profile --publish --remount-ro --rlimit --ro-overlay --seccomp --size --status-fd --subnet --subnet6 --sync-fd --timeout --timeout-signal --tmp-overlay --tmpfs --uid --unsetenv --userns --userns-block-fd --userns2 --seccomp-policy --seccomp-allow --seccomp-deny --seccomp-default-action --seccomp-policy-dump --seccomp-learn --landlock-scope
                set i (math $i + 1)
            case --bind --bind-data --bind-fd --bind-try --chmod --dev-bind --dev-bind-try --file --ro-bind --ro-bind-data --ro-bind-fd --ro-bind-try --setenv --symlink
                set i (math $i + 2)
            case --overlay
                set i (math $i + 3)
            case '-*'
            case '*'
                echo $i
                return 0
        end
        set i (math $i + 1)
    end
    return 1
end

function __vb_in_options
    not __vb_command_index >/dev/null
end

# COMMAND and its arguments, completed as if typed on their own.
function __vb_complete_command
    set -l words (commandline -opc)
    set -l i (__vb_command_index)
    if test $i -gt (count $words)
        __fish_complete_command
        return
    end
    complete -C (string join -- ' ' (string escape -- $words[$i..-1]) (commandline -ct))
end

# The argument of the option before the cursor (position N of it), if any.
function __vb_arg --argument-names kind
    set -l words (commandline -opc)
    set -l i 2
    set -l n (count $words)
    while test $i -le $n
        set -l w $words[$i]
        set -l spec ""
        switch $w
            case --cap-add --cap-drop
                set spec C
            case --unsetenv
                set spec E
            case --setenv
                set spec En
            case --net
                set spec N
            case --profile
                set spec P
            case --timeout-signal
                set spec S
            case --chdir --overlay-src
                set spec d
            case --add-seccomp-fd --args --argv0 --block-fd --cgroup-parent --cpu-weight --cpus --dns --exec-label --file-label --gid --hostname --info-fd --io-weight --ip --json-status-fd --kill-after --mac --memory --memory-swap --mtu --perms --pidns --pids-max --publish --rlimit --seccomp --size --status-fd --subnet --subnet6 --sync-fd --timeout --uid --userns --userns-block-fd --userns2 --seccomp-allow --seccomp-deny --seccomp-default-action --seccomp-policy-dump --landlock-scope
                set spec n
            case --bind-data --bind-fd --chmod --file --ro-bind-data --ro-bind-fd
                set spec np
            case --dev --dir --lock-file --mqueue --proc --remount-ro --ro-overlay --tmp-overlay --tmpfs --seccomp-learn
                set spec p
            case --bind --bind-try --dev-bind --dev-bind-try --ro-bind --ro-bind-try --symlink
                set spec pp
            case --overlay
                set spec ppp
        end
        set -l k (string length -- "$spec")
        if test $k -gt 0 -a (math $i + $k) -gt $n
            # the cursor is on argument (n - i + 1) of $w
            set -l c (string sub -s (math $n - $i + 1) -l 1 -- $spec)
            test "$c" = "$kind"
            return
        end
        set i (math $i + 1 + $k)
    end
    return 1
end

complete -c vb -f
complete -c vb -n '__vb_arg p' -F
complete -c vb -n '__vb_arg d' -x -a '(__fish_complete_directories)'
complete -c vb -n '__vb_arg P' -F -a 'minimal host-ro'
complete -c vb -n '__vb_arg C' -x -a 'ALL CAP_CHOWN CAP_DAC_OVERRIDE CAP_DAC_READ_SEARCH CAP_FOWNER CAP_FSETID CAP_KILL CAP_SETGID CAP_SETUID CAP_SETPCAP CAP_LINUX_IMMUTABLE CAP_NET_BIND_SERVICE CAP_NET_BROADCAST CAP_NET_ADMIN CAP_NET_RAW CAP_IPC_LOCK CAP_IPC_OWNER CAP_SYS_MODULE CAP_SYS_RAWIO CAP_SYS_CHROOT CAP_SYS_PTRACE CAP_SYS_PACCT CAP_SYS_ADMIN CAP_SYS_BOOT CAP_SYS_NICE CAP_SYS_RESOURCE CAP_SYS_TIME CAP_SYS_TTY_CONFIG CAP_MKNOD CAP_LEASE CAP_AUDIT_WRITE CAP_AUDIT_CONTROL CAP_SETFCAP CAP_MAC_OVERRIDE CAP_MAC_ADMIN CAP_SYSLOG CAP_WAKE_ALARM CAP_BLOCK_SUSPEND CAP_AUDIT_READ CAP_PERFMON CAP_BPF CAP_CHECKPOINT_RESTORE'
complete -c vb -n '__vb_arg S' -x -a 'TERM KILL INT HUP QUIT USR1 USR2'
complete -c vb -n '__vb_arg N' -x -a 'none bridge bridge: pasta ns:'
complete -c vb -n '__vb_arg E' -x -a '(set -xn)'
complete -c vb -n '__vb_arg n' -x
# Later arguments of an option (the first is completed with the option).
# The command, then its own completions.
complete -c vb -n '__vb_in_options; and not __vb_arg p; and not __vb_arg d; and not __vb_arg P; and not __vb_arg C; and not __vb_arg S; and not __vb_arg N; and not __vb_arg E; and not __vb_arg n' -a '(__fish_complete_command)'
complete -c vb -n 'not __vb_in_options' -x -a '(__vb_complete_command)'

complete -c vb -n __vb_in_options -l help -d 'Print this help'
complete -c vb -n __vb_in_options -l version -d 'Print version'
complete -c vb -n __vb_in_options -l args -x -d 'Parse NUL-separated args from FD'
complete -c vb -n __vb_in_options -l argv0 -x -d 'Set argv[0] to the value VALUE before running the program'
complete -c vb -n __vb_in_options -l level-prefix -d 'Prepend e.g. <3> to diagnostic messages'
complete -c vb -n __vb_in_options -l profile -r -F -a 'minimal host-ro' -d 'Expand a built-in profile (minimal, host-ro) or a profile file here'
complete -c vb -n __vb_in_options -l unshare-all -d 'Unshare every namespace we support by default'
complete -c vb -n __vb_in_options -l share-net -d 'Retain the network namespace (can only combine with --unshare-all)'
complete -c vb -n __vb_in_options -l unshare-user -d 'Create new user namespace (may be automatically implied if not setuid)'
complete -c vb -n __vb_in_options -l unshare-user-try -d 'Create new user namespace if possible else continue by skipping it'
complete -c vb -n __vb_in_options -l unshare-ipc -d 'Create new ipc namespace'
complete -c vb -n __vb_in_options -l unshare-pid -d 'Create new pid namespace'
complete -c vb -n __vb_in_options -l unshare-net -d 'Create new network namespace'
complete -c vb -n __vb_in_options -l unshare-uts -d 'Create new uts namespace'
complete -c vb -n __vb_in_options -l unshare-cgroup -d 'Create new cgroup namespace'
complete -c vb -n __vb_in_options -l unshare-cgroup-try -d 'Create new cgroup namespace if possible else continue by skipping it'
complete -c vb -n __vb_in_options -l userns -x -d 'Use this user namespace (cannot combine with --unshare-user)'
complete -c vb -n __vb_in_options -l userns2 -x -d 'After setup switch to this user namespace, only useful with --userns'
complete -c vb -n __vb_in_options -l disable-userns -d 'Disable further use of user namespaces inside sandbox'
complete -c vb -n __vb_in_options -l assert-userns-disabled -d 'Fail unless further use of user namespace inside sandbox is disabled'
complete -c vb -n __vb_in_options -l pidns -x -d 'Use this pid namespace (as parent namespace if using --unshare-pid)'
complete -c vb -n __vb_in_options -l uid -x -d 'Custom uid in the sandbox (requires --unshare-user or --userns)'
complete -c vb -n __vb_in_options -l gid -x -d 'Custom gid in the sandbox (requires --unshare-user or --userns)'
complete -c vb -n __vb_in_options -l hostname -x -d 'Custom hostname in the sandbox (requires --unshare-uts)'
complete -c vb -n __vb_in_options -l chdir -x -a '(__fish_complete_directories (commandline -ct))' -d 'Change directory to DIR'
complete -c vb -n __vb_in_options -l clearenv -d 'Unset all environment variables'
complete -c vb -n __vb_in_options -l setenv -x -a '(set -xn)' -d 'Set an environment variable'
complete -c vb -n __vb_in_options -l unsetenv -x -a '(set -xn)' -d 'Unset an environment variable'
complete -c vb -n __vb_in_options -l lock-file -r -F -d 'Take a lock on DEST while sandbox is running'
complete -c vb -n __vb_in_options -l sync-fd -x -d 'Keep this fd open while sandbox is running'
complete -c vb -n __vb_in_options -l bind -r -F -d 'Bind mount the host path SRC on DEST'
complete -c vb -n __vb_in_options -l bind-try -r -F -d 'Equal to --bind but ignores non-existent SRC'
complete -c vb -n __vb_in_options -l dev-bind -r -F -d 'Bind mount the host path SRC on DEST, allowing device access'
complete -c vb -n __vb_in_options -l dev-bind-try -r -F -d 'Equal to --dev-bind but ignores non-existent SRC'
complete -c vb -n __vb_in_options -l ro-bind -r -F -d 'Bind mount the host path SRC readonly on DEST'
complete -c vb -n __vb_in_options -l ro-bind-try -r -F -d 'Equal to --ro-bind but ignores non-existent SRC'
complete -c vb -n __vb_in_options -l bind-fd -x -d 'Bind open directory or path fd on DEST'
complete -c vb -n __vb_in_options -l ro-bind-fd -x -d 'Bind open directory or path fd read-only on DEST'
complete -c vb -n __vb_in_options -l remount-ro -r -F -d 'Remount DEST as readonly; does not recursively remount'
complete -c vb -n __vb_in_options -l overlay-src -x -a '(__fish_complete_directories (commandline -ct))' -d 'Read files from SRC in the following overlay'
complete -c vb -n __vb_in_options -l overlay -r -F -d ''
complete -c vb -n __vb_in_options -l tmp-overlay -r -F -d 'Mount overlayfs on DEST, with writes going to an invisible tmpfs'
complete -c vb -n __vb_in_options -l ro-overlay -r -F -d 'Mount overlayfs read-only on DEST'
complete -c vb -n __vb_in_options -l exec-label -x -d 'Exec label for the sandbox'
complete -c vb -n __vb_in_options -l file-label -x -d 'File label for temporary sandbox content'
complete -c vb -n __vb_in_options -l proc -r -F -d 'Mount new procfs on DEST'
complete -c vb -n __vb_in_options -l dev -r -F -d 'Mount new dev on DEST'
complete -c vb -n __vb_in_options -l tmpfs -r -F -d 'Mount new tmpfs on DEST'
complete -c vb -n __vb_in_options -l mqueue -r -F -d 'Mount new mqueue on DEST'
complete -c vb -n __vb_in_options -l dir -r -F -d 'Create dir at DEST'
complete -c vb -n __vb_in_options -l file -x -d 'Copy from FD to destination DEST'
complete -c vb -n __vb_in_options -l bind-data -x -d 'Copy from FD to file which is bind-mounted on DEST'
complete -c vb -n __vb_in_options -l ro-bind-data -x -d 'Copy from FD to file which is readonly bind-mounted on DEST'
complete -c vb -n __vb_in_options -l symlink -r -F -d 'Create symlink at DEST with target SRC'
complete -c vb -n __vb_in_options -l seccomp -x -d 'Load and use seccomp rules from FD (not repeatable)'
complete -c vb -n __vb_in_options -l add-seccomp-fd -x -d 'Load and use seccomp rules from FD (repeatable)'
complete -c vb -n __vb_in_options -l block-fd -x -d 'Block on FD until some data to read is available'
complete -c vb -n __vb_in_options -l userns-block-fd -x -d 'Block on FD until the user namespace is ready'
complete -c vb -n __vb_in_options -l info-fd -x -d 'Write information about the running container to FD'
complete -c vb -n __vb_in_options -l json-status-fd -x -d 'Write container status to FD as multiple JSON documents'
complete -c vb -n __vb_in_options -l new-session -d 'Create a new terminal session'
complete -c vb -n __vb_in_options -l die-with-parent -d 'Kills with SIGKILL child process (COMMAND) when bwrap or bwrap\'s parent dies.'
complete -c vb -n __vb_in_options -l as-pid-1 -d 'Do not install a reaper process with PID=1'
complete -c vb -n __vb_in_options -l cap-add -x -a 'ALL CAP_CHOWN CAP_DAC_OVERRIDE CAP_DAC_READ_SEARCH CAP_FOWNER CAP_FSETID CAP_KILL CAP_SETGID CAP_SETUID CAP_SETPCAP CAP_LINUX_IMMUTABLE CAP_NET_BIND_SERVICE CAP_NET_BROADCAST CAP_NET_ADMIN CAP_NET_RAW CAP_IPC_LOCK CAP_IPC_OWNER CAP_SYS_MODULE CAP_SYS_RAWIO CAP_SYS_CHROOT CAP_SYS_PTRACE CAP_SYS_PACCT CAP_SYS_ADMIN CAP_SYS_BOOT CAP_SYS_NICE CAP_SYS_RESOURCE CAP_SYS_TIME CAP_SYS_TTY_CONFIG CAP_MKNOD CAP_LEASE CAP_AUDIT_WRITE CAP_AUDIT_CONTROL CAP_SETFCAP CAP_MAC_OVERRIDE CAP_MAC_ADMIN CAP_SYSLOG CAP_WAKE_ALARM CAP_BLOCK_SUSPEND CAP_AUDIT_READ CAP_PERFMON CAP_BPF CAP_CHECKPOINT_RESTORE' -d 'Add cap CAP when running as privileged user'
complete -c vb -n __vb_in_options -l cap-drop -x -a 'ALL CAP_CHOWN CAP_DAC_OVERRIDE CAP_DAC_READ_SEARCH CAP_FOWNER CAP_FSETID CAP_KILL CAP_SETGID CAP_SETUID CAP_SETPCAP CAP_LINUX_IMMUTABLE CAP_NET_BIND_SERVICE CAP_NET_BROADCAST CAP_NET_ADMIN CAP_NET_RAW CAP_IPC_LOCK CAP_IPC_OWNER CAP_SYS_MODULE CAP_SYS_RAWIO CAP_SYS_CHROOT CAP_SYS_PTRACE CAP_SYS_PACCT CAP_SYS_ADMIN CAP_SYS_BOOT CAP_SYS_NICE CAP_SYS_RESOURCE CAP_SYS_TIME CAP_SYS_TTY_CONFIG CAP_MKNOD CAP_LEASE CAP_AUDIT_WRITE CAP_AUDIT_CONTROL CAP_SETFCAP CAP_MAC_OVERRIDE CAP_MAC_ADMIN CAP_SYSLOG CAP_WAKE_ALARM CAP_BLOCK_SUSPEND CAP_AUDIT_READ CAP_PERFMON CAP_BPF CAP_CHECKPOINT_RESTORE' -d 'Drop cap CAP when running as privileged user'
complete -c vb -n __vb_in_options -l perms -x -d 'Set permissions of next argument (--bind-data, --file, etc.)'
complete -c vb -n __vb_in_options -l size -x -d 'Set size of next argument (only for --tmpfs)'
complete -c vb -n __vb_in_options -l chmod -x -d 'Change permissions of PATH (must already exist)'
complete -c vb -n __vb_in_options -l status-fd -x -d 'Write events (JSON lines, see vb-events(7)) to FD'
complete -c vb -n __vb_in_options -l memory -x -d 'Limit memory (cgroup), e.g. 64M'
complete -c vb -n __vb_in_options -l memory-swap -x -d 'Limit swap on top of --memory (cgroup)'
complete -c vb -n __vb_in_options -l cpus -x -d 'Limit CPU time to N.N cores (cgroup)'
complete -c vb -n __vb_in_options -l cpu-weight -x -d 'CPU weight, 1..10000 (cgroup)'
complete -c vb -n __vb_in_options -l pids-max -x -d 'Limit the number of processes (cgroup)'
complete -c vb -n __vb_in_options -l io-weight -x -d 'IO weight, 1..10000 (cgroup)'
complete -c vb -n __vb_in_options -l cgroup-parent -x -d 'Create the sandbox\'s cgroup beneath PATH'
complete -c vb -n __vb_in_options -l rlimit -x -d 'Set a resource limit (RLIMIT_NAME) for the command'
complete -c vb -n __vb_in_options -l timeout -x -d 'Signal the command after DURATION; exit status 124'
complete -c vb -n __vb_in_options -l timeout-signal -x -a 'TERM KILL INT HUP QUIT USR1 USR2' -d 'Signal for --timeout (default TERM)'
complete -c vb -n __vb_in_options -l kill-after -x -d 'SIGKILL everything DURATION after the timeout signal'
complete -c vb -n __vb_in_options -l net -x -a 'none bridge bridge: pasta ns:' -d 'Give the sandbox a network (see vb(1))'
complete -c vb -n __vb_in_options -l subnet -x -d 'Bridge subnet (default 10.88.0.0/16, gateway .1)'
complete -c vb -n __vb_in_options -l ip -x -d 'Use this address (only if free)'
complete -c vb -n __vb_in_options -l mac -x -d 'MAC address of the sandbox\'s eth0'
complete -c vb -n __vb_in_options -l mtu -x -d 'MTU of the sandbox\'s link'
complete -c vb -n __vb_in_options -l no-nat -d 'Do not masquerade the sandbox\'s traffic'
complete -c vb -n __vb_in_options -l ipv6 -d 'Also give an IPv6 address (--subnet6, default a ULA /64)'
complete -c vb -n __vb_in_options -l subnet6 -x -d 'IPv6 subnet of the bridge (implies --ipv6)'
complete -c vb -n __vb_in_options -l publish -x -d 'Forward a host port to the sandbox'
complete -c vb -n __vb_in_options -l dns -x -d 'Nameserver for the sandbox\'s resolv.conf (repeatable)'
complete -c vb -n __vb_in_options -l net-prune -d 'Remove voidbox\'s idle bridges and NAT rules, then exit'
complete -c vb -n __vb_in_options -l seccomp-policy -r -F -a 'default minimal build network' -d 'Apply a seccomp policy (default, minimal, build, network, or a file)'
complete -c vb -n __vb_in_options -l seccomp-allow -x -d 'Allow a system call or group, after the policy'
complete -c vb -n __vb_in_options -l seccomp-deny -x -d 'Deny a system call or group, after the policy'
complete -c vb -n __vb_in_options -l seccomp-default-action -x -a 'enosys eperm kill log allow' -d 'Action for calls no rule names'
complete -c vb -n __vb_in_options -l seccomp-policy-dump -x -a 'default minimal build network' -d 'Print a policy or group and exit'
complete -c vb -n __vb_in_options -l seccomp-learn -r -F -d 'Write the system calls the command made to FILE, as a policy'
complete -c vb -n __vb_in_options -l allow-tiocsti -d 'Let the command push input into its terminal (TIOCSTI, TIOCLINUX)'
complete -c vb -n __vb_in_options -l landlock -d 'Restrict the sandbox to the paths its options made visible'
complete -c vb -n __vb_in_options -l landlock-scope -x -a 'signal abstract-unix' -d 'Landlock scoping'
complete -c vb -n __vb_in_options -l pty -d 'Run the command on a private pseudo-terminal'
complete -c vb -n __vb_in_options -l check-host -d 'Report what this host offers each mode and feature, then exit'
complete -c vb -n __vb_in_options -l json -d 'With --check-host: the report as one JSON object'

# vb oci ... and vb-oci ...: the OCI runtime's commands (vb oci --help).
function __vb_oci_mode
    set -l words (commandline -opc)
    test (basename -- $words[1]) = vb-oci; or test "$words[2]" = oci
end
# Prints the OCI command once given (after the global options).
function __vb_oci_cmd
    set -l words (commandline -opc)
    set -l i 2
    test (basename -- $words[1]) = vb-oci; or set i 3
    while test $i -le (count $words)
        switch $words[$i]
            case --root --log --log-format --log-level
                set i (math $i + 1)
            case '-*'
            case '*'
                echo $words[$i]
                return 0
        end
        set i (math $i + 1)
    end
    return 1
end
# True when the OCI command given is one of the arguments.
function __vb_oci_is
    set -l c (__vb_oci_cmd)
    or return 1
    contains -- $c $argv
end
function __vb_oci_ids
    set -l words (commandline -opc)
    set -l root
    set -l i (contains -i -- --root $words)
    and set root --root $words[(math $i + 1)]
    command -sq $words[1]; or return 0
    if test (basename -- $words[1]) = vb-oci
        $words[1] $root list -q 2>/dev/null
    else
        $words[1] oci $root list -q 2>/dev/null
    end
end
for c in vb vb-oci
    set -l n '__vb_oci_mode; and not __vb_oci_cmd >/dev/null'
    complete -c $c -n $n -f -a 'create start run state kill delete exec ps list pause resume features'
    complete -c $c -n $n -l root -x -a '(__fish_complete_directories)' -d 'state directory'
    complete -c $c -n $n -l log -r -F -d 'log file'
    complete -c $c -n $n -l log-format -x -a 'text json' -d 'log format'
    complete -c $c -n $n -l systemd-cgroup -d 'refused: cgroups are made beneath the caller\'s'
    set -l cr '__vb_oci_mode; and __vb_oci_is create run'
    complete -c $c -n $cr -l bundle -s b -x -a '(__fish_complete_directories)' -d 'bundle directory'
    complete -c $c -n $cr -l pid-file -r -F -d 'write the pid here'
    complete -c $c -n $cr -l console-socket -r -F -d 'send the pty master here'
    complete -c $c -n $cr -l no-pivot -d 'accepted (vb always pivots)'
    complete -c $c -n $cr -l preserve-fds -x -d 'pass fds 3..3+N-1'
    set -l rn '__vb_oci_mode; and __vb_oci_is run'
    complete -c $c -n $rn -l detach -s d -d 'do not wait'
    complete -c $c -n $rn -l keep -d 'do not delete at exit'
    complete -c $c -n '__vb_oci_mode; and __vb_oci_is kill' -l all -s a -d 'every process'
    complete -c $c -n '__vb_oci_mode; and __vb_oci_is delete' -l force -s f -d 'kill it first'
    set -l ex '__vb_oci_mode; and __vb_oci_is exec'
    complete -c $c -n $ex -l process -s p -r -F -d 'process.json'
    complete -c $c -n $ex -l tty -s t -d 'a terminal'
    complete -c $c -n $ex -l detach -s d -d 'do not wait'
    complete -c $c -n $ex -l pid-file -r -F -d 'write the pid here'
    complete -c $c -n $ex -l console-socket -r -F -d 'send the pty master here'
    complete -c $c -n $ex -l cwd -x -d 'working directory'
    complete -c $c -n $ex -l env -s e -x -d 'VAR=VALUE'
    complete -c $c -n $ex -l preserve-fds -x -d 'pass fds 3..3+N-1'
    complete -c $c -n '__vb_oci_mode; and __vb_oci_is ps list' -l format -x -a 'table json'
    complete -c $c -n '__vb_oci_mode; and __vb_oci_is list' -l quiet -s q -d 'ids only'
    complete -c $c -n '__vb_oci_mode; and __vb_oci_is start state kill delete exec ps pause resume' -f -a '(__vb_oci_ids)'
end
