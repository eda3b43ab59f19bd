/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Address leases: one file per address in /run/voidbox/net/<bridge>/, named
 * after the address.  Its first line names the owners (vb's pid and the
 * sandbox's, each with its start time, so a recycled pid is not mistaken
 * for the owner) in fixed-width fields, rewritten in place; a second line,
 * the note, names the per-sandbox objects made outside the sandbox (nft
 * elements, DNAT chains) that a sweep must remove.  Every change happens
 * under flock() of the directory's "lock" file, which also holds the index
 * handed out last: addresses go round-robin, as CNI's host-local does, so
 * that a run right after another does not get the address (and veth name)
 * whose teardown the kernel may still be finishing.  A lease whose owners
 * are all gone is stale and is reclaimed, with what it named, by the next
 * start.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "net/net.h"

int ipam_parse_cidr4(const char *s, struct in_addr *ret_net, unsigned *ret_prefix)
{
	char buf[INET_ADDRSTRLEN + 4], *slash, *end;
	struct in_addr a;
	unsigned long p;
	uint32_t mask;

	if (!s || strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (!slash)
		return -EINVAL;
	*slash = '\0';
	if (inet_pton(AF_INET, buf, &a) != 1)
		return -EINVAL;
	errno = 0;
	p = strtoul(slash + 1, &end, 10);
	if (errno || *end || end == slash + 1 || p < 8 || p > 30)
		return -EINVAL;
	mask = htonl(~0u << (32 - p));
	if (a.s_addr & ~mask)
		return -EINVAL; /* host bits set: say what was meant */
	*ret_net = a;
	*ret_prefix = (unsigned)p;
	return 0;
}

int ipam_parse_cidr6(const char *s, struct in6_addr *ret_net, unsigned *ret_prefix)
{
	char buf[INET6_ADDRSTRLEN + 5], *slash, *end;
	struct in6_addr a;
	unsigned long p;

	if (!s || strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (!slash)
		return -EINVAL;
	*slash = '\0';
	if (inet_pton(AF_INET6, buf, &a) != 1)
		return -EINVAL;
	errno = 0;
	p = strtoul(slash + 1, &end, 10);
	/* The host index of the IPv4 lease goes in the low 32 bits. */
	if (errno || *end || end == slash + 1 || p < 8 || p > 96)
		return -EINVAL;
	for (unsigned bit = (unsigned)p; bit < 128; bit++)
		if (a.s6_addr[bit / 8] & (0x80 >> (bit % 8)))
			return -EINVAL;
	*ret_net = a;
	*ret_prefix = (unsigned)p;
	return 0;
}

struct in_addr ipam_gateway(struct in_addr net)
{
	return (struct in_addr){ .s_addr = htonl(ntohl(net.s_addr) + 1) };
}

struct in6_addr ipam_addr6(struct in6_addr net, uint32_t idx)
{
	uint32_t low;

	memcpy(&low, &net.s6_addr[12], 4);
	low = htonl(ntohl(low) + idx);
	memcpy(&net.s6_addr[12], &low, 4);
	return net;
}

struct in6_addr ipam_gateway6(struct in6_addr net)
{
	return ipam_addr6(net, 1);
}

#define OWNER_LEN 64 /* "%10d %20llu %10d %20llu\n" */

static bool owner_alive(pid_t pid, unsigned long long start)
{
	return pid > 0 && start != 0 && vb_proc_start_time(pid) == start;
}

static unsigned long long self_start_time(void)
{
	static unsigned long long t;
	static pid_t pid;

	if (pid != getpid()) { /* forked since: not ours */
		pid = getpid();
		t = vb_proc_start_time(pid);
	}
	return t;
}

/* A lease is live while vb or the sandbox it started still runs; note
 * gets its second line (what a sweep removes), "" if none. */
static bool lease_live(int dirfd, const char *name, char *note, size_t note_size)
{
	char buf[OWNER_LEN + IPAM_NOTE_MAX + 1], *nl;
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	ssize_t n;
	int vpid = 0, spid = 0;
	unsigned long long vstart = 0, sstart = 0;

	note[0] = '\0';
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	(void)close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	nl = strchr(buf, '\n');
	if (nl) {
		snprintf(note, note_size, "%s", nl + 1);
		note[strcspn(note, "\n")] = '\0';
	}
	if (sscanf(buf, "%d %llu %d %llu", &vpid, &vstart, &spid, &sstart) < 2)
		return false;
	return owner_alive(vpid, vstart) || owner_alive(spid, sstart);
}

static int mkdir_p(const char *path, mode_t mode)
{
	char buf[PATH_MAX];

	if (strlen(path) >= sizeof(buf))
		return -ENAMETOOLONG;
	strcpy(buf, path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, mode) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, mode) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

static int lock_dir(const char *bridge, char *dir, size_t size, int *ret_dirfd)
{
	int dirfd, lockfd, r;

	if ((size_t)snprintf(dir, size, "%s/%s", NET_RUN_DIR, bridge) >= size)
		return -ENAMETOOLONG;
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0 && errno == ENOENT) {
		r = mkdir_p(dir, 0755);
		if (r < 0)
			return r;
		dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	if (dirfd < 0)
		return -errno;
	for (;;) {
		struct stat st;

		lockfd = openat(dirfd, "lock", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (lockfd < 0 || flock(lockfd, LOCK_EX) < 0 || fstat(lockfd, &st) < 0) {
			r = -errno;
			if (lockfd >= 0)
				(void)close(lockfd);
			(void)close(dirfd);
			return r;
		}
		if (st.st_nlink > 0)
			break;
		/* A prune removed the directory while we waited: again. */
		(void)close(lockfd);
		(void)close(dirfd);
		r = mkdir_p(dir, 0755);
		if (r < 0)
			return r;
		dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dirfd < 0)
			return -errno;
	}
	*ret_dirfd = dirfd;
	return lockfd;
}

/* Whether a lease's note names uid as its user. */
static bool note_has_uid(const char *note, uid_t uid)
{
	char want[24];
	size_t n = (size_t)snprintf(want, sizeof(want), "uid=%u", (unsigned)uid);

	for (const char *p = note; (p = strstr(p, want)); p += n)
		if ((p == note || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return true;
	return false;
}

/* Sweeps stale leases; marks live ones in used (when given), counts those
 * of user (when given) in *ret_mine. */
static int sweep(int dirfd, const char *bridge, struct in_addr net, unsigned prefix, uint8_t *used,
		 const struct ipam_user *user, ipam_stale_fn stale, void *data, size_t *ret_live,
		 size_t *ret_mine)
{
	size_t mine = 0;
	int fd = dup(dirfd);
	DIR *d;
	struct dirent *de;
	size_t live = 0;

	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (!d) {
		(void)close(fd);
		return -ENOMEM;
	}
	rewinddir(d);
	while ((de = readdir(d))) {
		char note[IPAM_NOTE_MAX];
		struct in_addr a;

		if (inet_pton(AF_INET, de->d_name, &a) != 1)
			continue;
		if (lease_live(dirfd, de->d_name, note, sizeof(note))) {
			uint32_t idx = ntohl(a.s_addr) - ntohl(net.s_addr);

			live++;
			if (user && note_has_uid(note, user->uid))
				mine++;
			if (used && idx < (1u << (32 - prefix)))
				used[idx / 8] |= (uint8_t)(1u << (idx % 8));
			continue;
		}
		if (stale)
			stale(bridge, a, note, data);
		(void)unlinkat(dirfd, de->d_name, 0);
	}
	closedir(d);
	if (ret_live)
		*ret_live = live;
	if (ret_mine)
		*ret_mine = mine;
	return 0;
}

static int write_owner(int fd, pid_t sandbox_pid)
{
	char buf[OWNER_LEN + 1];
	int n = snprintf(buf, sizeof(buf), "%10d %20llu %10d %20llu\n", (int)getpid(),
			 self_start_time(), (int)sandbox_pid,
			 sandbox_pid > 0 ? vb_proc_start_time(sandbox_pid) : 0ULL);

	/* In place, same length: a sweep may read the file at any time
	 * (ipam_set_owner runs without the lock) and sees either text, whose
	 * first owner is valid in both; the note after it is untouched. */
	if (n != OWNER_LEN)
		return -EOVERFLOW;
	return (int)pwrite(fd, buf, (size_t)n, 0) == n ? 0 : -EIO;
}

/* The round-robin hint: the host index handed out last, in the lock file. */
static uint32_t read_hint(int lockfd)
{
	char buf[16];
	ssize_t n = pread(lockfd, buf, sizeof(buf) - 1, 0);

	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return (uint32_t)strtoul(buf, NULL, 10);
}

static void write_hint(int lockfd, uint32_t idx)
{
	char buf[16];
	int n = snprintf(buf, sizeof(buf), "%10u\n", idx);

	(void)!pwrite(lockfd, buf, (size_t)n, 0);
}

int ipam_lease(const char *bridge, struct in_addr net, unsigned prefix, const struct in_addr *want,
	       const struct ipam_user *user, ipam_stale_fn stale, void *data,
	       struct in_addr *ret_addr, char *ret_path, size_t path_size, bool *ret_first,
	       vb_error *err)
{
	size_t mine = 0;
	char dir[PATH_MAX], name[INET_ADDRSTRLEN];
	uint32_t hosts = 1u << (32 - prefix), idx = 0, base = ntohl(net.s_addr);
	_cleanup_free_ uint8_t *used = NULL;
	_cleanup_close_ int lockfd = -1, dirfd = -1;
	size_t live = 0;
	struct in_addr a;
	int r, fd;

	lockfd = lock_dir(bridge, dir, sizeof(dir), &dirfd);
	if (lockfd < 0)
		return vb_err(err, VB_STAGE_NETWORK, -1, -lockfd, "Can't lock %s/%s", NET_RUN_DIR,
			      bridge);
	used = calloc(hosts / 8 + 1, 1);
	if (!used)
		return vb_err(err, VB_STAGE_NETWORK, -1, ENOMEM, "Out of memory");
	r = sweep(dirfd, bridge, net, prefix, used, user, stale, data, &live, &mine);
	if (r < 0)
		return vb_err(err, VB_STAGE_NETWORK, -1, -r, "Can't read %s", dir);
	if (user && mine >= user->max)
		return vb_err(err, VB_STAGE_NETWORK, -1, 0,
			      "No address for this user on bridge %s: %zu leases held, the "
			      "limit of the grant in %s (max %u)",
			      bridge, mine, NET_POLICY_FILE, user->max);
	/* Network address, gateway and broadcast are never handed out. */
	used[0] |= 0x3;
	used[(hosts - 1) / 8] |= (uint8_t)(1u << ((hosts - 1) % 8));

	if (want) {
		idx = ntohl(want->s_addr) - base;
		if (idx >= hosts || (used[idx / 8] & (1u << (idx % 8)))) {
			char s[INET_ADDRSTRLEN];

			inet_ntop(AF_INET, want, s, sizeof(s));
			return vb_err(err, VB_STAGE_NETWORK, -1, idx >= hosts ? EINVAL : EADDRINUSE,
				      "--ip %s", s);
		}
	} else {
		/* The first free index after the last one handed out, wrapping
		 * (0, 1 and the broadcast are marked used above). */
		uint32_t start = read_hint(lockfd), k;

		if (start < 2 || start >= hosts - 1)
			start = hosts - 2;
		for (k = 1; k <= hosts; k++) {
			idx = (start + k) % hosts;
			if (!(used[idx / 8] & (1u << (idx % 8))))
				break;
		}
		if (k > hosts)
			return vb_err(err, VB_STAGE_NETWORK, -1, EADDRNOTAVAIL,
				      "No free address on bridge %s", bridge);
		write_hint(lockfd, idx);
	}
	a.s_addr = htonl(base + idx);
	inet_ntop(AF_INET, &a, name, sizeof(name));
	fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return vb_err(err, VB_STAGE_NETWORK, -1, errno, "Can't create lease %s/%s", dir,
			      name);
	r = write_owner(fd, 0);
	if (r == 0 && user) {
		/* Under the lock: a start counting leases sees this one's user. */
		char note[32];
		int n = snprintf(note, sizeof(note), "uid=%u\n", (unsigned)user->uid);

		if (pwrite(fd, note, (size_t)n, OWNER_LEN) != n)
			r = -EIO;
	}
	(void)close(fd);
	if (r < 0 || (size_t)snprintf(ret_path, path_size, "%s/%s", dir, name) >= path_size) {
		(void)unlinkat(dirfd, name, 0);
		return vb_err(err, VB_STAGE_NETWORK, -1, r < 0 ? -r : ENAMETOOLONG,
			      "Can't write lease %s/%s", dir, name);
	}
	*ret_addr = a;
	if (ret_first)
		*ret_first = live == 0;
	return 0;
}

int ipam_set_note(const char *path, const char *note)
{
	char buf[IPAM_NOTE_MAX + 1];
	int fd, n;

	n = snprintf(buf, sizeof(buf), "%s\n", note);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return -ENAMETOOLONG;
	fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	if (pwrite(fd, buf, (size_t)n, OWNER_LEN) != n)
		n = -EIO;
	(void)close(fd);
	return n < 0 ? n : 0;
}

int ipam_set_owner(const char *path, pid_t sandbox_pid)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	int r;

	if (fd < 0)
		return -errno;
	r = write_owner(fd, sandbox_pid);
	(void)close(fd);
	return r;
}

void ipam_release(const char *path)
{
	if (path && path[0])
		(void)unlink(path);
}

int ipam_busy(const char *bridge, ipam_stale_fn stale, void *data, bool *ret_busy, int *ret_lock_fd)
{
	char dir[PATH_MAX];
	_cleanup_close_ int dirfd = -1;
	struct in_addr any = { 0 };
	size_t live = 0;
	int lockfd, r;

	lockfd = lock_dir(bridge, dir, sizeof(dir), &dirfd);
	if (lockfd < 0)
		return lockfd;
	r = sweep(dirfd, bridge, any, 8, NULL, NULL, stale, data, &live, NULL);
	if (r < 0) {
		(void)close(lockfd);
		return r;
	}
	*ret_busy = live > 0;
	*ret_lock_fd = lockfd;
	return 0;
}
