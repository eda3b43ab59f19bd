/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* --net pasta: pasta(1) attached to the sandbox's namespaces once they
 * exist, running with the caller's ids. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>

#include "fault.h"
#include "net/net.h"

static void undo_pasta(void *data)
{
	struct vb_net_state *st = data;

	if (st->pasta_pid > 0)
		(void)kill(st->pasta_pid, SIGTERM);
	st->pasta_pid = 0;
}

const char *pasta_find(void)
{
	static const char *const paths[] = { "/usr/bin/pasta", "/usr/local/bin/pasta",
					     "/bin/pasta" };

	for (size_t i = 0; i < ARRAY_SIZE(paths); i++)
		if (access(paths[i], X_OK) == 0)
			return paths[i];
	return NULL;
}

const char *pasta_problem(char *buf, size_t size)
{
	struct stat st;

	/* pasta opens the tun device inside the namespace, with the caller's
	 * rights on the node: access() asks with the real ids. */
	if (stat("/dev/net/tun", &st) < 0)
		snprintf(buf, size, "/dev/net/tun: %s; load the tun module: modprobe tun",
			 strerror(errno));
	else if (!S_ISCHR(st.st_mode) || st.st_rdev != makedev(10, 200))
		snprintf(buf, size,
			 "/dev/net/tun is not the tun device (10:200); make it: "
			 "mknod -m 0666 /dev/net/tun c 10 200");
	else if (access("/dev/net/tun", R_OK | W_OK) < 0)
		snprintf(buf, size,
			 "/dev/net/tun is mode %04o, which uid %u can't open (%s); "
			 "let users open it: chmod 0666 /dev/net/tun",
			 (unsigned)(st.st_mode & 07777), (unsigned)getuid(), strerror(errno));
	else
		return NULL;
	return buf;
}

void pasta_read_stderr(int fd, char *buf, size_t size)
{
	char raw[2048];
	size_t len = 0, out = 0;
	ssize_t n;

	(void)fcntl(fd, F_SETFL, O_NONBLOCK);
	while (len < sizeof(raw) - 1 && (n = read(fd, raw + len, sizeof(raw) - 1 - len)) > 0)
		len += (size_t)n;
	raw[len] = '\0';
	buf[0] = '\0';
	for (char *l = raw, *e; l && *l; l = e ? e + 1 : NULL) {
		if ((e = strchr(l, '\n')))
			*e = '\0';
		/* Its log also goes to syslog, absent in most namespaces. */
		if (!*l || strstr(l, "to syslog"))
			continue;
		if (out < size)
			out += (size_t)snprintf(buf + out, size - out, "%s%s", out ? "; " : "", l);
	}
}

/* A clean slate for pasta, then exec: the caller's ids (never setuid
 * root's), stdin from /dev/null, stderr to err_fd. */
_Noreturn static void exec_pasta(const char *pasta, const char *const *argv, int err_fd)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	sigset_t all;

	/* pasta refuses to start when it inherits an ignored signal
	 * (python's SIGPIPE, for one). */
	for (int sig = 1; sig < NSIG; sig++)
		(void)signal(sig, SIG_DFL);
	sigemptyset(&all);
	(void)sigprocmask(SIG_SETMASK, &all, NULL);
	if (setgid(getgid()) < 0 || setuid(getuid()) < 0)
		_exit(126);
	if (null >= 0)
		(void)dup2(null, 0);
	if (err_fd >= 0 && dup2(err_fd, 2) < 0)
		_exit(126);
	execv(pasta, (char *const *)argv);
	_exit(127);
}

int pasta_try(int timeout_ms, char *buf, size_t size)
{
	const char *pasta = pasta_find();
	/* As root, pasta would turn into nobody, who can't map its ids. */
	const char *argv[] = { "pasta", "--config-net", "--quiet", "--", "true", NULL, NULL, NULL };
	int efd[2], status = 0, waited = 0;
	pid_t pid, r;

	buf[0] = '\0';
	if (getuid() == 0) {
		argv[3] = "--runas";
		argv[4] = "0:0";
		argv[5] = "--";
		argv[6] = "true";
	}
	if (!pasta) {
		snprintf(buf, size, "pasta not found");
		return -ENOENT;
	}
	if (pipe2(efd, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		int e = errno;

		(void)close(efd[0]);
		(void)close(efd[1]);
		return -e;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

		(void)setpgid(0, 0);
		if (null >= 0)
			(void)dup2(null, 1);
		exec_pasta(pasta, argv, efd[1]);
	}
	(void)close(efd[1]);
	while ((r = waitpid(pid, &status, WNOHANG)) == 0 && waited < timeout_ms) {
		(void)poll(NULL, 0, 20);
		waited += 20;
	}
	if (r == 0) {
		(void)kill(-pid, SIGKILL);
		(void)kill(pid, SIGKILL);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		(void)close(efd[0]);
		snprintf(buf, size, "pasta did not finish within %d s", timeout_ms / 1000);
		return -ETIMEDOUT;
	}
	pasta_read_stderr(efd[0], buf, size);
	(void)close(efd[0]);
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

int pasta_setup_parent(struct vb_net_state *st, vb_error *err)
{
	const struct vb_sandbox *sb = st->sb;
	const struct vb_net_config *net = st->net;
	const char *pasta = pasta_find();
	char mtu[16], pidstr[16], ports[NET_MAX_PUBLISH * 2][INET6_ADDRSTRLEN + 16],
		pidbuf[32] = "";
	const char *argv[16 + NET_MAX_PUBLISH * 2 + 4];
	char why[512], text[512];
	int argc = 0, pfd[2], efd[2], status;
	size_t np = 0;
	pid_t pid;
	ssize_t n;

	if (!pasta)
		return NET_ERR(err, 0, "--net pasta needs pasta(1) (Debian package passt)");
	if (vb_fault("net-pasta") < 0)
		return NET_ERR(err, EIO, "Can't start pasta");
	snprintf(pidstr, sizeof(pidstr), "%d", (int)sb->pid);
	argv[argc++] = "pasta";
	argv[argc++] = "--config-net";
	argv[argc++] = "--quiet";
	argv[argc++] = "--pid";
	argv[argc++] = "/proc/self/fd/3";
	/* As root pasta would turn into nobody, who may not open a root
	 * sandbox's namespaces: stay root (pasta drops its capabilities). */
	if (getuid() == 0) {
		argv[argc++] = "--runas";
		argv[argc++] = "0:0";
	}
	if (net->mtu) {
		snprintf(mtu, sizeof(mtu), "%u", net->mtu);
		argv[argc++] = "--mtu";
		argv[argc++] = mtu;
	}
	if (!net->ipv6)
		argv[argc++] = "--ipv4-only";
	for (int proto = 0; proto < 2; proto++) {
		bool any = false;

		for (size_t i = 0; i < net->n_publish; i++) {
			const struct net_publish *p = &net->publish[i];
			char h[INET6_ADDRSTRLEN] = "";

			if ((p->proto == IPPROTO_UDP) != (proto == 1))
				continue;
			if (p->host_family)
				inet_ntop(p->host_family, &p->host_ip, h, sizeof(h));
			snprintf(ports[np], sizeof(ports[np]), "%s%s%u:%u", h, *h ? "/" : "",
				 p->host_port, p->port);
			argv[argc++] = proto ? "-u" : "-t";
			argv[argc++] = ports[np++];
			any = true;
		}
		if (!any) {
			argv[argc++] = proto ? "-u" : "-t";
			argv[argc++] = "none";
		}
	}
	argv[argc++] = pidstr;
	argv[argc] = NULL;

	if (pipe2(pfd, O_CLOEXEC) < 0)
		return NET_ERR(err, errno, "pipe2()");
	if (pipe2(efd, O_CLOEXEC) < 0) {
		int e = errno;

		(void)close(pfd[0]);
		(void)close(pfd[1]);
		return NET_ERR(err, e, "pipe2()");
	}
	pid = fork();
	if (pid < 0) {
		int e = errno;

		(void)close(pfd[0]);
		(void)close(pfd[1]);
		(void)close(efd[0]);
		(void)close(efd[1]);
		return NET_ERR(err, e, "Can't start pasta");
	}
	if (pid == 0) {
		if (dup2(pfd[1], 3) < 0)
			_exit(126);
		/* Its stderr comes to vb: a failure is reported as one message
		 * with the cause.  Once in the background pasta has its stdio on
		 * /dev/null. */
		exec_pasta(pasta, argv, efd[1]);
	}
	(void)close(pfd[1]);
	(void)close(efd[1]);
	/* pasta writes its pid and forks to the background once the
	 * namespace is configured; the first process then exits. */
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	n = read(pfd[0], pidbuf, sizeof(pidbuf) - 1);
	(void)close(pfd[0]);
	pasta_read_stderr(efd[0], text, sizeof(text));
	(void)close(efd[0]);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);

		if (pasta_problem(why, sizeof(why)))
			return NET_ERR(err, 0, "--net pasta: pasta can't set up the network: %s",
				       why);
		if (code == 127)
			return NET_ERR(err, 0, "--net pasta: Can't run %s", pasta);
		return NET_ERR(err, 0, "pasta failed (exit status %d)%s%s", code, *text ? ": " : "",
			       text);
	}
	if (n > 0) {
		pidbuf[n] = '\0';
		st->pasta_pid = (pid_t)strtol(pidbuf, NULL, 10);
	}
	if (vb_rollback_push(&st->sb->rb, undo_pasta, st, false) < 0)
		return NET_ERR(err, ENOMEM, "Out of memory");
	return 0;
}
