/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Namespaces: clone3, uid/gid maps, loopback, nested user namespaces. */
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "fault.h"
#include "sandbox.h"

#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif
#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

/* The kernel's struct clone_args (v2), spelled out to avoid mixing
 * <linux/sched.h> with glibc's <sched.h>. */
struct vb_clone_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid,
		set_tid_size, cgroup;
};

const char *const vb_ns_names[VB_NS_REPORT_N] = { "cgroup", "ipc",  "mnt", "net",
						  "pid",    "user", "uts" };

unsigned long ns_clone_flags(unsigned ns)
{
	unsigned long f = CLONE_NEWNS;

	if (ns & VB_NS_USER)
		f |= CLONE_NEWUSER;
	if (ns & VB_NS_IPC)
		f |= CLONE_NEWIPC;
	if (ns & VB_NS_PID)
		f |= CLONE_NEWPID;
	if (ns & VB_NS_NET)
		f |= CLONE_NEWNET;
	if (ns & VB_NS_UTS)
		f |= CLONE_NEWUTS;
	if (ns & VB_NS_CGROUP)
		f |= CLONE_NEWCGROUP;
	return f;
}

pid_t ns_clone(unsigned long flags, int cgroup_fd, int *ret_pidfd)
{
	struct vb_clone_args args = {
		.flags = flags | CLONE_PIDFD,
		.exit_signal = SIGCHLD,
	};
	int pidfd = -1;
	long pid;

	args.pidfd = (uint64_t)(uintptr_t)&pidfd;
	if (cgroup_fd >= 0) {
		args.flags |= CLONE_INTO_CGROUP;
		args.cgroup = (uint64_t)cgroup_fd;
	}
	pid = syscall(SYS_clone3, &args, sizeof(args));
	if (pid < 0 && errno == ENOSYS && cgroup_fd < 0) {
		/* Kernels before 5.3: classic clone(), pidfd opened after. */
		pid = syscall(SYS_clone, flags | SIGCHLD, 0, 0, 0, 0);
		if (pid > 0)
			pidfd = (int)syscall(SYS_pidfd_open, (pid_t)pid, 0);
	}
	if (pid < 0)
		return -errno;
	if (pid > 0) {
		/* pidfds are O_CLOEXEC from the kernel already. */
		*ret_pidfd = pidfd;
	}
	return (pid_t)pid;
}

/* Maps the sandbox's uid/gid to the caller's: one line each, the only map
 * an unprivileged user may write, and all bwrap ever writes. */
int ns_write_id_maps(pid_t pid, uid_t sandbox_uid, uid_t real_uid, gid_t sandbox_gid,
		     gid_t real_gid, bool deny_setgroups)
{
	char path[64], line[64];
	_cleanup_close_ int dirfd = -1;
	int r;

	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	dirfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return -errno;
	snprintf(line, sizeof(line), "%u %u 1\n", (unsigned)sandbox_uid, (unsigned)real_uid);
	r = vb_write_file_at(dirfd, "uid_map", line);
	if (r < 0)
		return r;
	if (deny_setgroups) {
		r = vb_write_file_at(dirfd, "setgroups", "deny\n");
		if (r < 0 && r != -ENOENT)
			return r;
	}
	snprintf(line, sizeof(line), "%u %u 1\n", (unsigned)sandbox_gid, (unsigned)real_gid);
	return vb_write_file_at(dirfd, "gid_map", line);
}

/* Brings lo up, as bwrap does for --unshare-net: a fresh network namespace
 * has it down.  The kernel assigns 127.0.0.1 and ::1 when it goes up. */
int ns_loopback_up(void)
{
	struct ifreq ifr = { 0 };
	_cleanup_close_ int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	memcpy(ifr.ifr_name, "lo", 3);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		return -errno;
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		return -errno;
	return 0;
}

/* --disable-userns: cap nested user namespaces at the one we are about to
 * enter, then enter it (bwrap's way).  Runs in the child. */
int ns_disable_userns(int proc_fd, uid_t uid, gid_t gid)
{
	char line[64];
	int r;

	r = vb_write_file_at(proc_fd, "sys/user/max_user_namespaces", "1");
	if (r < 0)
		return r;
	if (unshare(CLONE_NEWUSER) < 0)
		return -errno;
	snprintf(line, sizeof(line), "%u %u 1\n", (unsigned)uid, (unsigned)uid);
	r = vb_write_file_at(proc_fd, "self/uid_map", line);
	if (r < 0)
		return r;
	(void)vb_write_file_at(proc_fd, "self/setgroups", "deny");
	snprintf(line, sizeof(line), "%u %u 1\n", (unsigned)gid, (unsigned)gid);
	return vb_write_file_at(proc_fd, "self/gid_map", line);
}
