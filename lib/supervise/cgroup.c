/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cgroup limits.  The sandbox gets a directory of its own beneath the
 * cgroup the caller runs in (or --cgroup-parent):
 *  - in the cgroup v2 hierarchy when there is one we may write to: the
 *    engine clones the child straight into it (CLONE_INTO_CGROUP), which
 *    gives cgroup.kill, cpu.stat and "populated" even where no controller
 *    is delegated there (a hybrid host);
 *  - for each limited controller, in v2 when the parent's cgroup.controllers
 *    offers it (enabled in the parent's cgroup.subtree_control if needed),
 *    else in the host's v1 hierarchy for that controller, which cg_attach()
 *    joins after the clone and before the child may run anything.
 * Every directory is removed, after killing what is left in it, by the
 * rollback record pushed as soon as the state exists.
 */
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/eventfd.h>
#include <sys/stat.h>

#include "fault.h"
#include "supervise/cgroup.h"

#define CFG_ERR(err, ...) vb_err((err), VB_STAGE_CONFIG, -1, 0, __VA_ARGS__)
#define CG_ERR(err, e, ...) vb_err((err), VB_STAGE_CGROUP, -1, (e), __VA_ARGS__)

/* v2 names; v1 hierarchies carry blkio for io. */
static const struct {
	unsigned bit;
	const char *v2, *v1, *flag;
} ctrl_names[] = {
	{ CG_MEMORY, "memory", "memory", "--memory" },
	{ CG_CPU, "cpu", "cpu", "--cpus" },
	{ CG_PIDS, "pids", "pids", "--pids-max" },
	{ CG_IO, "io", "blkio", "--io-weight" },
};

/* ---- setters -------------------------------------------------------------- */

static struct vb_cg_config *cg_get(vb_config *cfg)
{
	if (!cfg->cg) {
		cfg->cg = calloc(1, sizeof(*cfg->cg));
		if (!cfg->cg)
			return NULL;
		cfg->cg->memory = cfg->cg->memory_swap = cfg->cg->pids_max = VB_UNLIMITED;
	}
	cfg->validated = false;
	return cfg->cg;
}
/* How every setter starts: bwrap's per-option checks.  The module state is
 * made (CG_GET) only once the value is known good, so that a refused call
 * leaves nothing behind: a cgroup state without limits would still give
 * the sandbox a cgroup. */
#define CG_BEGIN(cfg, err)                                       \
	do {                                                     \
		if (!(cfg))                                      \
			return CFG_ERR(err, "invalid argument"); \
		if (vb_config_option_end(cfg, err) < 0)          \
			return -EINVAL;                          \
	} while (0)
#define CG_GET(cfg, err, var)     \
	struct vb_cg_config *var; \
	if (!(var = cg_get(cfg))) \
		return vb_err(err, VB_STAGE_CONFIG, -1, ENOMEM, "Out of memory");

void cg_config_free(struct vb_cg_config *cg)
{
	if (!cg)
		return;
	free(cg->parent);
	free(cg);
}

VB_EXPORT int vb_config_memory(vb_config *cfg, uint64_t bytes, vb_error *err)
{
	CG_BEGIN(cfg, err);
	if (bytes < 4096)
		return CFG_ERR(err, "--memory must be at least 4096 bytes");
	CG_GET(cfg, err, cg);
	cg->memory = bytes;
	cg->have_memory = true;
	return 0;
}

VB_EXPORT int vb_config_memory_swap(vb_config *cfg, uint64_t bytes, vb_error *err)
{
	CG_BEGIN(cfg, err);
	CG_GET(cfg, err, cg);
	cg->memory_swap = bytes;
	cg->have_swap = true;
	return 0;
}

VB_EXPORT int vb_config_cpus(vb_config *cfg, double cpus, vb_error *err)
{
	CG_BEGIN(cfg, err);
	/* At least 1ms per 100ms period, the kernel's minimum quota. */
	if (!(cpus >= 0.01 && cpus <= 1000000))
		return CFG_ERR(err, "--cpus must be between 0.01 and 1000000");
	CG_GET(cfg, err, cg);
	cg->cpus_milli = (unsigned)(cpus * 1000 + 0.5);
	return 0;
}

VB_EXPORT int vb_config_cpu_weight(vb_config *cfg, unsigned weight, vb_error *err)
{
	CG_BEGIN(cfg, err);
	if (weight < 1 || weight > 10000)
		return CFG_ERR(err, "--cpu-weight must be between 1 and 10000");
	CG_GET(cfg, err, cg);
	cg->cpu_weight = weight;
	return 0;
}

VB_EXPORT int vb_config_pids_max(vb_config *cfg, uint64_t max, vb_error *err)
{
	CG_BEGIN(cfg, err);
	if (max < 1)
		return CFG_ERR(err, "--pids-max must be at least 1");
	CG_GET(cfg, err, cg);
	cg->pids_max = max;
	cg->have_pids = true;
	return 0;
}

VB_EXPORT int vb_config_io_weight(vb_config *cfg, unsigned weight, vb_error *err)
{
	CG_BEGIN(cfg, err);
	if (weight < 1 || weight > 10000)
		return CFG_ERR(err, "--io-weight must be between 1 and 10000");
	CG_GET(cfg, err, cg);
	cg->io_weight = weight;
	return 0;
}

VB_EXPORT int vb_config_cgroup_parent(vb_config *cfg, const char *path, vb_error *err)
{
	char *copy;

	CG_BEGIN(cfg, err);
	if (!path || path[0] != '/' || strstr(path, "/../") || strstr(path, "/./") ||
	    (strlen(path) >= 3 && strcmp(path + strlen(path) - 3, "/..") == 0))
		return CFG_ERR(err,
			       "--cgroup-parent takes an absolute cgroup path (as in "
			       "/proc/self/cgroup), got '%s'",
			       path ? path : "");
	copy = vb_strdup_checked(path);
	if (!copy)
		return vb_err(err, VB_STAGE_CONFIG, -1, E2BIG, "--cgroup-parent: path too long");
	struct vb_cg_config *cg = cg_get(cfg);

	if (!cg) {
		free(copy);
		return vb_err(err, VB_STAGE_CONFIG, -1, ENOMEM, "Out of memory");
	}
	free(cg->parent);
	cg->parent = copy;
	return 0;
}

/* The quota per 100 ms period: up to 1e11 us for 1000000 CPUs, more than
 * 32 bits can hold from 42949.68 CPUs on (the kernel takes up to 2^44 us). */
static uint64_t cg_cpu_quota_us(const struct vb_cg_config *cg)
{
	return (uint64_t)cg->cpus_milli * 100;
}

static unsigned needed_ctrls(const struct vb_cg_config *cg)
{
	unsigned n = 0;

	if (cg->have_memory || cg->have_swap)
		n |= CG_MEMORY;
	if (cg->cpus_milli || cg->cpu_weight)
		n |= CG_CPU;
	if (cg->have_pids)
		n |= CG_PIDS;
	if (cg->io_weight)
		n |= CG_IO;
	return n;
}

/* ---- where the hierarchies are ------------------------------------------- */

/* The caller's cgroup in the hierarchy that has controller (NULL: v2). */
int cg_self_path(const char *controller, char *buf, size_t size)
{
	_cleanup_free_ char *data = NULL;
	_cleanup_close_ int fd = open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC);
	char *line, *save = NULL;
	int r;

	if (fd < 0)
		return -errno;
	r = vb_read_fd(fd, &data, NULL);
	if (r < 0)
		return r;
	for (line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *c1 = strchr(line, ':'), *c2, *tok, *s2 = NULL;
		bool match = false;

		if (!c1 || !(c2 = strchr(c1 + 1, ':')))
			continue;
		*c2 = '\0';
		if (!controller) {
			match = strcmp(line, "0:") == 0 ||
				(c1[1] == '\0' && strncmp(line, "0", 1) == 0);
		} else {
			for (tok = strtok_r(c1 + 1, ",", &s2); tok; tok = strtok_r(NULL, ",", &s2))
				if (strcmp(tok, controller) == 0)
					match = true;
		}
		if (!match)
			continue;
		if ((size_t)snprintf(buf, size, "%s", c2 + 1) >= size)
			return -ENAMETOOLONG;
		return 0;
	}
	return -ENOENT;
}

static void unescape_octal(char *s)
{
	char *w = s;

	for (char *p = s; *p; p++) {
		if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' &&
		    p[3] >= '0' && p[3] <= '7') {
			*w++ = (char)((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
			p += 3;
		} else {
			*w++ = *p;
		}
	}
	*w = '\0';
}

/* The mount of the v2 hierarchy (controller NULL) or of the v1 hierarchy
 * with controller: its mount point and the cgroup it shows as its root. */
static int find_mount(const char *controller, char *mnt, size_t mnt_size, char *root,
		      size_t root_size)
{
	_cleanup_free_ char *data = NULL;
	_cleanup_close_ int fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
	char *line, *save = NULL;
	int r;

	if (fd < 0)
		return -errno;
	r = vb_read_fd(fd, &data, NULL);
	if (r < 0)
		return r;
	for (line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[6], *s2 = NULL, *sep, *fstype, *opts, *tok;
		bool match = false;
		int i;

		sep = strstr(line, " - ");
		if (!sep)
			continue;
		*sep = '\0';
		fstype = strtok_r(sep + 3, " ", &s2);
		(void)strtok_r(NULL, " ", &s2); /* source */
		opts = strtok_r(NULL, " ", &s2);
		if (!fstype || !opts)
			continue;
		if (controller ? strcmp(fstype, "cgroup") != 0 : strcmp(fstype, "cgroup2") != 0)
			continue;
		if (controller) {
			for (tok = strtok_r(opts, ",", &s2); tok; tok = strtok_r(NULL, ",", &s2))
				if (strcmp(tok, controller) == 0)
					match = true;
			if (!match)
				continue;
		}
		s2 = NULL;
		for (i = 0; i < 5 && (f[i] = strtok_r(i ? NULL : line, " ", &s2)); i++)
			;
		if (i < 5)
			continue;
		unescape_octal(f[3]);
		unescape_octal(f[4]);
		if ((size_t)snprintf(mnt, mnt_size, "%s", f[4]) >= mnt_size ||
		    (size_t)snprintf(root, root_size, "%s", f[3]) >= root_size)
			return -ENAMETOOLONG;
		return 0;
	}
	return -ENOENT;
}

/* The directory of the parent cgroup in one hierarchy. */
static int parent_dir(const struct vb_cg_config *cg, const char *controller, char *buf, size_t size)
{
	char mnt[PATH_MAX], root[PATH_MAX], self[PATH_MAX];
	const char *path;
	size_t rl;
	int r;

	r = find_mount(controller, mnt, sizeof(mnt), root, sizeof(root));
	if (r < 0)
		return r;
	if (cg->parent) {
		path = cg->parent;
	} else {
		r = cg_self_path(controller, self, sizeof(self));
		if (r < 0)
			return r;
		path = self;
	}
	/* The mount shows the hierarchy from root on. */
	rl = strcmp(root, "/") == 0 ? 0 : strlen(root);
	if (rl && (strncmp(path, root, rl) != 0 || (path[rl] != '/' && path[rl] != '\0')))
		return -ENOENT;
	path += rl;
	if (strcmp(path, "/") == 0)
		path = "";
	if ((size_t)snprintf(buf, size, "%s%s", mnt, path) >= size)
		return -ENAMETOOLONG;
	return 0;
}

/* ---- files ---------------------------------------------------------------- */

static int read_file(const char *dir, const char *name, char *buf, size_t size)
{
	char path[PATH_MAX + 64];
	_cleanup_close_ int fd = -1;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	do
		n = read(fd, buf, size - 1);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return (int)n;
}

/* "key value" lines (memory.events, cpu.stat, memory.oom_control). */
static int read_key(const char *dir, const char *name, const char *key, uint64_t *ret)
{
	char buf[4096];
	size_t kl = strlen(key);
	int r = read_file(dir, name, buf, sizeof(buf));

	if (r < 0)
		return r;
	for (char *p = buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (strncmp(p, key, kl) == 0 && p[kl] == ' ') {
			*ret = strtoull(p + kl + 1, NULL, 10);
			return 0;
		}
	}
	return -ENOENT;
}

static int read_u64(const char *dir, const char *name, uint64_t *ret)
{
	char buf[64];
	int r = read_file(dir, name, buf, sizeof(buf));

	if (r < 0)
		return r;
	*ret = strtoull(buf, NULL, 10);
	return 0;
}

/* Writes value to dir/name; an error names the file, the value and the
 * flag it came from. */
static int write_limit(const char *dir, const char *name, const char *value, const char *flag,
		       vb_error *err)
{
	char path[PATH_MAX + 64];
	int r;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	r = vb_fault("cg-limit");
	if (r == 0)
		r = vb_write_file_at(AT_FDCWD, path, value);
	if (r < 0)
		return CG_ERR(err, -r, "%s: can't write \"%s\" to %s", flag, value, path);
	return 0;
}

/* ---- the sandbox's directories ------------------------------------------- */

/* SIGKILL to everything in dir: cgroup.kill where the kernel has it, else
 * one kill() per pid listed until the list stays empty. */
static void kill_dir(const struct cg_dir *d)
{
	char buf[65536];

	if (d->version == 2) {
		char path[PATH_MAX + 64];

		snprintf(path, sizeof(path), "%s/cgroup.kill", d->path);
		if (vb_write_file_at(AT_FDCWD, path, "1") == 0)
			return;
	}
	for (int round = 0; round < 100; round++) {
		int n = read_file(d->path, "cgroup.procs", buf, sizeof(buf));
		bool any = false;

		if (n <= 0)
			return;
		for (char *p = buf; *p;) {
			char *end;
			long pid = strtol(p, &end, 10);

			if (end == p)
				break;
			if (pid > 0 && kill((pid_t)pid, SIGKILL) == 0)
				any = true;
			p = end;
			while (*p == '\n')
				p++;
		}
		if (!any)
			return;
	}
}

static bool dir_empty(const struct cg_dir *d)
{
	char buf[64];
	uint64_t populated;

	if (d->version == 2 && read_key(d->path, "cgroup.events", "populated", &populated) == 0)
		return populated == 0;
	return read_file(d->path, "cgroup.procs", buf, sizeof(buf)) <= 0;
}

static void remove_dir(const struct cg_dir *d)
{
	/* Dying processes keep the cgroup busy for a moment. */
	for (int i = 0; i < 400; i++) {
		if (rmdir(d->path) == 0 || errno == ENOENT)
			return;
		if (errno != EBUSY)
			return;
		if (!dir_empty(d))
			kill_dir(d);
		struct timespec ts = { 0, 5 * 1000 * 1000 };
		(void)nanosleep(&ts, NULL);
	}
}

static void cg_state_free(void *data)
{
	struct vb_sandbox *sb = data;
	struct vb_cg_state *cs = sb->cg;

	if (!cs)
		return;
	(void)cg_kill_all(sb);
	for (size_t i = cs->n_dirs; i-- > 0;)
		remove_dir(&cs->dirs[i]);
	if (cs->n_enabled || cs->leaf[0])
		cg_v2_restore(cs);
	if (cs->oom_fd >= 0)
		(void)close(cs->oom_fd);
	free(cs);
	sb->cg = NULL;
}

int cg_kill_all(struct vb_sandbox *sb)
{
	struct vb_cg_state *cs = sb->cg;

	if (!cs)
		return 0;
	/* v2 first: it holds every process of the sandbox at once. */
	if (cs->v2 >= 0)
		kill_dir(&cs->dirs[cs->v2]);
	for (size_t i = 0; i < cs->n_dirs; i++)
		if ((int)i != cs->v2)
			kill_dir(&cs->dirs[i]);
	return (int)cs->n_dirs;
}

const char *cg_v2_path(const struct vb_sandbox *sb)
{
	const struct vb_cg_state *cs = sb->cg;

	if (!cs || cs->v2 < 0)
		return NULL;
	return cs->v2_rel;
}

static unsigned name_counter;

/* This process's start time, for the names (see sweep_stale()). */
static unsigned long long self_start(void)
{
	static unsigned long long t;
	static pid_t pid;

	if (pid != getpid()) {
		pid = getpid();
		t = vb_proc_start_time(pid);
	}
	return t;
}

/* Whether name is one of vb's, "vb-PID-START-N" or "vb-PID-START-leaf"
 * (or, from before the start time was in the name, "vb-PID-N" and
 * "vb-PID-leaf"), whose vb is gone: dead, a zombie, or its pid now
 * another process's. */
static bool stale_name(const char *name)
{
	unsigned long long f[3];
	int n = 0;
	const char *p;

	if (strncmp(name, "vb-", 3) != 0)
		return false;
	for (p = name + 3; n < 3;) {
		char *end;

		if (strcmp(p, "leaf") == 0 && n >= 1) {
			f[n++] = 0;
			p += 4;
			break;
		}
		if (*p < '0' || *p > '9')
			return false;
		errno = 0;
		f[n++] = strtoull(p, &end, 10);
		if (errno)
			return false;
		p = end;
		if (*p == '\0')
			break;
		if (*p++ != '-')
			return false;
	}
	if (*p || n < 2 || f[0] == 0 || f[0] > INT32_MAX)
		return false;
	if (n == 3) /* pid, start, index */
		return vb_proc_start_time((pid_t)f[0]) != f[1];
	return vb_proc_start_time((pid_t)f[0]) == 0; /* the old form: the pid alone */
}

/* Removes the cgroups beneath base that a vb killed during setup or while
 * its sandbox ran left behind (SIGKILL gives no chance to clean up): only
 * directories named by vb's scheme, whose vb is gone, that are empty (a
 * sandbox still running keeps its cgroup: rmdir() refuses it), and that
 * this process could have made.  The next start beneath the same parent
 * does it, as the next --net bridge start sweeps stale leases. */
static void sweep_stale(const char *base)
{
	DIR *d = opendir(base);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		struct stat st;

		if (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN)
			continue;
		if (!stale_name(de->d_name))
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISDIR(st.st_mode))
			continue;
		if (getuid() != 0 && st.st_uid != getuid() && st.st_uid != geteuid())
			continue;
		(void)unlinkat(dirfd(d), de->d_name, AT_REMOVEDIR);
	}
	(void)closedir(d);
}

static int make_dir(struct vb_cg_state *cs, int version, unsigned ctrls, const char *base,
		    const char *name, vb_error *err)
{
	struct cg_dir *d;

	/* One directory per hierarchy: co-mounted v1 controllers share it. */
	for (size_t i = 0; i < cs->n_dirs; i++) {
		if (cs->dirs[i].version == version && strcmp(cs->dirs[i].base, base) == 0) {
			cs->dirs[i].ctrls |= ctrls;
			return (int)i;
		}
	}
	if (cs->n_dirs >= ARRAY_SIZE(cs->dirs))
		return CG_ERR(err, ENOSPC, "too many cgroup hierarchies");
	if (version == 1)
		sweep_stale(base); /* v2: before cg_v2_enable() (cg_prepare()) */
	d = &cs->dirs[cs->n_dirs];
	d->version = version;
	d->ctrls = ctrls;
	snprintf(d->base, sizeof(d->base), "%s", base);
	if ((size_t)snprintf(d->path, sizeof(d->path), "%s/%s", base, name) >= sizeof(d->path))
		return CG_ERR(err, ENAMETOOLONG, "Can't create cgroup in %s", base);
	if (vb_fault("cg-mkdir") < 0)
		return CG_ERR(err, EIO, "Can't create cgroup %s", d->path);
	if (mkdir(d->path, 0755) < 0)
		return CG_ERR(err, errno, "Can't create cgroup %s", d->path);
	return (int)cs->n_dirs++;
}

/* The controllers of the v2 parent offers (cgroup.controllers). */
static unsigned v2_available(const char *base)
{
	char buf[512], *tok, *save = NULL;
	unsigned have = 0;

	if (read_file(base, "cgroup.controllers", buf, sizeof(buf)) < 0)
		return 0;
	for (tok = strtok_r(buf, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save))
		for (size_t i = 0; i < ARRAY_SIZE(ctrl_names); i++)
			if (strcmp(tok, ctrl_names[i].v2) == 0)
				have |= ctrl_names[i].bit;
	return have;
}

/* Whether base's cgroup.procs lists this process and nothing else. */
static bool only_us_in(const char *base)
{
	char buf[256], *end;
	long pid;

	if (read_file(base, "cgroup.procs", buf, sizeof(buf)) <= 0)
		return false;
	pid = strtol(buf, &end, 10);
	return pid == (long)getpid() && (*end == '\0' || (*end == '\n' && end[1] == '\0'));
}

/* Makes the controllers reach the children of base (cgroup.subtree_control).
 * The kernel refuses (EBUSY) while base has processes of its own: the
 * no-internal-process rule.  When vb is base's only process and may
 * rearrange it (base is vb's own cgroup), it does what systemd-run --scope
 * and crun do: it moves itself into a leaf of its own, base/vb-PID-leaf,
 * and enables the controllers then.  cg_state_free() puts everything back. */
int cg_v2_enable(struct vb_cg_state *cs, const char *base, const char *const *names,
		 const char *const *flags, size_t n, bool may_move, vb_error *err)
{
	char buf[512], path[PATH_MAX + 64], word[40];
	bool enabled[8] = { false };
	char *tok, *save = NULL;
	int r;

	if (n > ARRAY_SIZE(enabled))
		return CG_ERR(err, E2BIG, "too many controllers");
	if (read_file(base, "cgroup.subtree_control", buf, sizeof(buf)) >= 0)
		for (tok = strtok_r(buf, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save))
			for (size_t i = 0; i < n; i++)
				if (strcmp(tok, names[i]) == 0)
					enabled[i] = true;
	snprintf(path, sizeof(path), "%s/cgroup.subtree_control", base);
	for (size_t i = 0; i < n; i++) {
		if (enabled[i])
			continue;
		snprintf(word, sizeof(word), "+%s", names[i]);
		r = vb_fault("cg-subtree");
		if (r == 0)
			r = vb_write_file_at(AT_FDCWD, path, word);
		if (r == -EBUSY && may_move && !cs->leaf[0] && only_us_in(base)) {
			char leaf[PATH_MAX + 64], procs[PATH_MAX + 80];

			snprintf(leaf, sizeof(leaf), "%s/vb-%d-%llu-leaf", base, (int)getpid(),
				 self_start());
			snprintf(procs, sizeof(procs), "%s/cgroup.procs", leaf);
			r = vb_fault("cg-leaf");
			if (r == 0 && mkdir(leaf, 0755) < 0)
				r = -errno;
			if (r < 0)
				return CG_ERR(err, -r, "Can't create cgroup %s", leaf);
			snprintf(cs->leaf, sizeof(cs->leaf), "%s", leaf);
			snprintf(cs->leaf_base, sizeof(cs->leaf_base), "%s", base);
			r = vb_write_file_at(AT_FDCWD, procs, "0");
			if (r < 0)
				return CG_ERR(err, -r, "Can't move vb into cgroup %s", procs);
			cs->moved = true;
			r = vb_write_file_at(AT_FDCWD, path, word);
		}
		if (r == -EBUSY)
			return CG_ERR(
				err, EBUSY,
				"%s: can't enable the %s controller in %s (the cgroup has "
				"processes of its own; start vb in a cgroup of its own, e.g. "
				"systemd-run --scope -p Delegate=yes, or use --cgroup-parent)",
				flags[i], names[i], path);
		if (r < 0)
			return CG_ERR(err, -r, "%s: can't enable the %s controller in %s", flags[i],
				      names[i], path);
		if (cs->n_enabled < ARRAY_SIZE(cs->enabled)) {
			snprintf(cs->enabled[cs->n_enabled], sizeof(cs->enabled[0]), "%s",
				 names[i]);
			cs->n_enabled++;
		}
		snprintf(cs->enabled_base, sizeof(cs->enabled_base), "%s", base);
	}
	return 0;
}

/* Whether base has a child cgroup other than the leaf vb made: another
 * sandbox (or anyone) there may rely on the controllers it enabled. */
static bool has_other_children(const struct vb_cg_state *cs, const char *base)
{
	const char *leaf = strrchr(cs->leaf, '/');
	struct dirent *de;
	bool found = false;
	DIR *d = opendir(base);

	if (!d)
		return true; /* unknown: leave the controllers on */
	while (!found && (de = readdir(d)))
		found = de->d_type == DT_DIR && strcmp(de->d_name, ".") != 0 &&
			strcmp(de->d_name, "..") != 0 &&
			!(leaf && strcmp(de->d_name, leaf + 1) == 0);
	(void)closedir(d);
	return found;
}

/* Undoes cg_v2_enable(): controllers off again (unless another cgroup
 * beneath base could rely on them: the controllers then stay on, which
 * costs nothing, where turning them off would strip that cgroup's limits),
 * vb back where it was. */
void cg_v2_restore(struct vb_cg_state *cs)
{
	char path[PATH_MAX + 64], word[40];

	snprintf(path, sizeof(path), "%s/cgroup.subtree_control", cs->enabled_base);
	for (size_t i = cs->n_enabled; i-- > 0 && !has_other_children(cs, cs->enabled_base);) {
		snprintf(word, sizeof(word), "-%s", cs->enabled[i]);
		(void)vb_write_file_at(AT_FDCWD, path, word);
	}
	if (cs->moved) {
		snprintf(path, sizeof(path), "%s/cgroup.procs", cs->leaf_base);
		(void)vb_write_file_at(AT_FDCWD, path, "0");
	}
	if (cs->leaf[0])
		(void)rmdir(cs->leaf);
}

static int v2_enable(struct vb_cg_state *cs, const char *base, unsigned ctrls, bool may_move,
		     vb_error *err)
{
	const char *names[ARRAY_SIZE(ctrl_names)], *flags[ARRAY_SIZE(ctrl_names)];
	size_t n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(ctrl_names); i++)
		if (ctrls & ctrl_names[i].bit) {
			names[n] = ctrl_names[i].v2;
			flags[n++] = ctrl_names[i].flag;
		}
	return cg_v2_enable(cs, base, names, flags, n, may_move, err);
}

static int apply_v2(const struct vb_cg_config *cg, const char *dir, unsigned ctrls, vb_error *err)
{
	char v[64];
	int r = 0;

	if (ctrls & CG_MEMORY) {
		if (cg->have_memory) {
			snprintf(v, sizeof(v), "%" PRIu64, cg->memory);
			r = write_limit(dir, "memory.max", v, "--memory", err);
		}
		if (r == 0 && cg->have_swap) {
			if (cg->memory_swap == VB_UNLIMITED)
				snprintf(v, sizeof(v), "max");
			else
				snprintf(v, sizeof(v), "%" PRIu64, cg->memory_swap);
			r = write_limit(dir, "memory.swap.max", v, "--memory-swap", err);
		}
	}
	if (r == 0 && (ctrls & CG_CPU) && cg->cpus_milli) {
		snprintf(v, sizeof(v), "%" PRIu64 " 100000", cg_cpu_quota_us(cg));
		r = write_limit(dir, "cpu.max", v, "--cpus", err);
	}
	if (r == 0 && (ctrls & CG_CPU) && cg->cpu_weight) {
		snprintf(v, sizeof(v), "%u", cg->cpu_weight);
		r = write_limit(dir, "cpu.weight", v, "--cpu-weight", err);
	}
	if (r == 0 && (ctrls & CG_PIDS)) {
		if (cg->pids_max == VB_UNLIMITED)
			snprintf(v, sizeof(v), "max");
		else
			snprintf(v, sizeof(v), "%" PRIu64, cg->pids_max);
		r = write_limit(dir, "pids.max", v, "--pids-max", err);
	}
	if (r == 0 && (ctrls & CG_IO)) {
		snprintf(v, sizeof(v), "default %u", cg->io_weight);
		r = write_limit(dir, "io.weight", v, "--io-weight", err);
	}
	return r;
}

static int apply_v1(const struct vb_cg_config *cg, const char *dir, unsigned ctrls, vb_error *err)
{
	char v[64], path[PATH_MAX + 64];
	int r = 0;

	if (ctrls & CG_MEMORY) {
		if (cg->have_swap && !cg->have_memory)
			return CG_ERR(err, 0, "--memory-swap needs --memory with cgroup v1 (%s)",
				      dir);
		snprintf(v, sizeof(v), "%" PRIu64, cg->memory);
		r = write_limit(dir, "memory.limit_in_bytes", v, "--memory", err);
		if (r == 0 && cg->have_swap) {
			uint64_t both = cg->memory_swap == VB_UNLIMITED ||
							cg->memory_swap > UINT64_MAX - cg->memory
						? VB_UNLIMITED
						: cg->memory + cg->memory_swap;

			if (both == VB_UNLIMITED)
				snprintf(v, sizeof(v), "-1");
			else
				snprintf(v, sizeof(v), "%" PRIu64, both);
			r = write_limit(dir, "memory.memsw.limit_in_bytes", v, "--memory-swap",
					err);
		}
	}
	if (r == 0 && (ctrls & CG_CPU) && cg->cpus_milli) {
		r = write_limit(dir, "cpu.cfs_period_us", "100000", "--cpus", err);
		snprintf(v, sizeof(v), "%" PRIu64, cg_cpu_quota_us(cg));
		if (r == 0)
			r = write_limit(dir, "cpu.cfs_quota_us", v, "--cpus", err);
	}
	if (r == 0 && (ctrls & CG_CPU) && cg->cpu_weight) {
		/* systemd's mapping: weight 100 is 1024 shares. */
		unsigned shares = cg->cpu_weight * 1024 / 100;

		snprintf(v, sizeof(v), "%u", shares < 2 ? 2 : shares);
		r = write_limit(dir, "cpu.shares", v, "--cpu-weight", err);
	}
	if (r == 0 && (ctrls & CG_PIDS)) {
		if (cg->pids_max == VB_UNLIMITED)
			snprintf(v, sizeof(v), "max");
		else
			snprintf(v, sizeof(v), "%" PRIu64, cg->pids_max);
		r = write_limit(dir, "pids.max", v, "--pids-max", err);
	}
	if (r == 0 && (ctrls & CG_IO)) {
		/* io.weight is 1..10000 around 100.  CFQ's blkio.weight is
		 * 10..1000 around 500 (systemd's scaling: x5); BFQ's
		 * blkio.bfq.weight is 1..1000 around 100 (the range above
		 * 100 compressed). */
		unsigned x = cg->io_weight, w;

		snprintf(path, sizeof(path), "%s/blkio.weight", dir);
		if (access(path, F_OK) < 0) {
			snprintf(path, sizeof(path), "%s/blkio.bfq.weight", dir);
			if (access(path, F_OK) == 0) {
				w = x <= 100 ? x : 100 + (x - 100) * 900 / 9900;
				snprintf(v, sizeof(v), "%u", w);
				return write_limit(dir, "blkio.bfq.weight", v, "--io-weight", err);
			}
		}
		w = x * 5;
		w = w < 10 ? 10 : w > 1000 ? 1000 : w;
		snprintf(v, sizeof(v), "%u", w);
		r = write_limit(dir, "blkio.weight", v, "--io-weight", err);
	}
	return r;
}

/* Whether this process may move one of its children into a cgroup below
 * v2_base: cgroup v2 asks for write access to cgroup.procs of the common
 * ancestor of the source and the destination (the delegation boundary),
 * for CLONE_INTO_CGROUP too.  Opening the file checks exactly that
 * permission with the credentials in effect (fsuid in setuid mode). */
static bool v2_can_migrate(const struct vb_cg_config *cg, const char *v2_base)
{
	char self[PATH_MAX], common[PATH_MAX], path[PATH_MAX * 2 + 32], mnt[PATH_MAX],
		root[PATH_MAX];
	const char *target;
	size_t n = 0, i;
	int fd;

	if (!cg->parent)
		return access(v2_base, F_OK) == 0 &&
		       (snprintf(path, sizeof(path), "%s/cgroup.procs", v2_base),
			(fd = open(path, O_WRONLY | O_CLOEXEC)) >= 0) &&
		       close(fd) == 0;
	if (cg_self_path(NULL, self, sizeof(self)) < 0 ||
	    find_mount(NULL, mnt, sizeof(mnt), root, sizeof(root)) < 0)
		return false;
	target = cg->parent;
	/* The longest common prefix that ends at a path component. */
	for (i = 0; self[i] && self[i] == target[i]; i++)
		if (self[i] == '/')
			n = i;
	if ((self[i] == '\0' || self[i] == '/') && (target[i] == '\0' || target[i] == '/'))
		n = i;
	memcpy(common, self, n);
	common[n] = '\0';
	if (strcmp(root, "/") != 0) {
		size_t rl = strlen(root);

		if (strncmp(common, root, rl) != 0)
			return false;
		memmove(common, common + rl, strlen(common + rl) + 1);
	}
	snprintf(path, sizeof(path), "%s%s/cgroup.procs", mnt, common);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	(void)close(fd);
	return true;
}

int cg_prepare(struct vb_sandbox *sb, vb_error *err)
{
	const struct vb_cg_config *cg = sb->cfg->cg;
	struct vb_cg_state *cs;
	char base[PATH_MAX], name[64], v2_warning[VB_ERROR_MESSAGE_MAX + 64] = "";
	unsigned need, v2_ctrls = 0;
	int r, idx;

	if (!cg)
		return 0;
	if (vb_fault("cg-prepare") < 0)
		return CG_ERR(err, EIO, "cgroup setup");
	need = needed_ctrls(cg);
	cs = calloc(1, sizeof(*cs));
	if (!cs)
		return CG_ERR(err, ENOMEM, "Out of memory");
	cs->v2 = -1;
	cs->oom_fd = -1;
	for (size_t i = 0; i < ARRAY_SIZE(cs->by_ctrl); i++)
		cs->by_ctrl[i] = -1;
	sb->cg = cs;
	r = vb_rollback_push(&sb->rb, cg_state_free, sb, false);
	if (r < 0)
		return CG_ERR(err, -r, "Out of memory");
	/* The start time names the owner with the pid: a sweep must not take
	 * a recycled pid for a live vb, nor a live vb for a dead one. */
	snprintf(name, sizeof(name), "vb-%d-%llu-%u", (int)getpid(), self_start(),
		 __atomic_fetch_add(&name_counter, 1, __ATOMIC_RELAXED));

	/* cgroup v2: the sandbox's own cgroup, with the controllers it
	 * delegates. */
	r = parent_dir(cg, NULL, base, sizeof(base));
	if (r == 0)
		sweep_stale(base);
	if (r == 0 && !v2_can_migrate(cg, base)) {
		/* Not delegated to us: the v1 hierarchies may still be. */
		if (need & v2_available(base))
			vb_sandbox_warn(sb, false, "cgroup v2 at %s is not delegated to this user",
					base);
		r = -EACCES;
	}
	if (r == 0) {
		v2_ctrls = need & v2_available(base);
		if (v2_ctrls && (r = v2_enable(cs, base, v2_ctrls, !cg->parent, err)) < 0)
			return r;
		idx = make_dir(cs, 2, v2_ctrls, base, name, err);
		if (idx < 0 && v2_ctrls)
			return idx;
		if (idx >= 0) {
			cs->v2 = idx;
			snprintf(cs->v2_rel, sizeof(cs->v2_rel), "%s/%s",
				 cg->parent ? (strcmp(cg->parent, "/") ? cg->parent : "") : "",
				 name);
			if (!cg->parent) {
				char self[PATH_MAX];

				if (cg_self_path(NULL, self, sizeof(self)) == 0)
					snprintf(cs->v2_rel, sizeof(cs->v2_rel), "%s/%s",
						 strcmp(self, "/") ? self : "", name);
			}
			if ((r = apply_v2(cg, cs->dirs[idx].path, v2_ctrls, err)) < 0)
				return r;
			sb->cgroup_fd = open(cs->dirs[idx].path, O_PATH | O_DIRECTORY | O_CLOEXEC);
			if (sb->cgroup_fd < 0)
				return CG_ERR(err, errno, "Can't open cgroup %s",
					      cs->dirs[idx].path);
		} else {
			snprintf(v2_warning, sizeof(v2_warning),
				 "no cgroup v2 directory for the sandbox: %s: %s", err->message,
				 strerror(err->error));
		}
	}

	/* The rest in the v1 hierarchies. */
	for (size_t i = 0; i < ARRAY_SIZE(ctrl_names); i++) {
		unsigned bit = ctrl_names[i].bit;

		if (!(need & bit))
			continue;
		if (v2_ctrls & bit) {
			cs->by_ctrl[i] = cs->v2;
			continue;
		}
		r = parent_dir(cg, ctrl_names[i].v1, base, sizeof(base));
		if (r < 0)
			return CG_ERR(err, -r,
				      "%s: the %s controller is neither delegated in cgroup v2 nor "
				      "mounted as cgroup v1",
				      ctrl_names[i].flag, ctrl_names[i].v2);
		idx = make_dir(cs, 1, bit, base, name, err);
		if (idx < 0)
			return idx;
		cs->by_ctrl[i] = idx;
	}
	for (size_t i = 0; i < cs->n_dirs; i++)
		if (cs->dirs[i].version == 1 &&
		    (r = apply_v1(cg, cs->dirs[i].path, cs->dirs[i].ctrls, err)) < 0)
			return r;
	/* Said only once the whole setup worked: after an error, the error
	 * is all a caller should read. */
	if (v2_warning[0])
		vb_sandbox_warn(sb, true, "%s", v2_warning);
	return 0;
}

int cg_attach(struct vb_sandbox *sb, vb_error *err)
{
	struct vb_cg_state *cs = sb->cg;
	char pid[32], path[PATH_MAX + 64];
	int r;

	if (!cs)
		return 0;
	snprintf(pid, sizeof(pid), "%d", (int)sb->pid);
	for (size_t i = 0; i < cs->n_dirs; i++) {
		/* Cloned into the v2 cgroup already. */
		if ((int)i == cs->v2 && sb->cgroup_fd >= 0)
			continue;
		snprintf(path, sizeof(path), "%s/cgroup.procs", cs->dirs[i].path);
		r = vb_fault("cg-attach");
		if (r == 0)
			r = vb_write_file_at(AT_FDCWD, path, pid);
		if (r < 0)
			return CG_ERR(err, -r, "Can't move the sandbox into cgroup %s", path);
	}
	return 0;
}

/* ---- what the supervision module reads ------------------------------------ */

int cg_read_stats(struct vb_sandbox *sb, struct cg_stats *st)
{
	struct vb_cg_state *cs = sb->cg;
	int m;
	uint64_t v;

	if (!cs)
		return -ENOENT;
	memset(st, 0, sizeof(*st));
	if (cs->v2 >= 0) {
		const char *d = cs->dirs[cs->v2].path;

		if (read_key(d, "cpu.stat", "user_usec", &st->cpu_user_usec) == 0 &&
		    read_key(d, "cpu.stat", "system_usec", &st->cpu_system_usec) == 0)
			st->have_cpu = true;
	}
	m = cs->by_ctrl[0];
	if (m >= 0) {
		const char *d = cs->dirs[m].path;

		if (cs->dirs[m].version == 2) {
			st->have_peak = read_u64(d, "memory.peak", &st->peak_bytes) == 0;
			st->have_oom = read_key(d, "memory.events", "oom_kill", &v) == 0;
		} else {
			st->have_peak =
				read_u64(d, "memory.max_usage_in_bytes", &st->peak_bytes) == 0;
			st->have_oom = read_key(d, "memory.oom_control", "oom_kill", &v) == 0;
		}
		if (st->have_oom)
			st->oom_kills = v;
	}
	return 0;
}

int cg_oom_watch(struct vb_sandbox *sb, short *ret_events)
{
	struct vb_cg_state *cs = sb->cg;
	char path[PATH_MAX + 64], line[64];
	_cleanup_close_ int ofd = -1;
	int m, efd, r;

	if (!cs || (m = cs->by_ctrl[0]) < 0)
		return -ENOENT;
	if (cs->dirs[m].version == 2) {
		/* memory.events signals a change with POLLPRI. */
		snprintf(path, sizeof(path), "%s/memory.events", cs->dirs[m].path);
		efd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		if (efd < 0)
			return -errno;
		*ret_events = POLLPRI;
	} else {
		/* v1: an eventfd registered for memory.oom_control. */
		snprintf(path, sizeof(path), "%s/memory.oom_control", cs->dirs[m].path);
		ofd = open(path, O_RDONLY | O_CLOEXEC);
		if (ofd < 0)
			return -errno;
		efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (efd < 0)
			return -errno;
		snprintf(path, sizeof(path), "%s/cgroup.event_control", cs->dirs[m].path);
		snprintf(line, sizeof(line), "%d %d", efd, ofd);
		r = vb_write_file_at(AT_FDCWD, path, line);
		if (r < 0) {
			(void)close(efd);
			return r;
		}
		*ret_events = POLLIN;
	}
	cs->oom_fd = efd;
	return efd;
}
