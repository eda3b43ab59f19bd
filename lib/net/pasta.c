/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* --net pasta: pasta(1) attached to the sandbox's namespaces once they
 * exist, running with the caller's ids. */
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <fcntl.h>

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

int pasta_setup_parent(struct vb_net_state *st, vb_error *err)
{
	const struct vb_sandbox *sb = st->sb;
	const struct vb_net_config *net = st->net;
	const char *pasta = pasta_find();
	char mtu[16], pidstr[16], ports[NET_MAX_PUBLISH * 2][INET6_ADDRSTRLEN + 16],
		pidbuf[32] = "";
	const char *argv[16 + NET_MAX_PUBLISH * 2 + 4];
	int argc = 0, pfd[2], status;
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
	pid = fork();
	if (pid < 0) {
		(void)close(pfd[0]);
		(void)close(pfd[1]);
		return NET_ERR(err, errno, "Can't start pasta");
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		sigset_t all;

		/* A clean slate: pasta refuses to start when it inherits an
		 * ignored signal (python's SIGPIPE, for one). */
		for (int sig = 1; sig < NSIG; sig++)
			(void)signal(sig, SIG_DFL);
		sigemptyset(&all);
		(void)sigprocmask(SIG_SETMASK, &all, NULL);

		/* Runs with the caller's ids, never with setuid root's. */
		if (setgid(getgid()) < 0 || setuid(getuid()) < 0)
			_exit(126);
		if (dup2(pfd[1], 3) < 0)
			_exit(126);
		if (null >= 0)
			(void)dup2(null, 0);
		execv(pasta, (char *const *)argv);
		_exit(127);
	}
	(void)close(pfd[1]);
	/* pasta writes its pid and forks to the background once the
	 * namespace is configured; the first process then exits. */
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	n = read(pfd[0], pidbuf, sizeof(pidbuf) - 1);
	(void)close(pfd[0]);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return NET_ERR(err, 0, "pasta failed (exit status %d)",
			       WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	if (n > 0) {
		pidbuf[n] = '\0';
		st->pasta_pid = (pid_t)strtol(pidbuf, NULL, 10);
	}
	if (vb_rollback_push(&st->sb->rb, undo_pasta, st, false) < 0)
		return NET_ERR(err, ENOMEM, "Out of memory");
	return 0;
}
