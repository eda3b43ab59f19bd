/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The sandbox's own resolv.conf: text built by the parent before clone
 * (net_build_resolv), bound over the new root's /etc/resolv.conf by the
 * child (net_bind_resolv), never the host's file. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/syscall.h>

#include "fault.h"
#include "net/net.h"

/* ---- resolv.conf -------------------------------------------------------- */

static bool is_loopback_resolver(const char *s)
{
	struct in_addr a4;
	struct in6_addr a6;

	if (inet_pton(AF_INET, s, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127 || a4.s_addr == 0;
	if (inet_pton(AF_INET6, s, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6) || IN6_IS_ADDR_UNSPECIFIED(&a6);
	return false;
}

static int append(char *buf, size_t size, size_t *len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int append(char *buf, size_t size, size_t *len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf + *len, size - *len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size - *len)
		return -ENOSPC;
	*len += (size_t)n;
	return 0;
}

/* The nameserver lines of a resolv.conf; the other lines into other. */
static int read_resolv(const char *path, char (*ns)[INET6_ADDRSTRLEN], size_t *n_ns, size_t max,
		       char *other, size_t other_size, size_t *other_len, size_t *n_loopback)
{
	_cleanup_free_ char *text = NULL;
	_cleanup_close_ int fd = -1;
	size_t len;
	char *line, *save = NULL;
	int r;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	r = vb_read_fd(fd, &text, &len);
	if (r < 0)
		return r;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char word[16], addr[INET6_ADDRSTRLEN + 1];

		if (sscanf(line, "%15s %46s", word, addr) == 2 && strcmp(word, "nameserver") == 0) {
			/* Drop a zone (fe80::1%eth0): the sandbox has no such link. */
			addr[strcspn(addr, "%")] = '\0';
			if (is_loopback_resolver(addr)) {
				if (n_loopback)
					(*n_loopback)++;
				continue;
			}
			if (*n_ns < max)
				snprintf(ns[(*n_ns)++], INET6_ADDRSTRLEN, "%.45s", addr);
			continue;
		}
		if (other && (strncmp(line, "search", 6) == 0 || strncmp(line, "domain", 6) == 0 ||
			      strncmp(line, "options", 7) == 0))
			(void)append(other, other_size, other_len, "%s\n", line);
	}
	return 0;
}

int net_build_resolv(const char (*dns)[INET6_ADDRSTRLEN], size_t n_dns, const char *resolv_path,
		     const char *upstream_path, char *buf, size_t size, size_t *ret_len)
{
	char ns[NET_MAX_DNS][INET6_ADDRSTRLEN];
	char other[1024] = "";
	size_t n_ns = 0, other_len = 0, n_loop = 0, len = 0;

	(void)read_resolv(resolv_path, ns, &n_ns, NET_MAX_DNS, other, sizeof(other), &other_len,
			  &n_loop);
	if (n_dns > 0) {
		n_ns = 0;
		for (size_t i = 0; i < n_dns && i < NET_MAX_DNS; i++)
			snprintf(ns[n_ns++], INET6_ADDRSTRLEN, "%s", dns[i]);
	} else if (n_ns == 0 && upstream_path) {
		/* Only loopback resolvers (systemd-resolved's 127.0.0.53 and
		 * friends), unreachable from the sandbox: use what they use. */
		(void)read_resolv(upstream_path, ns, &n_ns, NET_MAX_DNS, NULL, 0, NULL, NULL);
	}
	if (append(buf, size, &len, "# resolv.conf of this voidbox sandbox\n") < 0)
		return -ENOSPC;
	for (size_t i = 0; i < n_ns; i++)
		if (append(buf, size, &len, "nameserver %s\n", ns[i]) < 0)
			return -ENOSPC;
	if (append(buf, size, &len, "%s", other) < 0)
		return -ENOSPC;
	*ret_len = len;
	return 0;
}

/* Child: bind the prepared text over newroot/etc/resolv.conf, through a
 * file on the setup tmpfs (which the sandbox never sees).  A symlinked
 * resolv.conf is followed inside the new root, not outside it. */
int net_bind_resolv(const struct vb_net_state *st, const char *newroot, vb_error *err)
{
	char fdpath[64];
	const char *tmp = "/.vb-resolv.conf";
	struct open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT };
	int rootfd, target, fd, r;

	rootfd = open(newroot, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return NET_ERR(err, errno, "Can't open %s", newroot);
	target = (int)syscall(SYS_openat2, rootfd, "etc/resolv.conf", &how, sizeof(how));
	if (target < 0 && errno == ENOENT) {
		/* No such file: make one if /etc is there and writable. */
		int etcfd = openat(rootfd, "etc", O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);

		if (etcfd >= 0) {
			int f = openat(etcfd, "resolv.conf",
				       O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);

			if (f >= 0)
				(void)close(f);
			(void)close(etcfd);
			target = (int)syscall(SYS_openat2, rootfd, "etc/resolv.conf", &how,
					      sizeof(how));
		}
	}
	if (target < 0) {
		(void)close(rootfd);
		return 0; /* no /etc in the sandbox: nothing resolves there anyway */
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0 || vb_write_all(fd, st->resolv, st->resolv_len) < 0) {
		r = errno;
		if (fd >= 0)
			(void)close(fd);
		(void)close(target);
		(void)close(rootfd);
		return NET_ERR(err, r, "Can't write resolv.conf");
	}
	(void)close(fd);
	/* /proc is the host's, under /oldroot, at this point of setup. */
	snprintf(fdpath, sizeof(fdpath), "/oldroot/proc/self/fd/%d", target);
	if (mount(tmp, fdpath, NULL, MS_BIND, NULL) < 0) {
		r = errno;
		(void)close(target);
		(void)close(rootfd);
		return NET_ERR(err, r, "Can't bind resolv.conf");
	}
	(void)close(target);
	/* Read-only: found again, now as the mount just made. */
	target = (int)syscall(SYS_openat2, rootfd, "etc/resolv.conf", &how, sizeof(how));
	if (target >= 0) {
		snprintf(fdpath, sizeof(fdpath), "/oldroot/proc/self/fd/%d", target);
		(void)mount(NULL, fdpath, NULL,
			    MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV, NULL);
		(void)close(target);
	}
	(void)close(rootfd);
	(void)unlink(tmp);
	return 0;
}
