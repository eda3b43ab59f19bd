/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The fresh root: runs in the child, in its private mount namespace.
 *
 * Layout during setup (bwrap's): a tmpfs mounted over /tmp becomes the root
 * by pivot_root; the old root sits at /oldroot and the sandbox's root is
 * built at /newroot.  Sources resolve under /oldroot, destinations under
 * /newroot.  At the end /newroot becomes the root and everything else is
 * detached, so nothing of the setup is visible inside.
 *
 * Binds get nosuid (and nodev unless --dev-bind) and --ro-bind makes the
 * whole subtree read-only, submounts included, in one mount_setattr()
 * call with AT_RECURSIVE; there is no mountinfo parsing on the fast path.
 * Nothing here allocates: paths are built in stack buffers.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>

#include "vb-internal.h"

#define BASE_PATH "/tmp"

#define FAIL(c, op, what, arg, e) vb_child_fail((c), VB_STAGE_MOUNT, (op), (what), (arg), (e))
#define FAIL_TXT(c, txt, e) FAIL(c, -1, VB_FAIL_TEXT, (txt), (e))

/* "/newroot/" + path without its leading slashes (bwrap's get_newroot_path). */
static int join_root(char *buf, size_t size, const char *root, const char *path)
{
	int n;

	while (*path == '/')
		path++;
	n = snprintf(buf, size, "%s/%s", root, path);
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	/* Drop a trailing slash so that "/newroot/" stays a usable path. */
	if (n > 1 && buf[n - 1] == '/')
		buf[n - 1] = '\0';
	return 0;
}

/* mkdir -p of path's parents (not path itself) with mode.  One stat of the
 * direct parent first: in a long op list it nearly always exists, and then
 * walking every component would cost a syscall per level per op. */
static int mkdir_parents(const char *path, mode_t mode)
{
	char buf[PATH_MAX];
	size_t len = strlen(path);
	struct stat st;
	char *slash;

	if (len >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, len + 1);
	slash = strrchr(buf, '/');
	if (slash && slash != buf) {
		*slash = '\0';
		if (stat(buf, &st) == 0 && S_ISDIR(st.st_mode))
			return 0;
		*slash = '/';
	}
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, mode) < 0 && errno != EEXIST) {
			int e = errno;

			/* An existing non-dir (or a symlink to a dir) is for the
			 * next mkdir to judge, as with bwrap. */
			if (stat(buf, &st) < 0 || !S_ISDIR(st.st_mode)) {
				*p = '/';
				return -e;
			}
		}
		*p = '/';
	}
	return 0;
}

static int ensure_dir(const char *path, mode_t mode)
{
	struct stat st;

	if (mkdir(path, mode) == 0)
		return 0;
	if (errno != EEXIST)
		return -errno;
	/* Follows symlinks: a symlink to a directory is fine, as in bwrap. */
	if (stat(path, &st) < 0)
		return -errno;
	return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

static int ensure_file(const char *path, mode_t mode)
{
	struct stat st;
	int fd;

	/* An existing file of any kind but a directory will do as a mount point. */
	if (stat(path, &st) == 0 && !S_ISDIR(st.st_mode))
		return 0;
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOCTTY, mode);
	if (fd < 0) {
		if (errno == EEXIST)
			return 0;
		return -errno;
	}
	close(fd);
	return 0;
}

static unsigned long statvfs_to_ms(unsigned long f)
{
	unsigned long m = 0;

	if (f & ST_RDONLY)
		m |= MS_RDONLY;
	if (f & ST_NOSUID)
		m |= MS_NOSUID;
	if (f & ST_NODEV)
		m |= MS_NODEV;
	if (f & ST_NOEXEC)
		m |= MS_NOEXEC;
	if (f & ST_NOATIME)
		m |= MS_NOATIME;
	if (f & ST_NODIRATIME)
		m |= MS_NODIRATIME;
	if (f & ST_RELATIME)
		m |= MS_RELATIME;
	return m;
}

/* Adds nosuid/nodev/ro to the mount at path and every mount below it.  The
 * kernel's recursive mount_setattr() does it in one call; on kernels
 * without it (< 5.12) fall back to remounting the top mount and each
 * submount found in mountinfo, keeping the flags already set (they may be
 * locked in a user namespace). */
static char mountinfo_buf[1 << 18];

static int remount_one(const char *path, unsigned long add)
{
	struct statvfs sv;

	if (statvfs(path, &sv) < 0)
		return -errno;
	if (mount(NULL, path, NULL, MS_REMOUNT | MS_BIND | statvfs_to_ms(sv.f_flag) | add, NULL) < 0)
		return -errno;
	return 0;
}

static int set_mount_flags(struct vb_child *c, const char *path, bool ro, bool nodev, bool nosuid,
			   bool recursive)
{
	struct mount_attr attr = { 0 };
	unsigned long add = 0;
	ssize_t n;
	int fd;

	if (ro)
		attr.attr_set |= MOUNT_ATTR_RDONLY;
	if (nodev)
		attr.attr_set |= MOUNT_ATTR_NODEV;
	if (nosuid)
		attr.attr_set |= MOUNT_ATTR_NOSUID;
	if (attr.attr_set == 0)
		return 0;
	if (mount_setattr(AT_FDCWD, path, (recursive ? AT_RECURSIVE : 0) | AT_NO_AUTOMOUNT, &attr,
			  sizeof(attr)) == 0)
		return 0;
	if (errno != ENOSYS)
		return -errno;

	add = (ro ? MS_RDONLY : 0) | (nodev ? MS_NODEV : 0) | (nosuid ? MS_NOSUID : 0);
	if (remount_one(path, add) < 0)
		return -errno;
	if (!recursive)
		return 0;
	fd = openat(c->proc_fd, "self/mountinfo", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, mountinfo_buf, sizeof(mountinfo_buf) - 1);
	close(fd);
	if (n < 0)
		return -errno;
	mountinfo_buf[n] = '\0';
	size_t plen = strlen(path);
	for (char *line = mountinfo_buf, *next; line && *line; line = next) {
		char *mp;
		int field = 0;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		/* Field 5 is the mount point (octal-escaped; paths we create need
		 * no escaping, exotic names are left to the kernel fast path). */
		mp = line;
		while (field < 4 && mp) {
			mp = strchr(mp, ' ');
			if (mp)
				mp++;
			field++;
		}
		if (!mp)
			continue;
		char *end = strchr(mp, ' ');
		if (end)
			*end = '\0';
		if (strncmp(mp, path, plen) == 0 && mp[plen] == '/')
			(void)remount_one(mp, add);
	}
	return 0;
}

static int bind_mount(struct vb_child *c, const char *src, const char *dst, bool ro, bool dev)
{
	if (mount(src, dst, NULL, MS_BIND | MS_REC, NULL) < 0)
		return -errno;
	return set_mount_flags(c, dst, ro, !dev, true, true);
}

/* Creates dst of the right kind for a bind of src. */
static int prepare_bind_dest(const struct stat *st, const char *dst)
{
	if (S_ISDIR(st->st_mode))
		return ensure_dir(dst, 0755);
	return ensure_file(dst, 0444);
}

static int copy_fd_data(int in, int out)
{
	char buf[16384];

	for (;;) {
		ssize_t n = read(in, buf, sizeof(buf));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return 0;
		int r = vb_write_all(out, buf, (size_t)n);
		if (r < 0)
			return r;
	}
}

/* Overlay option values escape '\', ',' and ':' with a backslash. */
int mnt_escape_overlay(char *buf, size_t size, size_t *len, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == ',' || *s == ':') {
			if (*len + 1 >= size)
				return -ENAMETOOLONG;
			buf[(*len)++] = '\\';
		}
		if (*len + 1 >= size)
			return -ENAMETOOLONG;
		buf[(*len)++] = *s;
	}
	buf[*len] = '\0';
	return 0;
}

static int append_str(char *buf, size_t size, size_t *len, const char *s)
{
	size_t l = strlen(s);

	if (*len + l >= size)
		return -ENAMETOOLONG;
	memcpy(buf + *len, s, l + 1);
	*len += l;
	return 0;
}

static char overlay_opts[1 << 16];

static int mount_overlay(struct vb_child *c, size_t i, const char *dst)
{
	const vb_config *cfg = c->cfg;
	const struct vb_op *op = &cfg->ops[i];
	char path[PATH_MAX];
	size_t len = 0;
	int r;

	overlay_opts[0] = '\0';
	r = append_str(overlay_opts, sizeof(overlay_opts), &len, "lowerdir=");
	/* The first source given is the bottom layer; lowerdir= lists the top
	 * layer first, so walk the sources backwards. */
	for (size_t k = 0; k < op->n_overlay_src && r == 0; k++) {
		const struct vb_op *s = &cfg->ops[i - 1 - k];

		if (k > 0)
			r = append_str(overlay_opts, sizeof(overlay_opts), &len, ":");
		if (r == 0)
			r = join_root(path, sizeof(path), "/oldroot", s->src);
		if (r == 0)
			r = mnt_escape_overlay(overlay_opts, sizeof(overlay_opts), &len, path);
	}
	if (r == 0 && op->type == VB_OP_OVERLAY) {
		r = append_str(overlay_opts, sizeof(overlay_opts), &len, ",upperdir=");
		if (r == 0)
			r = join_root(path, sizeof(path), "/oldroot", op->src);
		if (r == 0)
			r = mnt_escape_overlay(overlay_opts, sizeof(overlay_opts), &len, path);
		if (r == 0)
			r = append_str(overlay_opts, sizeof(overlay_opts), &len, ",workdir=");
		if (r == 0)
			r = join_root(path, sizeof(path), "/oldroot", op->workdir);
		if (r == 0)
			r = mnt_escape_overlay(overlay_opts, sizeof(overlay_opts), &len, path);
	} else if (r == 0 && op->type == VB_OP_TMP_OVERLAY) {
		/* Upper and work dirs on the base tmpfs: private to this sandbox
		 * and gone with it. */
		char up[64], work[64];

		snprintf(up, sizeof(up), "/tmp-overlay-upper-%zu", i);
		snprintf(work, sizeof(work), "/tmp-overlay-work-%zu", i);
		if (mkdir(up, 0755) < 0 || mkdir(work, 0755) < 0)
			return FAIL(c, (int)i, VB_FAIL_MOUNT_OVERLAY, 0, errno);
		r = append_str(overlay_opts, sizeof(overlay_opts), &len, ",upperdir=");
		if (r == 0)
			r = append_str(overlay_opts, sizeof(overlay_opts), &len, up);
		if (r == 0)
			r = append_str(overlay_opts, sizeof(overlay_opts), &len, ",workdir=");
		if (r == 0)
			r = append_str(overlay_opts, sizeof(overlay_opts), &len, work);
	}
	if (r == 0 && c->userns)
		r = append_str(overlay_opts, sizeof(overlay_opts), &len, ",userxattr");
	if (r < 0)
		return FAIL(c, (int)i, VB_FAIL_MOUNT_OVERLAY, 0, -r);
	if (ensure_dir(dst, 0755) < 0)
		return FAIL(c, (int)i, VB_FAIL_MKDIR, 0, errno);
	if (mount("overlay", dst, "overlay", MS_NOSUID | MS_NODEV, overlay_opts) < 0)
		return FAIL(c, (int)i, VB_FAIL_MOUNT_OVERLAY, 0, errno);
	return 0;
}

static int mount_dev(struct vb_child *c, int idx, const char *dst)
{
	char path[PATH_MAX], src[PATH_MAX];

	if (ensure_dir(dst, 0755) < 0)
		return FAIL(c, idx, VB_FAIL_MKDIR, 0, errno);
	if (mount("tmpfs", dst, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0)
		return FAIL(c, idx, VB_FAIL_MOUNT_TMPFS, 0, errno);
	for (int k = 0; k < (int)ARRAY_SIZE(vb_dev_nodes); k++) {
		snprintf(path, sizeof(path), "%s/%s", dst, vb_dev_nodes[k]);
		snprintf(src, sizeof(src), "/oldroot/dev/%s", vb_dev_nodes[k]);
		if (ensure_file(path, 0444) < 0)
			return FAIL(c, idx, VB_FAIL_DEV_FILE, k, errno);
		int r = bind_mount(c, src, path, false, true);
		if (r < 0)
			return FAIL(c, idx, VB_FAIL_DEV_FILE, k, -r);
	}
	for (int k = 0; k < (int)ARRAY_SIZE(vb_dev_links); k++) {
		snprintf(path, sizeof(path), "%s/%s", dst, vb_dev_links[k][0]);
		if (symlink(vb_dev_links[k][1], path) < 0)
			return FAIL(c, idx, VB_FAIL_DEV_SYMLINK, k, errno);
	}
	snprintf(path, sizeof(path), "%s/shm", dst);
	if (mkdir(path, 01777) < 0)
		return FAIL(c, idx, VB_FAIL_DEV_SHM, 0, errno);
	/* mkdir's mode is masked by the umask; /dev/shm must be world-writable. */
	(void)chmod(path, 01777);
	snprintf(path, sizeof(path), "%s/pts", dst);
	if (mkdir(path, 0755) < 0)
		return FAIL(c, idx, VB_FAIL_DEV_PTS, 0, errno);
	if (mount("devpts", path, "devpts", MS_NOSUID | MS_NOEXEC,
		  "newinstance,ptmxmode=0666,mode=620") < 0)
		return FAIL(c, idx, VB_FAIL_MOUNT_DEVPTS, 0, errno);
	snprintf(path, sizeof(path), "%s/ptmx", dst);
	if (symlink("pts/ptmx", path) < 0)
		return FAIL(c, idx, VB_FAIL_DEV_PTMX, 0, errno);
	/* As bwrap: when stdout is a terminal the sandbox can write to it
	 * anyway, so give it a /dev/console that is that terminal. */
	if (c->host_tty) {
		snprintf(path, sizeof(path), "%s/console", dst);
		if (join_root(src, sizeof(src), "/oldroot", c->host_tty) == 0 &&
		    ensure_file(path, 0444) == 0)
			(void)bind_mount(c, src, path, false, true);
	}
	return 0;
}

static int mount_proc(struct vb_child *c, int idx, const char *dst)
{
	static const char *const cover[] = { "sys", "sysrq-trigger", "irq", "bus" };
	char path[PATH_MAX];

	if (ensure_dir(dst, 0755) < 0)
		return FAIL(c, idx, VB_FAIL_MKDIR, 0, errno);
	if ((c->ns & VB_NS_PID) || c->cfg->pidns_fd >= 0) {
		if (mount("proc", dst, "proc", MS_NOSUID | MS_NOEXEC | MS_NODEV, NULL) < 0)
			return FAIL(c, idx, VB_FAIL_MOUNT_PROC, 0, errno);
	} else {
		/* Sharing the host's pids: the host's procfs is the right one. */
		int r = bind_mount(c, "/oldroot/proc", dst, false, false);
		if (r < 0)
			return FAIL(c, idx, VB_FAIL_MOUNT_PROC, 0, -r);
	}
	/* Keep the kernel knobs read-only even for a root sandbox. */
	for (size_t k = 0; k < ARRAY_SIZE(cover); k++) {
		snprintf(path, sizeof(path), "%s/%s", dst, cover[k]);
		if (access(path, W_OK) < 0) {
			if (errno == EACCES || errno == ENOENT || errno == EROFS)
				continue;
			return FAIL(c, idx, VB_FAIL_MOUNT_PROC, 0, errno);
		}
		int r = bind_mount(c, path, path, true, false);
		if (r < 0)
			return FAIL(c, idx, VB_FAIL_MOUNT_PROC, 0, -r);
	}
	return 0;
}

static int apply_op(struct vb_child *c, size_t i)
{
	const struct vb_op *op = &c->cfg->ops[i];
	char src[PATH_MAX], dst[PATH_MAX];
	struct stat st;
	int idx = (int)i, r;

	if (vb_fault("mount-op") < 0)
		return FAIL(c, idx, VB_FAIL_MKDIR, 0, EIO);
	if (op->type == VB_OP_OVERLAY_SRC)
		return 0;
	if (op->dst && join_root(dst, sizeof(dst), "/newroot", op->dst) < 0)
		return FAIL(c, idx, VB_FAIL_MKDIR_PARENTS, 0, ENAMETOOLONG);

	/* Parents of the destination, as bwrap: group/other bits follow
	 * --perms so a private file does not sit in a world-readable dir. */
	if (op->dst && op->type != VB_OP_REMOUNT_RO && op->type != VB_OP_CHMOD) {
		mode_t parent_mode = 0755;

		if (op->have_perms && (op->perms & 0070) == 0)
			parent_mode &= ~0050u;
		if (op->have_perms && (op->perms & 0007) == 0)
			parent_mode &= ~0005u;
		if (mkdir_parents(dst, parent_mode) < 0)
			return FAIL(c, idx, VB_FAIL_MKDIR_PARENTS, 0, errno);
	}

	switch (op->type) {
	case VB_OP_BIND:
	case VB_OP_BIND_TRY:
	case VB_OP_DEV_BIND:
	case VB_OP_DEV_BIND_TRY:
	case VB_OP_RO_BIND:
	case VB_OP_RO_BIND_TRY: {
		bool try_ = op->type == VB_OP_BIND_TRY || op->type == VB_OP_DEV_BIND_TRY ||
			    op->type == VB_OP_RO_BIND_TRY;
		bool ro = op->type == VB_OP_RO_BIND || op->type == VB_OP_RO_BIND_TRY;
		bool dev = op->type == VB_OP_DEV_BIND || op->type == VB_OP_DEV_BIND_TRY;

		if (join_root(src, sizeof(src), "/oldroot", op->src) < 0)
			return FAIL(c, idx, VB_FAIL_FIND_SOURCE, 0, ENAMETOOLONG);
		if (stat(src, &st) < 0) {
			if (try_ && errno == ENOENT)
				return 0;
			return FAIL(c, idx, VB_FAIL_FIND_SOURCE, 0, errno);
		}
		if (prepare_bind_dest(&st, dst) < 0)
			return FAIL(c, idx,
				    S_ISDIR(st.st_mode) ? VB_FAIL_MKDIR : VB_FAIL_CREATE_FILE_AT, 0,
				    errno);
		r = bind_mount(c, src, dst, ro, dev);
		if (r < 0)
			return FAIL(c, idx, VB_FAIL_BIND, 0, -r);
		return 0;
	}
	case VB_OP_BIND_FD:
	case VB_OP_RO_BIND_FD: {
		char fdpath[32], target[PATH_MAX];
		struct stat dst_st;
		ssize_t n;

		/* The fd's mount lives in the caller's mount namespace, which
		 * open_tree() cannot clone from here; bind its path under
		 * /oldroot and check it is the same inode, as bwrap does. */
		if (fstat(op->fd, &st) < 0)
			return FAIL(c, idx, VB_FAIL_STAT_FD, op->fd, errno);
		snprintf(fdpath, sizeof(fdpath), "self/fd/%d", op->fd);
		n = readlinkat(c->proc_fd, fdpath, target, sizeof(target) - 1);
		if (n < 0)
			return FAIL(c, idx, VB_FAIL_STAT_FD, op->fd, errno);
		target[n] = '\0';
		if (target[0] != '/' || join_root(src, sizeof(src), "/oldroot", target) < 0)
			return FAIL(c, idx, VB_FAIL_STAT_FD, op->fd, ENOENT);
		if (prepare_bind_dest(&st, dst) < 0)
			return FAIL(c, idx,
				    S_ISDIR(st.st_mode) ? VB_FAIL_MKDIR : VB_FAIL_CREATE_FILE_AT, 0,
				    errno);
		r = bind_mount(c, src, dst, op->type == VB_OP_RO_BIND_FD, false);
		if (r < 0)
			return FAIL(c, idx, VB_FAIL_BIND, 0, -r);
		if (stat(dst, &dst_st) < 0 || dst_st.st_dev != st.st_dev ||
		    dst_st.st_ino != st.st_ino)
			return FAIL(c, idx, VB_FAIL_TEXT, VB_TXT_BIND_RACE, EPERM);
		return 0;
	}
	case VB_OP_REMOUNT_RO:
		/* bwrap: "does not recursively remount". */
		r = set_mount_flags(c, dst, true, false, false, false);
		if (r < 0)
			return FAIL(c, idx, VB_FAIL_REMOUNT_RO, 0, -r);
		return 0;
	case VB_OP_OVERLAY:
	case VB_OP_TMP_OVERLAY:
	case VB_OP_RO_OVERLAY:
		return mount_overlay(c, i, dst);
	case VB_OP_PROC:
		return mount_proc(c, idx, dst);
	case VB_OP_DEV:
		return mount_dev(c, idx, dst);
	case VB_OP_TMPFS: {
		char opts[VB_MAX_STRING + 128];
		int n;

		if (ensure_dir(dst, 0755) < 0)
			return FAIL(c, idx, VB_FAIL_MKDIR, 0, errno);
		n = snprintf(opts, sizeof(opts), "mode=0%o",
			     (unsigned)(op->have_perms ? op->perms : 0755));
		if (op->have_size)
			n += snprintf(opts + n, sizeof(opts) - (size_t)n, ",size=%llu",
				      (unsigned long long)op->size);
		if (c->cfg->file_label)
			snprintf(opts + n, sizeof(opts) - (size_t)n, ",context=\"%s\"",
				 c->cfg->file_label);
		if (mount("tmpfs", dst, "tmpfs", MS_NOSUID | MS_NODEV, opts) < 0)
			return FAIL(c, idx, VB_FAIL_MOUNT_TMPFS, 0, errno);
		return 0;
	}
	case VB_OP_MQUEUE:
		if (ensure_dir(dst, 0755) < 0)
			return FAIL(c, idx, VB_FAIL_MKDIR, 0, errno);
		if (mount("mqueue", dst, "mqueue", 0, NULL) < 0)
			return FAIL(c, idx, VB_FAIL_MOUNT_MQUEUE, 0, errno);
		return 0;
	case VB_OP_DIR:
		if (ensure_dir(dst, op->have_perms ? op->perms : 0755) < 0)
			return FAIL(c, idx, VB_FAIL_MKDIR, 0, errno);
		if (op->have_perms && chmod(dst, op->perms) < 0)
			return FAIL(c, idx, VB_FAIL_CHMOD, 0, errno);
		return 0;
	case VB_OP_FILE: {
		int fd = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY,
			      op->have_perms ? op->perms : 0666);

		if (fd < 0)
			return FAIL(c, idx, VB_FAIL_CREATE_FILE, 0, errno);
		/* The mode asked for, not the one the umask leaves (bwrap: 0666). */
		if (fchmod(fd, op->have_perms ? op->perms : 0666) < 0) {
			close(fd);
			return FAIL(c, idx, VB_FAIL_CREATE_FILE, 0, errno);
		}
		r = copy_fd_data(op->fd, fd);
		close(fd);
		if (r < 0)
			return FAIL(c, idx, VB_FAIL_WRITE_DATA, 0, -r);
		return 0;
	}
	case VB_OP_BIND_DATA:
	case VB_OP_RO_BIND_DATA: {
		int fd;

		/* The data file lives on the base tmpfs, which is detached at
		 * the end: only the bind keeps it reachable. */
		memcpy(c->tmp_path, "/bindfileXXXXXX", sizeof("/bindfileXXXXXX"));
		fd = mkostemp(c->tmp_path, O_CLOEXEC);
		if (fd < 0)
			return FAIL(c, idx, VB_FAIL_TMPFILE, 0, errno);
		if (fchmod(fd, op->have_perms ? op->perms : 0600) < 0) {
			close(fd);
			return FAIL(c, idx, VB_FAIL_TMPFILE, 0, errno);
		}
		r = copy_fd_data(op->fd, fd);
		close(fd);
		if (r < 0)
			return FAIL(c, idx, VB_FAIL_WRITE_DATA, 0, -r);
		if (ensure_file(dst, 0444) < 0)
			return FAIL(c, idx, VB_FAIL_CREATE_FILE_AT, 0, errno);
		r = bind_mount(c, c->tmp_path, dst, op->type == VB_OP_RO_BIND_DATA, false);
		if (r < 0)
			return FAIL(c, idx, VB_FAIL_BIND, 0, -r);
		return 0;
	}
	case VB_OP_SYMLINK:
		if (symlink(op->src, dst) < 0) {
			char target[PATH_MAX];
			ssize_t n;
			int e = errno;

			/* An identical symlink already there is fine (bwrap 0.5+). */
			if (e == EEXIST) {
				n = readlink(dst, target, sizeof(target) - 1);
				if (n >= 0) {
					target[n] = '\0';
					if (strcmp(target, op->src) == 0)
						return 0;
				}
			}
			return FAIL(c, idx, VB_FAIL_SYMLINK, 0, e);
		}
		return 0;
	case VB_OP_CHMOD:
		if (chmod(dst, op->chmod_mode) < 0)
			return FAIL(c, idx, VB_FAIL_CHMOD, 0, errno);
		return 0;
	default:
		return FAIL(c, idx, VB_FAIL_GENERIC, 0, EINVAL);
	}
}

int mnt_enter_base(struct vb_child *c)
{
	/* Mount events of the host still reach us, ours never reach it. */
	if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		return FAIL_TXT(c, VB_TXT_SLAVE_ROOT, errno);
	if (vb_fault("mount-base") < 0)
		return FAIL_TXT(c, VB_TXT_MOUNT_BASE, EIO);
	if (mount("tmpfs", BASE_PATH, "tmpfs", MS_NODEV | MS_NOSUID, NULL) < 0)
		return FAIL_TXT(c, VB_TXT_MOUNT_BASE, errno);
	if (chdir(BASE_PATH) < 0)
		return FAIL_TXT(c, VB_TXT_MOUNT_BASE, errno);
	if (mkdir("newroot", 0755) < 0)
		return FAIL_TXT(c, VB_TXT_NEWROOT, errno);
	/* A mount point of its own, so that it can be pivoted into. */
	if (mount("newroot", "newroot", NULL, MS_BIND | MS_REC, NULL) < 0)
		return FAIL_TXT(c, VB_TXT_NEWROOT_BIND, errno);
	if (mkdir("oldroot", 0755) < 0)
		return FAIL_TXT(c, VB_TXT_OLDROOT, errno);
	if (syscall(SYS_pivot_root, BASE_PATH, "oldroot") < 0)
		return FAIL_TXT(c, VB_TXT_PIVOT, errno);
	if (chdir("/") < 0)
		return FAIL_TXT(c, VB_TXT_CHDIR_ROOT, errno);
	return 0;
}

int mnt_apply_ops(struct vb_child *c)
{
	for (size_t i = 0; i < c->cfg->n_ops; i++) {
		int r = apply_op(c, i);

		if (r < 0)
			return r;
	}
	return 0;
}

int mnt_enter_newroot(struct vb_child *c)
{
	/* Private first, or the detach below would propagate to the host. */
	if (mount("oldroot", "/oldroot", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return FAIL_TXT(c, VB_TXT_OLDROOT_PRIVATE, errno);
	if (chdir("/newroot") < 0)
		return FAIL_TXT(c, VB_TXT_PIVOT_NEWROOT, errno);
	/* pivot_root(".", ".") stacks the old root (the base tmpfs, with the
	 * host's tree still at its /oldroot) on top of the new one; detaching
	 * "." then takes both away in one go and leaves the new root alone.
	 * bwrap detaches /oldroot first, in a umount of its own: every umount
	 * that frees mounts waits for an expedited RCU grace period, which
	 * was a millisecond or more of each start. */
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return FAIL_TXT(c, VB_TXT_PIVOT_NEWROOT, errno);
	if (umount2(".", MNT_DETACH) < 0)
		return FAIL_TXT(c, VB_TXT_UMOUNT_OLDROOT, errno);
	if (chdir("/") < 0)
		return FAIL_TXT(c, VB_TXT_CHDIR_ROOT, errno);
	return 0;
}
