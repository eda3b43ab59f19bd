/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/fsuid.h>

#include "base.h"

int vb_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EPIPE;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int vb_read_fd(int fd, char **ret_buf, size_t *ret_len)
{
	size_t cap = 4096, len = 0;
	_cleanup_free_ char *buf = malloc(cap);

	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t n;

		if (cap - len < 2) {
			char *nb;

			if (cap > (size_t)256 << 20)
				return -EFBIG;
			nb = realloc(buf, cap * 2);
			if (!nb)
				return -ENOMEM;
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	if (ret_len)
		*ret_len = len;
	*ret_buf = TAKE_PTR(buf);
	return 0;
}

int vb_write_file_at(int dirfd, const char *path, const char *data)
{
	_cleanup_close_ int fd = openat(dirfd, path, O_WRONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		return -errno;
	return vb_write_all(fd, data, strlen(data));
}

char *vb_strdup_checked(const char *s)
{
	if (!s || strlen(s) >= VB_MAX_STRING)
		return NULL;
	return strdup(s);
}

char *vb_strdup_path(const char *s)
{
	if (!s || strlen(s) >= VB_MAX_PATH)
		return NULL;
	return strdup(s);
}

int vb_open_as_caller(const char *path, int flags)
{
	bool switch_ids = getuid() != geteuid() || getgid() != getegid();
	uid_t fsuid = 0;
	gid_t fsgid = 0;
	int fd, e;

	/* The fs ids only: a change from 0 drops the DAC-overriding
	 * capabilities from the effective set for as long, and touches
	 * nothing else of the process.  Put back as they were. */
	if (switch_ids) {
		fsgid = (gid_t)setfsgid(getgid());
		fsuid = (uid_t)setfsuid(getuid());
	}
	fd = open(path, flags | O_CLOEXEC | O_NOCTTY);
	e = errno;
	if (switch_ids) {
		(void)setfsuid(fsuid);
		(void)setfsgid(fsgid);
	}
	errno = e;
	return fd < 0 ? -e : fd;
}

size_t vb_utf8_len(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n;

	if (p[0] == 0)
		return 0;
	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4;
	else
		return 0; /* a continuation byte, C0/C1 (overlong), F5 and above */
	/* The second byte's range excludes overlong forms (E0, F0),
	 * surrogates (ED) and code points above U+10FFFF (F4). */
	if (p[0] == 0xe0)
		lo = 0xa0;
	else if (p[0] == 0xed)
		hi = 0x9f;
	else if (p[0] == 0xf0)
		lo = 0x90;
	else if (p[0] == 0xf4)
		hi = 0x8f;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return n;
}

unsigned long long vb_proc_start_time(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long start = 0;
	int fd;
	ssize_t n;

	if (pid <= 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	(void)close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* The command name may hold spaces and parentheses: skip to the last ')'. */
	p = strrchr(buf, ')');
	if (!p)
		return 0;
	/* p is now at the space before field 3 (state); walk to field 22. */
	p++;
	if (p[0] == ' ' && (p[1] == 'Z' || p[1] == 'X' || p[1] == 'x'))
		return 0;
	for (int field = 3; field < 31 && p; field++) {
		p = strchr(p + 1, ' ');
		if (!p)
			break;
		/* Field 9, the kernel's flags: PF_EXITING (0x4) is a process
		 * past the point of no return (killed, tearing down its
		 * namespaces), gone for every purpose of an owner. */
		if (field + 1 == 9 && (strtoul(p + 1, NULL, 10) & 0x4))
			return 0;
		if (field + 1 == 22)
			start = strtoull(p + 1, NULL, 10);
		/* Field 31, its pending signals: a SIGKILL there (a parent-
		 * death signal just sent, on a loaded machine not yet acted
		 * on) cannot be stopped; gone too. */
		if (field + 1 == 31 && (strtoull(p + 1, NULL, 10) & (1ULL << (SIGKILL - 1))))
			return 0;
	}
	return start;
}
