/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What every file of libvoidbox uses: cleanup helpers, caps on input sizes,
 * small I/O helpers (lib/util.c).  Not installed. */
#ifndef VB_BASE_H
#define VB_BASE_H

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "voidbox.h"

#define VB_EXPORT __attribute__((visibility("default")))

#define _cleanup_(f) __attribute__((cleanup(f)))
static inline void freep(void *p)
{
	free(*(void **)p);
}
static inline void closep(int *fd)
{
	if (*fd >= 0)
		(void)close(*fd);
}
#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)
#define TAKE_PTR(p)                     \
	({                              \
		__typeof__(p) _t = (p); \
		(p) = NULL;             \
		_t;                     \
	})
#define TAKE_FD(fd)            \
	({                     \
		int _t = (fd); \
		(fd) = -1;     \
		_t;            \
	})
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define _unused_ __attribute__((unused))

/* Caps that keep hostile input bounded (house style). */
#define VB_MAX_ARGS 9000
#define VB_MAX_OPS 8192
/* One argument: the kernel's MAX_ARG_STRLEN, the longest argument execve()
 * passes, so that every argument of a command line fits (bwrap has no cap
 * of its own; a long --setenv value is fine there too). */
#define VB_MAX_STRING 131072
/* A path, or a label: what the kernel takes (PATH_MAX). */
#define VB_MAX_PATH 4096

/* ---- small helpers (lib/util.c) ----------------------------------------- */

/* write() the whole buffer, retrying on EINTR.  -errno, -EPIPE when the
 * reader is gone. */
int vb_write_all(int fd, const void *buf, size_t len);
/* Reads a whole fd into a NUL-terminated malloc'ed buffer. */
int vb_read_fd(int fd, char **ret_buf, size_t *ret_len);
/* Writes a string to a file (path relative to dirfd), O_CLOEXEC. */
int vb_write_file_at(int dirfd, const char *path, const char *data);
/* Field 22 of /proc/PID/stat (start time, clock ticks after boot): with the
 * pid, who a process is (a recycled pid starts later).  0 when the process
 * is gone, exiting (PF_EXITING: killed, still tearing down), or only a
 * zombie (it runs nothing and holds nothing, but stays in /proc until its
 * parent reaps it, which a subreaper may do late). */
unsigned long long vb_proc_start_time(pid_t pid);
/* strdup() of at most VB_MAX_STRING (a path: VB_MAX_PATH) bytes; NULL
 * beyond, or on ENOMEM. */
char *vb_strdup_checked(const char *s);
char *vb_strdup_path(const char *s);
/* open() with the rights of the caller's real uid and gid (setuid mode: the
 * fs ids only, for the one call).  Returns the fd or -errno. */
int vb_open_as_caller(const char *path, int flags);
/* The length (1 to 4) of the well-formed UTF-8 sequence at s (RFC 3629:
 * no overlong forms, no surrogates, nothing above U+10FFFF), 0 when the
 * byte at s starts none or s is at its NUL.  For the JSON writers, which
 * escape each byte outside such a sequence as \u00XX (vb-events(7)). */
size_t vb_utf8_len(const char *s);

/* ---- parsers (lib/parse.c; the public ones are in voidbox.h) ------------ */

/* "NOFILE" for RLIMIT_NOFILE, "?" for an unknown resource. */
const char *vb_rlimit_name(int resource);

#endif
