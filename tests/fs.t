#!/bin/bash
# Filesystem operations: what the sandbox sees and can write, in every mode.
. "$(dirname "$0")/lib.sh"

# Fixtures, world-readable.
mkdir -p "$T/fix/tree/sub" "$T/fix/ro/sub"
echo host-data >"$T/fix/tree/file"
echo hello >"$T/fix/data"
chmod -R a+rX "$T/fix"
chmod 777 "$T/fix/ro"
if [ "$MYUID" = 0 ]; then
	# A submount below the directory that gets --ro-bind'ed.
	mount -t tmpfs -o mode=1777 vbtest-sub "$T/fix/ro/sub" || bail "cannot mount tmpfs"
fi
HOSTPROBE=/vbtest-fresh-$$

t_fresh_root() {
	run_mode "$1" -- "${SB[@]}" --dir $HOSTPROBE --tmpfs /tmp sh -c 'ls -A /; test -e /etc/passwd && echo LEAK; exit 0'
	expect_ok "$(printf '%s\n' bin lib $([ -d /usr/lib32 ] && echo lib32) lib64 sbin tmp usr "${HOSTPROBE#/}")" &&
		{ [ ! -e $HOSTPROBE ] || { diag "$HOSTPROBE was created on the host"; return 1; }; }
}
mcase "fresh root holds only what was asked; --dir creates nothing on the host" t_fresh_root

t_bind_rw() {
	local w
	w=$(mkw bind-$1)
	run_mode "$1" -- "${SB[@]}" --bind "$w" /mnt sh -c 'echo in >/mnt/new && cat /mnt/new'
	expect_ok in && [ "$(cat "$w/new")" = in ] &&
		[ "$(stat -c %u "$w/new")" = "$TUID" -o "$1" = root ] ||
		{ diag "host sees: $(ls -ln "$w")"; return 1; }
}
mcase "--bind: writes reach the host" t_bind_rw

t_bind_try() {
	run_mode "$1" -- "${SB[@]}" --bind-try /nonexistent-$$ /mnt --ro-bind-try /nonexistent-$$ /mnt2 \
		--dev-bind-try /nonexistent-$$ /mnt3 --bind-try "$T/fix/tree" /t \
		sh -c 'ls -A /mnt /mnt2 /mnt3 2>&1 | wc -l; cat /t/file'
	# Missing sources are skipped and their destinations never made.
	expect_ok "$(printf '3\nhost-data')"
}
mcase "--bind-try/--ro-bind-try/--dev-bind-try skip a missing source" t_bind_try

t_bind_missing() {
	run_mode "$1" -- "${SB[@]}" --bind /nonexistent-$$ /mnt true
	expect_fail "Can't find source path /nonexistent-$$: No such file or directory"
}
mcase "--bind with a missing source fails with bwrap's message" t_bind_missing

t_dev_bind() {
	run_mode "$1" -- "${SB[@]}" --dev-bind /dev/null /null --bind /dev/null /nulldev \
		sh -c 'echo x >/null && echo dev-ok; (echo x >/nulldev) 2>&1 | grep -q "Permission denied" && echo nodev'
	expect_ok "$(printf 'dev-ok\nnodev')"
}
mcase "--dev-bind keeps device access, --bind is nodev" t_dev_bind

t_ro_bind() {
	[ "$MYUID" = 0 ] || { SKIP_REASON="needs root to mount the submount fixture"; return 77; }
	run_mode "$1" -- "${SB[@]}" --ro-bind "$T/fix/ro" /r sh -c '
		for f in /r/a /r/sub/a; do
			(echo x >$f) 2>&1 | grep -q "Read-only file system" && echo "$f EROFS" || echo "$f writable"
		done'
	expect_ok "$(printf '/r/a EROFS\n/r/sub/a EROFS')" &&
		{ [ ! -e "$T/fix/ro/a" ] && [ ! -e "$T/fix/ro/sub/a" ] || { diag "file appeared on the host"; return 1; }; }
}
mcase "--ro-bind is read-only through its submounts" t_ro_bind

t_remount_ro() {
	local w
	w=$(mkw rro-$1)
	run_mode "$1" -- "${SB[@]}" --bind "$w" /w --remount-ro /w sh -c '
		(echo x >/w/a) 2>&1 | grep -q "Read-only file system" && echo EROFS'
	expect_ok EROFS && [ ! -e "$w/a" ]
}
mcase "--remount-ro makes a writable bind read-only" t_remount_ro

t_bind_fd() {
	local w
	w=$(mkw bindfd-$1)
	run_mode "$1" -- "${SB[@]}" --dev /dev --bind-fd 5 /b --ro-bind-fd 6 /rb sh -c '
		echo in >/b/x && cat /b/x; cat /rb/file; (echo y >/rb/y) 2>/dev/null || echo ro' \
		5<"$w" 6<"$T/fix/tree"
	expect_ok "$(printf 'in\nhost-data\nro')" && [ "$(cat "$w/x")" = in ]
}
mcase "--bind-fd / --ro-bind-fd bind open directories" t_bind_fd

t_tmpfs() {
	run_mode "$1" -- "${SB[@]}" --tmpfs /t --perms 0700 --tmpfs /p sh -c '
		ls -A /t | wc -l; echo x >/t/f && cat /t/f; stat -c "%a %F" /t /p; stat -f -c %T /t'
	expect_ok "$(printf '0\nx\n755 directory\n700 directory\ntmpfs')"
}
mcase "--tmpfs is an empty writable tmpfs; --perms sets its mode" t_tmpfs

t_tmpfs_size() {
	run_mode "$1" -- "${SB[@]}" --size 1048576 --tmpfs /t sh -c 'echo $(( $(stat -f -c "%b * %S" /t) ))'
	if [ "$1" = setuid ]; then
		expect_fail "The --size option is not permitted in setuid mode"
	else
		expect_ok 1048576
	fi
}
mcase "--size limits a tmpfs (refused in setuid mode)" t_tmpfs_size

t_dir() {
	run_mode "$1" -- "${SB[@]}" --dir /a/b/c --perms 0750 --dir /d --perms 0711 --dir /a/e \
		stat -c "%a %u" /a /a/b/c /d /a/e
	local u
	u=$(uid_in "$1")
	expect_ok "$(printf '%s\n' "755 $u" "755 $u" "750 $u" "711 $u")"
}
mcase "--dir makes parents; --perms sets the mode" t_dir

t_file() {
	run_mode "$1" -- "${SB[@]}" --dev /dev --file 5 /f --perms 0640 --file 6 /g --bind-data 7 /bd --ro-bind-data 8 /rbd \
		sh -c 'cat /f /g /bd /rbd; stat -c %a /f /g; echo more >>/bd && echo bd-rw;
		       (echo more >>/rbd) 2>/dev/null || echo rbd-ro' \
		5<"$T/fix/data" 6<"$T/fix/data" 7<"$T/fix/data" 8<"$T/fix/data"
	expect_ok "$(printf 'hello\nhello\nhello\nhello\n666\n640\nbd-rw\nrbd-ro')" &&
		[ "$(cat "$T/fix/data")" = hello ]
}
mcase "--file/--bind-data/--ro-bind-data copy fd contents" t_file

t_symlink() {
	run_mode "$1" -- "${SB[@]}" --symlink /usr/share /s --symlink ../x /a/l sh -c 'readlink /s /a/l; test -d /s/doc && echo dir'
	expect_ok "$(printf '/usr/share\n../x\ndir')"
}
mcase "--symlink creates symlinks (with parents)" t_symlink

t_chmod() {
	run_mode "$1" -- "${SB[@]}" --dir /d --chmod 0700 /d --file 5 /f --chmod 0604 /f stat -c %a /d /f 5<"$T/fix/data"
	expect_ok "$(printf '700\n604')"
}
mcase "--chmod changes the mode of an existing path" t_chmod

t_chmod_missing() {
	run_mode "$1" -- "${SB[@]}" --chmod 0700 /nonexistent true
	expect_rc 1 && expect_err_like "^$PROG: Can't chmod 0?700 /nonexistent: No such file or directory\$"
}
mcase "--chmod of a missing path fails" t_chmod_missing

t_perms_dangling() {
	run_mode "$1" -- "${SB[@]}" --perms 0700 --bind /usr /x true
	expect_fail "--perms must be followed by an option that creates a file"
}
mcase "--perms before a non-creating option is refused" t_perms_dangling

t_fds_closed() {
	local want
	# The same fds as a plain child of ours sees (the caller's open fds,
	# including fd 9, are inherited as in bwrap): none of vb's own.
	want=$(sh -c 'ls /proc/self/fd | sort -n | tr "\n" " "' 9<"$T/fix/data" </dev/null 2>"$T/io/err")
	run_mode "$1" -- "${SB[@]}" --proc /proc --unshare-pid sh -c 'ls /proc/self/fd | sort -n | tr "\n" " "' 9<"$T/fix/data"
	expect_ok "$want"
}
mcase "the command gets only stdio and the fds its caller passed" t_fds_closed

done_testing
