/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bench/floor: the least work that gives the sandbox of
 *   vb --unshare-user --unshare-pid --unshare-ipc --unshare-uts --bind / / CMD
 * (plus --unshare-net with -n), for bench/startup.sh to measure vb against.
 *
 *   floor [-n] CMD [ARG...]
 *
 * clone() into new user, pid, ipc, uts and mount namespaces (and network
 * with -n); the parent writes the uid/gid maps (the caller's ids mapped to
 * themselves, setgroups denied unless root, as vb and bwrap do) and says go
 * over a pipe; the child mounts a tmpfs, binds / into it, pivot_root()s into
 * it, detaches the old root and execs CMD, which is PID 1 of its namespace.
 * The parent waits for it and exits with its status.  Works as root and as
 * an ordinary user.  No option parsing, no error messages beyond perror: it
 * is a benchmark's yardstick, not a tool.  Built by `make bench` only.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int go[2];
static char **cmd;

static void fail(const char *what)
{
	perror(what);
	_exit(127);
}

static void write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0 || write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		fail(path);
	close(fd);
}

static int child(void *arg)
{
	char b;

	(void)arg;
	close(go[1]);
	if (read(go[0], &b, 1) != 1)
		_exit(127);
	/* Our mounts must not propagate back to the host. */
	if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		fail("make / slave");
	if (mount("tmpfs", "/tmp", "tmpfs", MS_NODEV | MS_NOSUID, NULL) < 0)
		fail("mount tmpfs");
	if (mkdir("/tmp/newroot", 0755) < 0)
		fail("mkdir newroot");
	if (mount("/", "/tmp/newroot", NULL, MS_BIND | MS_REC, NULL) < 0)
		fail("bind /");
	if (chdir("/tmp/newroot") < 0)
		fail("chdir");
	/* pivot_root(".", ".") puts the old root on top of the new one;
	 * detaching "." drops it (and the tmpfs with it). */
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		fail("pivot_root");
	if (umount2(".", MNT_DETACH) < 0)
		fail("umount old root");
	if (chdir("/") < 0)
		fail("chdir /");
	execvp(cmd[0], cmd);
	fail(cmd[0]);
	return 127;
}

int main(int argc, char **argv)
{
	static char stack[64 * 1024] __attribute__((aligned(16)));
	int flags =
		CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNS | SIGCHLD;
	char path[64], line[64];
	int argi = 1, st;
	pid_t pid;

	if (argi < argc && strcmp(argv[argi], "-n") == 0) {
		flags |= CLONE_NEWNET;
		argi++;
	}
	if (argi >= argc) {
		fprintf(stderr, "usage: floor [-n] CMD [ARG...]\n");
		return 2;
	}
	cmd = argv + argi;
	if (pipe2(go, O_CLOEXEC) < 0)
		fail("pipe");
	pid = clone(child, stack + sizeof(stack), flags, NULL);
	if (pid < 0)
		fail("clone");
	close(go[0]);
	snprintf(path, sizeof(path), "/proc/%d/uid_map", pid);
	snprintf(line, sizeof(line), "%u %u 1\n", getuid(), getuid());
	write_file(path, line);
	if (getuid() != 0) {
		snprintf(path, sizeof(path), "/proc/%d/setgroups", pid);
		write_file(path, "deny\n");
	}
	snprintf(path, sizeof(path), "/proc/%d/gid_map", pid);
	snprintf(line, sizeof(line), "%u %u 1\n", getgid(), getgid());
	write_file(path, line);
	if (write(go[1], "g", 1) != 1)
		fail("go");
	close(go[1]);
	while (waitpid(pid, &st, 0) < 0)
		;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
