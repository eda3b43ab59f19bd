/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Errors (lib/error.c): the caller-owned vb_error and the record a child
 * sends over the error pipe. */
#ifndef VB_ERRORS_H
#define VB_ERRORS_H

#include <stdint.h>

#include "base.h"

/* ---- errors (lib/error.c) ---------------------------------------------- */

/* Fills err (if non-NULL): message from fmt, error = positive errno (0 for
 * none).  Returns -error, or -EINVAL when error is 0, so a caller can write
 * return vb_err(err, VB_STAGE_CONFIG, -1, 0, "--foo takes an argument"); */
int vb_err(vb_error *err, int stage, int op_index, int error, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* The record a child sends over the error pipe: fixed size, no pointers. */
struct vb_child_error {
	int32_t error;    /* positive errno */
	int32_t stage;    /* enum vb_stage */
	int32_t op_index; /* -1 when none */
	int32_t what;     /* enum vb_failure: picks the message template */
	int32_t arg;      /* an int for the template (an fd), else 0 */
	int32_t quiet;    /* the message says it all: print no errno text */
	char text[256];   /* VB_TXT_SETUP: the module's own message */
};

/* The device nodes and symlinks --dev creates (lib/mount.c, lib/error.c). */
extern const char *const vb_dev_nodes[6];
extern const char *const vb_dev_links[5][2];

/* Which bwrap message a child-side failure maps to: the child sends only the
 * template number, the op index and an int; the parent formats the text
 * (lib/error.c: vb_child_error_format) from the op's paths. */
enum vb_failure {
	VB_FAIL_GENERIC = 0,    /* "setup failed" (no better text) */
	VB_FAIL_FIND_SOURCE,    /* Can't find source path %s */
	VB_FAIL_GET_TYPE,       /* Can't get type of source %s */
	VB_FAIL_MKDIR,          /* Can't mkdir %s */
	VB_FAIL_MKDIR_PARENTS,  /* Can't mkdir parents for %s */
	VB_FAIL_CREATE_FILE_AT, /* Can't create file at %s */
	VB_FAIL_BIND,           /* Can't bind mount %s on %s */
	VB_FAIL_REMOUNT_RO,     /* Can't remount readonly on %s */
	VB_FAIL_MOUNT_PROC,     /* Can't mount proc on %s */
	VB_FAIL_MOUNT_TMPFS,    /* Can't mount tmpfs on %s */
	VB_FAIL_MOUNT_DEVPTS,   /* Can't mount devpts on %s */
	VB_FAIL_MOUNT_MQUEUE,   /* Can't mount mqueue on %s */
	VB_FAIL_MOUNT_OVERLAY,  /* Can't make overlay mount on %s */
	VB_FAIL_DEV_FILE,       /* Can't create file %s/%s (arg: device index) */
	VB_FAIL_DEV_SYMLINK,    /* Can't create symlink %s/%s (arg: link index) */
	VB_FAIL_DEV_SHM,        /* Can't create %s/shm */
	VB_FAIL_DEV_PTS,        /* Can't create %s/devpts */
	VB_FAIL_DEV_PTMX,       /* Can't make symlink at %s/ptmx */
	VB_FAIL_CHMOD,          /* Can't chmod %#o %s */
	VB_FAIL_CREATE_FILE,    /* Can't create file %s */
	VB_FAIL_WRITE_DATA,     /* Can't write data to file %s */
	VB_FAIL_TMPFILE,        /* Can't create tmpfile for %s */
	VB_FAIL_SYMLINK,        /* Can't make symlink at %s */
	VB_FAIL_STAT_FD,        /* Can't stat fd %d */
	VB_FAIL_HOSTNAME,       /* Can't set hostname to %s */
	VB_FAIL_CHDIR,          /* Can't chdir to %s */
	VB_FAIL_LOCK_OPEN,      /* Unable to open lock file %s (arg: index) */
	VB_FAIL_LOCK,           /* Unable to lock file %s (arg: index) */
	VB_FAIL_EXEC,           /* execvp %s */
	VB_FAIL_TEXT,           /* a fixed text: arg indexes vb_fail_texts[] */
};

/* Fixed texts for VB_FAIL_TEXT (bwrap's wording). */
enum vb_fail_text {
	VB_TXT_SLAVE_ROOT = 0,      /* Failed to make / slave */
	VB_TXT_MOUNT_BASE,          /* Failed to mount tmpfs */
	VB_TXT_NEWROOT,             /* Creating newroot failed */
	VB_TXT_NEWROOT_BIND,        /* setting up newroot bind */
	VB_TXT_OLDROOT,             /* Creating oldroot failed */
	VB_TXT_PIVOT,               /* pivot_root */
	VB_TXT_UMOUNT_OLDROOT,      /* unmount old root */
	VB_TXT_PIVOT_NEWROOT,       /* pivot_root(/newroot) */
	VB_TXT_OLDROOT_PRIVATE,     /* Failed to make old root rprivate */
	VB_TXT_SETSID,              /* setsid */
	VB_TXT_FORK_PID1,           /* Can't fork for pid 1 */
	VB_TXT_CAPS,                /* capset failed */
	VB_TXT_KEEPCAPS,            /* prctl(PR_SET_KEEPCAPS) failed */
	VB_TXT_NO_NEW_PRIVS,        /* prctl(PR_SET_NO_NEW_PRIVS) failed */
	VB_TXT_SETUID,              /* unable to switch to uid */
	VB_TXT_SETGID,              /* unable to switch to gid */
	VB_TXT_LOOPBACK,            /* loopback: Failed RTM_NEWLINK */
	VB_TXT_USERNS2,             /* Setting userns2 failed */
	VB_TXT_DISABLE_USERNS,      /* sysctl user.max_user_namespaces = 1 */
	VB_TXT_USERNS_NOT_DISABLED, /* creation of new user namespaces was not disabled as requested */
	VB_TXT_SECCOMP,             /* prctl(PR_SET_SECCOMP) */
	VB_TXT_PDEATHSIG,           /* prctl */
	VB_TXT_CHDIR_ROOT,          /* chdir / */
	VB_TXT_PROC,                /* Can't open /proc */
	VB_TXT_DROP_PRIVS,          /* privileges could be regained */
	VB_TXT_SETUP,               /* module setup failed (err from the module) */
	VB_TXT_BIND_RACE,           /* Race condition binding dirfd */
	VB_TXT_HOSTNAME_HOST,       /* Refusing to set hostname in original namespace */
	VB_TXT_MAX,
};

/* Formats a child's record into err (parent side). */
void vb_child_error_format(const vb_config *cfg, const struct vb_child_error *ce, vb_error *err);

#endif
