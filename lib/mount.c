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
 * Destinations are resolved inside the new root (see "Destinations" below):
 * a symlink under /newroot never leads an op out of it.
 *
 * Binds get nosuid (and nodev unless --dev-bind), overlays neither (as in
 * bwrap), and --ro-bind makes the
 * whole subtree read-only, submounts included, in one mount_setattr()
 * call with AT_RECURSIVE; there is no mountinfo parsing on the fast path.
 * Nothing the child runs here allocates: paths are built in stack buffers
 * (mnt_resolve_sources() runs in the parent, before clone).
 */
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>

#include "fault.h"
#include "sandbox.h"

#define BASE_PATH "/tmp"

/* A failure of op idx (-1: of setup itself), with bwrap's message. */
#define FAIL(c, idx, e, ...) vb_child_fail((c), VB_STAGE_MOUNT, (idx), (e), __VA_ARGS__)
#define SRC(c, idx) ((c)->cfg->ops[idx].src ? (c)->cfg->ops[idx].src : "")
#define DST(c, idx) ((c)->cfg->ops[idx].dst ? (c)->cfg->ops[idx].dst : "")

/* Op idx's source as mnt_resolve_sources() left it (op->src without it);
 * only for the ops that resolve one. */
static const char *op_src(const struct vb_child *c, size_t idx)
{
	return c->srcs ? c->srcs[idx] : c->cfg->ops[idx].src;
}

static const char *op_workdir(const struct vb_child *c, size_t idx)
{
	return c->workdirs ? c->workdirs[idx] : c->cfg->ops[idx].workdir;
}

static bool op_is_try(enum vb_op_type t)
{
	return t == VB_OP_BIND_TRY || t == VB_OP_DEV_BIND_TRY || t == VB_OP_RO_BIND_TRY;
}

static bool op_resolves_src(enum vb_op_type t)
{
	switch (t) {
	case VB_OP_BIND:
	case VB_OP_BIND_TRY:
	case VB_OP_DEV_BIND:
	case VB_OP_DEV_BIND_TRY:
	case VB_OP_RO_BIND:
	case VB_OP_RO_BIND_TRY:
	case VB_OP_OVERLAY_SRC:
	case VB_OP_OVERLAY:
		return true;
	default:
		return false;
	}
}

void mnt_release_sources(struct vb_child *c)
{
	size_t n = c->cfg ? c->cfg->n_ops : 0;

	for (size_t i = 0; i < n; i++) {
		if (c->srcs)
			free(c->srcs[i]);
		if (c->workdirs)
			free(c->workdirs[i]);
	}
	free(c->srcs);
	free(c->workdirs);
	c->srcs = c->workdirs = NULL;
}

/* bwrap realpath()s the sources in its child, before pivot_root, with the
 * caller's cwd and (setuid) the caller's uid; here it is the parent, with
 * the caller's fsuid (spawn_start() set it), which resolves the same and
 * leaves the child nothing to allocate.  An absolute source loses its
 * symlinks too, so that none is followed later from the setup root. */
int mnt_resolve_sources(struct vb_child *c, vb_error *err)
{
	const vb_config *cfg = c->cfg;

	if (cfg->n_ops == 0)
		return 0;
	c->srcs = calloc(cfg->n_ops, sizeof(char *));
	c->workdirs = calloc(cfg->n_ops, sizeof(char *));
	if (!c->srcs || !c->workdirs)
		return vb_err(err, VB_STAGE_PREPARE, -1, ENOMEM, "Out of memory");
	for (size_t i = 0; i < cfg->n_ops; i++) {
		const struct vb_op *op = &cfg->ops[i];

		if (!op_resolves_src(op->type))
			continue;
		c->srcs[i] = realpath(op->src, NULL);
		if (!c->srcs[i]) {
			if (op_is_try(op->type) && errno == ENOENT)
				continue; /* skipped in apply_op() */
			if (errno == ENOMEM)
				return vb_err(err, VB_STAGE_PREPARE, -1, ENOMEM, "Out of memory");
			return vb_err(err, VB_STAGE_MOUNT, (int)i, errno,
				      "Can't find source path %s", op->src);
		}
		if (op->type == VB_OP_OVERLAY) {
			/* bwrap keeps WORKDIR in an overlay-source op of its own. */
			c->workdirs[i] = realpath(op->workdir, NULL);
			if (!c->workdirs[i])
				return vb_err(err, VB_STAGE_MOUNT, (int)i, errno,
					      "Can't find source path %s", op->workdir);
		}
	}
	return 0;
}

static int fail_bind(struct vb_child *c, int idx, int e)
{
	const struct vb_op *op = &c->cfg->ops[idx];

	if (op->type == VB_OP_BIND_FD || op->type == VB_OP_RO_BIND_FD)
		return FAIL(c, idx, e, "Can't bind mount /proc/self/fd/%d on %s", op->fd, op->dst);
	if (op->type == VB_OP_BIND_DATA || op->type == VB_OP_RO_BIND_DATA)
		return FAIL(c, idx, e, "Can't bind mount %s on %s", c->tmp_path, op->dst);
	return FAIL(c, idx, e, "Can't bind mount %s on %s", op->src, op->dst);
}

/* bwrap names the path as it sees it during setup, and the step that
 * failed to find it. */
static int fail_remount(struct vb_child *c, int idx, int e)
{
	const char *dst = c->cfg->ops[idx].dst;

	while (*dst == '/')
		dst++;
	if (e == ENOENT)
		return FAIL(c, idx, e,
			    "Can't remount readonly on /newroot/%s: realpath(destination)", dst);
	return FAIL(c, idx, e, "Can't remount readonly on /newroot/%s", dst);
}

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

/* Paths vb itself made (in a fresh tmpfs): no symlink of anyone else's. */
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

/* ---- Destinations ------------------------------------------------------------
 * A destination is a path in the new root, and so is whatever a symlink on
 * the way to it points at.  The tree under /newroot can hold directories the
 * caller does not fully control (a --bind of a directory an earlier sandbox
 * wrote into), where "sub" may be a symlink to "/oldroot/home/user" or
 * "../../oldroot/etc": resolved as plain paths from this process's root (the
 * setup tmpfs, with the host at /oldroot), mkdir, open(O_CREAT|O_TRUNC),
 * chmod and mount would act on the host, with vb's privileges.  So every
 * destination is resolved by openat2(RESOLVE_IN_ROOT) below a fresh fd of
 * /newroot, where absolute symlinks and ".." stop at the new root as they
 * will for the command.  Ops then act through what that resolved: *at()
 * calls on the parent directory's fd, and /oldroot/proc/self/fd/N as the
 * path given to mount(), chmod() and mount_setattr(), which follow it to
 * exactly that file (lib/net.c does the same for resolv.conf).  Kernels
 * without openat2 (< 5.6) resolve as before, and the result must then lie
 * under /newroot; a new file is only made in a checked directory, without
 * following a final symlink. */

static int dst_fd = -1; /* what dst_path() resolved, open until the next call */

/* Whether fd lies under /newroot (the check of the pre-openat2 fallback). */
static bool nr_inside(struct vb_child *c, int fd)
{
	char link[32], target[PATH_MAX];
	ssize_t n;

	snprintf(link, sizeof(link), "self/fd/%d", fd);
	n = readlinkat(c->proc_fd, link, target, sizeof(target) - 1);
	if (n < 0)
		return false;
	target[n] = '\0';
	return strcmp(target, "/newroot") == 0 || strncmp(target, "/newroot/", 9) == 0;
}

/* rel (relative to the new root) opened with flags; O_CREAT only with
 * openat2 (-ENOSYS without it).  Returns the fd or -errno. */
static int nr_open(struct vb_child *c, const char *rel, int flags, mode_t mode)
{
	struct open_how how = { .flags = (uint64_t)(flags | O_CLOEXEC),
				.mode = (flags & O_CREAT) ? mode : 0,
				.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
	int root, fd, e;

	root = open("/newroot", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return -errno;
	/* EAGAIN: a rename or mount raced with a ".." walk; try again. */
	for (int tries = 0; tries < 16; tries++) {
		fd = (int)syscall(SYS_openat2, root, rel, &how, sizeof(how));
		if (fd >= 0 || errno != EAGAIN)
			break;
	}
	if (fd < 0 && errno == ENOSYS && !(flags & O_CREAT)) {
		fd = openat(root, rel, flags | O_CLOEXEC);
		if (fd >= 0 && !nr_inside(c, fd)) {
			close(fd);
			fd = -1;
			errno = EXDEV;
		}
	}
	e = errno;
	close(root);
	return fd < 0 ? -e : fd;
}

/* The directory rel is in (an O_PATH fd, resolved in the new root), and in
 * *ret_base rel's last component. */
static int nr_parent(struct vb_child *c, const char *rel, const char **ret_base)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(rel, '/');
	size_t len;

	if (!slash) {
		*ret_base = rel;
		return nr_open(c, ".", O_PATH | O_DIRECTORY, 0);
	}
	len = (size_t)(slash - rel);
	if (len >= sizeof(dir))
		return -ENAMETOOLONG;
	memcpy(dir, rel, len);
	dir[len] = '\0';
	*ret_base = slash + 1;
	return nr_open(c, dir, O_PATH | O_DIRECTORY, 0);
}

/* mkdirat() of rel's last component in its (resolved) parent. */
static int nr_mkdir(struct vb_child *c, const char *rel, mode_t mode)
{
	const char *base;
	int pfd = nr_parent(c, rel, &base), r;

	if (pfd < 0)
		return pfd;
	r = mkdirat(pfd, base, mode) < 0 ? -errno : 0;
	close(pfd);
	return r;
}

/* A new (or truncated) file rel, opened with flags (O_CREAT among them). */
static int nr_create(struct vb_child *c, const char *rel, int flags, mode_t mode)
{
	const char *base;
	int fd = nr_open(c, rel, flags, mode), pfd;

	if (fd != -ENOSYS)
		return fd;
	pfd = nr_parent(c, rel, &base);
	if (pfd < 0)
		return pfd;
	fd = openat(pfd, base, flags | O_NOFOLLOW | O_CLOEXEC, mode);
	fd = fd < 0 ? -errno : fd;
	close(pfd);
	return fd;
}

/* mkdir -p of rel's parents: mkdir_parents() in the new root. */
static int nr_mkdir_parents(struct vb_child *c, const char *rel, mode_t mode)
{
	char buf[PATH_MAX];
	const char *base;
	size_t len = strlen(rel);
	int fd;

	if (len >= sizeof(buf))
		return -ENAMETOOLONG;
	/* The direct parent nearly always exists. */
	fd = nr_parent(c, rel, &base);
	if (fd >= 0) {
		close(fd);
		return 0;
	}
	memcpy(buf, rel, len + 1);
	for (char *p = buf + 1; *p; p++) {
		int r;

		if (*p != '/')
			continue;
		*p = '\0';
		r = nr_mkdir(c, buf, mode);
		if (r < 0 && r != -EEXIST) {
			/* An existing directory (or symlink to one) will do. */
			fd = nr_open(c, buf, O_PATH | O_DIRECTORY, 0);
			if (fd < 0)
				return r;
			close(fd);
		}
		*p = '/';
	}
	return 0;
}

/* ensure_dir() in the new root. */
static int nr_ensure_dir(struct vb_child *c, const char *rel, mode_t mode)
{
	int r = nr_mkdir(c, rel, mode), fd;

	if (r != -EEXIST)
		return r;
	/* Follows a symlink (in the new root): a symlink to a directory is
	 * fine, as in bwrap. */
	fd = nr_open(c, rel, O_PATH | O_DIRECTORY, 0);
	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

/* ensure_file() in the new root. */
static int nr_ensure_file(struct vb_child *c, const char *rel, mode_t mode)
{
	struct stat st;
	int fd = nr_open(c, rel, O_PATH, 0);

	if (fd >= 0) {
		/* An existing file of any kind but a directory will do as a
		 * mount point. */
		int r = fstat(fd, &st) == 0 && !S_ISDIR(st.st_mode);

		close(fd);
		if (r)
			return 0;
	}
	fd = nr_create(c, rel, O_WRONLY | O_CREAT | O_NOCTTY, mode);
	if (fd == -EEXIST)
		return 0;
	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

/* Points buf at rel, resolved in the new root now (so across whatever was
 * mounted on it since the last call). */
static int dst_path(struct vb_child *c, const char *rel, char *buf, size_t size)
{
	if (dst_fd >= 0)
		close(dst_fd);
	dst_fd = nr_open(c, rel, O_PATH, 0);
	if (dst_fd < 0)
		return dst_fd;
	snprintf(buf, size, "/oldroot/proc/self/fd/%d", dst_fd);
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
	if (mount(NULL, path, NULL, MS_REMOUNT | MS_BIND | statvfs_to_ms(sv.f_flag) | add, NULL) <
	    0)
		return -errno;
	return 0;
}

static int set_mount_flags(struct vb_child *c, const char *path, bool ro, bool nodev, bool nosuid,
			   bool recursive)
{
	struct mount_attr attr = { 0 };
	char real_path[PATH_MAX];
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
	/* Submounts are found by the path mountinfo shows: dst_path()'s
	 * magic link stands for the path it resolved to. */
	if (strncmp(path, "/oldroot/proc/", 14) == 0) {
		n = readlinkat(c->proc_fd, path + 14, real_path, sizeof(real_path) - 1);
		if (n < 0)
			return -errno;
		real_path[n] = '\0';
		path = real_path;
	}
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

/* bind_mount() onto an op's destination rel, dst from dst_path(): dst still
 * leads to what the bind covered, so the flags go to the new mount found
 * again in the new root. */
static int bind_dest(struct vb_child *c, const char *src, const char *rel, char *dst, size_t size,
		     bool ro, bool dev)
{
	int r;

	if (mount(src, dst, NULL, MS_BIND | MS_REC, NULL) < 0)
		return -errno;
	r = dst_path(c, rel, dst, size);
	return r < 0 ? r : set_mount_flags(c, dst, ro, !dev, true, true);
}

/* Creates the destination rel of the right kind for a bind of src, and
 * points dst at it. */
static int prepare_bind_dest(struct vb_child *c, const struct stat *st, const char *rel, char *dst,
			     size_t size)
{
	int r = S_ISDIR(st->st_mode) ? nr_ensure_dir(c, rel, 0755) : nr_ensure_file(c, rel, 0444);

	return r < 0 ? r : dst_path(c, rel, dst, size);
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

static int mount_overlay(struct vb_child *c, size_t i, const char *rel)
{
	const vb_config *cfg = c->cfg;
	const struct vb_op *op = &cfg->ops[i];
	char path[PATH_MAX], dst[64];
	size_t len = 0;
	int r;

	overlay_opts[0] = '\0';
	r = append_str(overlay_opts, sizeof(overlay_opts), &len, "lowerdir=");
	/* The first source given is the bottom layer; lowerdir= lists the top
	 * layer first, so walk the sources backwards. */
	for (size_t k = 0; k < op->n_overlay_src && r == 0; k++) {
		if (k > 0)
			r = append_str(overlay_opts, sizeof(overlay_opts), &len, ":");
		if (r == 0)
			r = join_root(path, sizeof(path), "/oldroot", op_src(c, i - 1 - k));
		if (r == 0)
			r = mnt_escape_overlay(overlay_opts, sizeof(overlay_opts), &len, path);
	}
	if (r == 0 && op->type == VB_OP_OVERLAY) {
		r = append_str(overlay_opts, sizeof(overlay_opts), &len, ",upperdir=");
		if (r == 0)
			r = join_root(path, sizeof(path), "/oldroot", op_src(c, i));
		if (r == 0)
			r = mnt_escape_overlay(overlay_opts, sizeof(overlay_opts), &len, path);
		if (r == 0)
			r = append_str(overlay_opts, sizeof(overlay_opts), &len, ",workdir=");
		if (r == 0)
			r = join_root(path, sizeof(path), "/oldroot", op_workdir(c, i));
		if (r == 0)
			r = mnt_escape_overlay(overlay_opts, sizeof(overlay_opts), &len, path);
	} else if (r == 0 && op->type == VB_OP_TMP_OVERLAY) {
		/* Upper and work dirs on the base tmpfs: private to this sandbox
		 * and gone with it. */
		char up[64], work[64];

		snprintf(up, sizeof(up), "/tmp-overlay-upper-%zu", i);
		snprintf(work, sizeof(work), "/tmp-overlay-work-%zu", i);
		if (mkdir(up, 0755) < 0 || mkdir(work, 0755) < 0)
			return FAIL(c, (int)i, errno, "Can't make overlay mount on %s",
				    DST(c, (int)i));
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
		return FAIL(c, (int)i, -r, "Can't make overlay mount on %s", DST(c, (int)i));
	if ((r = nr_ensure_dir(c, rel, 0755)) < 0 || (r = dst_path(c, rel, dst, sizeof(dst))) < 0)
		return FAIL(c, (int)i, -r, "Can't mkdir %s", DST(c, (int)i));
	/* bwrap's flags: none (unlike its binds and tmpfs, no nosuid or nodev). */
	if (mount("overlay", dst, "overlay", 0, overlay_opts) < 0)
		return FAIL(c, (int)i, errno, "Can't make overlay mount on %s", DST(c, (int)i));
	return 0;
}

static int mount_dev(struct vb_child *c, int idx, const char *rel)
{
	char path[PATH_MAX], src[PATH_MAX], dst[64];
	int r;

	if ((r = nr_ensure_dir(c, rel, 0755)) < 0 || (r = dst_path(c, rel, dst, sizeof(dst))) < 0)
		return FAIL(c, idx, -r, "Can't mkdir %s", DST(c, idx));
	if (mount("tmpfs", dst, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0)
		return FAIL(c, idx, errno, "Can't mount tmpfs on %s", DST(c, idx));
	/* From here on paths are in the fresh tmpfs, which only vb writes. */
	if ((r = dst_path(c, rel, dst, sizeof(dst))) < 0)
		return FAIL(c, idx, -r, "Can't mount tmpfs on %s", DST(c, idx));
	for (int k = 0; k < (int)ARRAY_SIZE(vb_dev_nodes); k++) {
		snprintf(path, sizeof(path), "%s/%s", dst, vb_dev_nodes[k]);
		snprintf(src, sizeof(src), "/oldroot/dev/%s", vb_dev_nodes[k]);
		if (ensure_file(path, 0444) < 0)
			return FAIL(c, idx, errno, "Can't create file %s/%s", DST(c, idx),
				    vb_dev_nodes[k]);
		r = bind_mount(c, src, path, false, true);
		if (r < 0)
			return FAIL(c, idx, -r, "Can't create file %s/%s", DST(c, idx),
				    vb_dev_nodes[k]);
	}
	for (int k = 0; k < (int)ARRAY_SIZE(vb_dev_links); k++) {
		snprintf(path, sizeof(path), "%s/%s", dst, vb_dev_links[k][0]);
		if (symlink(vb_dev_links[k][1], path) < 0)
			return FAIL(c, idx, errno, "Can't create symlink %s/%s", DST(c, idx),
				    vb_dev_links[k][0]);
	}
	snprintf(path, sizeof(path), "%s/shm", dst);
	if (mkdir(path, 01777) < 0)
		return FAIL(c, idx, errno, "Can't create %s/shm", DST(c, idx));
	/* mkdir's mode is masked by the umask; /dev/shm must be world-writable. */
	(void)chmod(path, 01777);
	snprintf(path, sizeof(path), "%s/pts", dst);
	if (mkdir(path, 0755) < 0)
		return FAIL(c, idx, errno, "Can't create %s/devpts", DST(c, idx));
	if (mount("devpts", path, "devpts", MS_NOSUID | MS_NOEXEC,
		  "newinstance,ptmxmode=0666,mode=620") < 0)
		return FAIL(c, idx, errno, "Can't mount devpts on %s", DST(c, idx));
	snprintf(path, sizeof(path), "%s/ptmx", dst);
	if (symlink("pts/ptmx", path) < 0)
		return FAIL(c, idx, errno, "Can't make symlink at %s/ptmx", DST(c, idx));
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

static int mount_proc(struct vb_child *c, int idx, const char *rel)
{
	static const char *const cover[] = { "sys", "sysrq-trigger", "irq", "bus" };
	char path[PATH_MAX], dst[64];
	int r;

	if ((r = nr_ensure_dir(c, rel, 0755)) < 0 || (r = dst_path(c, rel, dst, sizeof(dst))) < 0)
		return FAIL(c, idx, -r, "Can't mkdir %s", DST(c, idx));
	if ((c->ns & VB_NS_PID) || c->cfg->pidns_fd >= 0) {
		if (mount("proc", dst, "proc", MS_NOSUID | MS_NOEXEC | MS_NODEV, NULL) < 0)
			return FAIL(c, idx, errno, "Can't mount proc on %s", DST(c, idx));
	} else {
		/* Sharing the host's pids: the host's procfs is the right one. */
		r = bind_dest(c, "/oldroot/proc", rel, dst, sizeof(dst), false, false);
		if (r < 0)
			return FAIL(c, idx, -r, "Can't mount proc on %s", DST(c, idx));
	}
	if ((r = dst_path(c, rel, dst, sizeof(dst))) < 0)
		return FAIL(c, idx, -r, "Can't mount proc on %s", DST(c, idx));
	/* Keep the kernel knobs read-only even for a root sandbox. */
	for (size_t k = 0; k < ARRAY_SIZE(cover); k++) {
		snprintf(path, sizeof(path), "%s/%s", dst, cover[k]);
		if (access(path, W_OK) < 0) {
			if (errno == EACCES || errno == ENOENT || errno == EROFS)
				continue;
			return FAIL(c, idx, errno, "Can't mount proc on %s", DST(c, idx));
		}
		r = bind_mount(c, path, path, true, false);
		if (r < 0)
			return FAIL(c, idx, -r, "Can't mount proc on %s", DST(c, idx));
	}
	return 0;
}

static int apply_op(struct vb_child *c, size_t i)
{
	const struct vb_op *op = &c->cfg->ops[i];
	char src[PATH_MAX], rel[PATH_MAX], dst[64];
	struct stat st;
	int idx = (int)i, r;

	if (vb_fault("mount-op") < 0)
		return FAIL(c, idx, EIO, "Can't mkdir %s", DST(c, idx));
	if (op->type == VB_OP_OVERLAY_SRC)
		return 0;
	/* rel: the destination relative to the new root, "." for the root;
	 * dst: set by dst_path() once it exists (see "Destinations"). */
	if (op->dst) {
		const char *d = op->dst;
		size_t n;

		while (*d == '/')
			d++;
		n = strlen(d);
		while (n > 0 && d[n - 1] == '/')
			n--;
		if (n >= sizeof(rel))
			return FAIL(c, idx, ENAMETOOLONG, "Can't mkdir parents for %s",
				    DST(c, idx));
		memcpy(rel, n ? d : ".", n ? n : 1);
		rel[n ? n : 1] = '\0';
	}

	/* Parents of the destination, as bwrap: group/other bits follow
	 * --perms so a private file does not sit in a world-readable dir. */
	if (op->dst && op->type != VB_OP_REMOUNT_RO && op->type != VB_OP_CHMOD) {
		mode_t parent_mode = 0755;

		if (op->have_perms && (op->perms & 0070) == 0)
			parent_mode &= ~0050u;
		if (op->have_perms && (op->perms & 0007) == 0)
			parent_mode &= ~0005u;
		r = nr_mkdir_parents(c, rel, parent_mode);
		if (r < 0)
			return FAIL(c, idx, -r, "Can't mkdir parents for %s", DST(c, idx));
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

		if (!op_src(c, i)) /* a -try source that is not there */
			return 0;
		if (join_root(src, sizeof(src), "/oldroot", op_src(c, i)) < 0)
			return FAIL(c, idx, ENAMETOOLONG, "Can't find source path %s", SRC(c, idx));
		if (stat(src, &st) < 0) {
			if (try_ && errno == ENOENT)
				return 0;
			return FAIL(c, idx, errno, "Can't find source path %s", SRC(c, idx));
		}
		r = prepare_bind_dest(c, &st, rel, dst, sizeof(dst));
		if (r < 0)
			return FAIL(c, idx, -r,
				    S_ISDIR(st.st_mode) ? "Can't mkdir %s"
							: "Can't create file at %s",
				    DST(c, idx));
		r = bind_dest(c, src, rel, dst, sizeof(dst), ro, dev);
		if (r < 0)
			return fail_bind(c, idx, -r);
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
			return FAIL(c, idx, errno, "Can't stat fd %d", op->fd);
		snprintf(fdpath, sizeof(fdpath), "self/fd/%d", op->fd);
		n = readlinkat(c->proc_fd, fdpath, target, sizeof(target) - 1);
		if (n < 0)
			return FAIL(c, idx, errno, "Can't stat fd %d", op->fd);
		target[n] = '\0';
		if (target[0] != '/' || join_root(src, sizeof(src), "/oldroot", target) < 0)
			return FAIL(c, idx, ENOENT, "Can't stat fd %d", op->fd);
		r = prepare_bind_dest(c, &st, rel, dst, sizeof(dst));
		if (r < 0)
			return FAIL(c, idx, -r,
				    S_ISDIR(st.st_mode) ? "Can't mkdir %s"
							: "Can't create file at %s",
				    DST(c, idx));
		r = bind_dest(c, src, rel, dst, sizeof(dst), op->type == VB_OP_RO_BIND_FD, false);
		if (r < 0)
			return fail_bind(c, idx, -r);
		if (dst_path(c, rel, dst, sizeof(dst)) < 0 || stat(dst, &dst_st) < 0 ||
		    dst_st.st_dev != st.st_dev || dst_st.st_ino != st.st_ino)
			return FAIL(c, idx, EPERM, "Race condition binding dirfd");
		return 0;
	}
	case VB_OP_REMOUNT_RO:
		/* bwrap: "does not recursively remount". */
		r = dst_path(c, rel, dst, sizeof(dst));
		if (r == 0)
			r = set_mount_flags(c, dst, true, false, false, false);
		if (r < 0)
			return fail_remount(c, idx, -r);
		return 0;
	case VB_OP_OVERLAY:
	case VB_OP_TMP_OVERLAY:
	case VB_OP_RO_OVERLAY:
		return mount_overlay(c, i, rel);
	case VB_OP_PROC:
		return mount_proc(c, idx, rel);
	case VB_OP_DEV:
		return mount_dev(c, idx, rel);
	case VB_OP_TMPFS: {
		char opts[VB_MAX_PATH + 128]; /* mode, size and --file-label */
		int n;

		if ((r = nr_ensure_dir(c, rel, 0755)) < 0 ||
		    (r = dst_path(c, rel, dst, sizeof(dst))) < 0)
			return FAIL(c, idx, -r, "Can't mkdir %s", DST(c, idx));
		n = snprintf(opts, sizeof(opts), "mode=0%o",
			     (unsigned)(op->have_perms ? op->perms : 0755));
		if (op->have_size)
			n += snprintf(opts + n, sizeof(opts) - (size_t)n, ",size=%llu",
				      (unsigned long long)op->size);
		if (c->cfg->file_label)
			snprintf(opts + n, sizeof(opts) - (size_t)n, ",context=\"%s\"",
				 c->cfg->file_label);
		if (mount("tmpfs", dst, "tmpfs", MS_NOSUID | MS_NODEV, opts) < 0)
			return FAIL(c, idx, errno, "Can't mount tmpfs on %s", DST(c, idx));
		return 0;
	}
	case VB_OP_MQUEUE:
		if ((r = nr_ensure_dir(c, rel, 0755)) < 0 ||
		    (r = dst_path(c, rel, dst, sizeof(dst))) < 0)
			return FAIL(c, idx, -r, "Can't mkdir %s", DST(c, idx));
		/* bwrap names the path as it sees it during setup. */
		if (mount("mqueue", dst, "mqueue", 0, NULL) < 0)
			return FAIL(c, idx, errno, "Can't mount mqueue on /newroot/%s",
				    strcmp(rel, ".") == 0 ? "" : rel);
		return 0;
	case VB_OP_DIR: {
		mode_t mode = op->have_perms ? op->perms : 0755;

		/* bwrap's ensure_dir(): a directory already there keeps its
		 * mode (through --bind / / it is the host's); one made here
		 * gets exactly the mode asked for, whatever the umask. */
		r = nr_mkdir(c, rel, mode);
		if (r == -EEXIST) {
			if ((r = nr_ensure_dir(c, rel, mode)) < 0)
				return FAIL(c, idx, -r, "Can't mkdir %s", DST(c, idx));
			return 0;
		}
		if (r < 0)
			return FAIL(c, idx, -r, "Can't mkdir %s", DST(c, idx));
		if ((r = dst_path(c, rel, dst, sizeof(dst))) < 0 ||
		    (r = chmod(dst, mode) < 0 ? -errno : 0) < 0)
			return FAIL(c, idx, -r, "Can't mkdir %s", DST(c, idx));
		return 0;
	}
	case VB_OP_FILE: {
		int fd = nr_create(c, rel, O_WRONLY | O_CREAT | O_TRUNC | O_NOCTTY,
				   op->have_perms ? op->perms : 0666);

		if (fd < 0)
			return FAIL(c, idx, -fd, "Can't create file %s", DST(c, idx));
		/* The mode asked for, not the one the umask leaves (bwrap: 0666). */
		if (fchmod(fd, op->have_perms ? op->perms : 0666) < 0) {
			close(fd);
			return FAIL(c, idx, errno, "Can't create file %s", DST(c, idx));
		}
		r = copy_fd_data(op->fd, fd);
		close(fd);
		if (r < 0)
			return FAIL(c, idx, -r, "Can't write data to file %s", DST(c, idx));
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
			return FAIL(c, idx, errno, "Can't create tmpfile for %s", DST(c, idx));
		if (fchmod(fd, op->have_perms ? op->perms : 0600) < 0) {
			close(fd);
			return FAIL(c, idx, errno, "Can't create tmpfile for %s", DST(c, idx));
		}
		r = copy_fd_data(op->fd, fd);
		close(fd);
		if (r < 0)
			return FAIL(c, idx, -r, "Can't write data to file %s", DST(c, idx));
		if ((r = nr_ensure_file(c, rel, 0444)) < 0 ||
		    (r = dst_path(c, rel, dst, sizeof(dst))) < 0)
			return FAIL(c, idx, -r, "Can't create file at %s", DST(c, idx));
		r = bind_dest(c, c->tmp_path, rel, dst, sizeof(dst), op->type == VB_OP_RO_BIND_DATA,
			      false);
		if (r < 0)
			return fail_bind(c, idx, -r);
		return 0;
	}
	case VB_OP_SYMLINK: {
		const char *base;
		int pfd = nr_parent(c, rel, &base);

		if (pfd < 0)
			return FAIL(c, idx, -pfd, "Can't make symlink at %s", DST(c, idx));
		if (symlinkat(op->src, pfd, base) < 0) {
			char target[PATH_MAX];
			ssize_t n;
			int e = errno;

			if (e != EEXIST) {
				close(pfd);
				return FAIL(c, idx, e, "Can't make symlink at %s", DST(c, idx));
			}
			/* bwrap 0.11: an identical symlink already there is
			 * fine; anything else is named. */
			n = readlinkat(pfd, base, target, sizeof(target) - 1);
			e = errno;
			close(pfd);
			if (n < 0 && e == EINVAL)
				return FAIL(c, idx, 0,
					    "Can't make symlink at %s: destination exists and is "
					    "not a symlink",
					    DST(c, idx));
			if (n < 0)
				return FAIL(c, idx, e,
					    "Can't make symlink at %s: destination exists, and "
					    "cannot read symlink target",
					    DST(c, idx));
			target[n] = '\0';
			if (strcmp(target, op->src) != 0)
				return FAIL(c, idx, 0,
					    "Can't make symlink at %s: existing destination is %s",
					    DST(c, idx), target);
			return 0;
		}
		close(pfd);
		return 0;
	}
	case VB_OP_CHMOD:
		if ((r = dst_path(c, rel, dst, sizeof(dst))) < 0 ||
		    (r = chmod(dst, op->chmod_mode) < 0 ? -errno : 0) < 0)
			return FAIL(c, idx, -r, "Can't chmod %#o %s", (unsigned)op->chmod_mode,
				    DST(c, idx));
		return 0;
	default:
		return FAIL(c, idx, EINVAL, "setup failed");
	}
}

int mnt_enter_base(struct vb_child *c)
{
	/* Mount events of the host still reach us, ours never reach it. */
	if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		return FAIL(c, -1, errno, "Failed to make / slave");
	if (vb_fault("mount-base") < 0)
		return FAIL(c, -1, EIO, "Failed to mount tmpfs");
	if (mount("tmpfs", BASE_PATH, "tmpfs", MS_NODEV | MS_NOSUID, NULL) < 0)
		return FAIL(c, -1, errno, "Failed to mount tmpfs");
	if (chdir(BASE_PATH) < 0)
		return FAIL(c, -1, errno, "Failed to mount tmpfs");
	if (mkdir("newroot", 0755) < 0)
		return FAIL(c, -1, errno, "Creating newroot failed");
	/* A mount point of its own, so that it can be pivoted into. */
	if (mount("newroot", "newroot", NULL, MS_BIND | MS_REC, NULL) < 0)
		return FAIL(c, -1, errno, "setting up newroot bind");
	if (mkdir("oldroot", 0755) < 0)
		return FAIL(c, -1, errno, "Creating oldroot failed");
	if (syscall(SYS_pivot_root, BASE_PATH, "oldroot") < 0)
		return FAIL(c, -1, errno, "pivot_root");
	if (chdir("/") < 0)
		return FAIL(c, -1, errno, "chdir /");
	return 0;
}

int mnt_apply_ops(struct vb_child *c)
{
	for (size_t i = 0; i < c->cfg->n_ops; i++) {
		int r = apply_op(c, i);

		if (r < 0)
			return r;
	}
	if (dst_fd >= 0)
		close(dst_fd);
	dst_fd = -1;
	return 0;
}

int mnt_enter_newroot(struct vb_child *c)
{
	/* Private first, or the detach below would propagate to the host. */
	if (mount("oldroot", "/oldroot", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return FAIL(c, -1, errno, "Failed to make old root rprivate");
	if (chdir("/newroot") < 0)
		return FAIL(c, -1, errno, "pivot_root(/newroot)");
	/* pivot_root(".", ".") stacks the old root (the base tmpfs, with the
	 * host's tree still at its /oldroot) on top of the new one; detaching
	 * "." then takes both away in one go and leaves the new root alone.
	 * bwrap detaches /oldroot first, in a umount of its own: every umount
	 * that frees mounts waits for an expedited RCU grace period, which
	 * was a millisecond or more of each start. */
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return FAIL(c, -1, errno, "pivot_root(/newroot)");
	if (umount2(".", MNT_DETACH) < 0)
		return FAIL(c, -1, errno, "unmount old root");
	if (chdir("/") < 0)
		return FAIL(c, -1, errno, "chdir /");
	return 0;
}
