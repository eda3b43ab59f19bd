/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vb oci: the OCI runtime command line (runc's and crun's forms), on top of
 * vb_spawn().
 *
 *   create   parses config.json, makes ROOT/ID/ and forks the holder, which
 *            calls vb_spawn() with the exec fifo as --block-fd: the child
 *            sets everything up, says ready (cfg->ready_fd) and waits.
 *            create writes the id maps (uidMappings need the child's pid),
 *            the sysctls, state.json and the pid file, runs the prestart and
 *            createRuntime hooks, and exits; the holder stays in vb_spawn().
 *   start    writes one byte into the fifo: the child loads seccomp and
 *            execs; vb_spawn() returns in the holder, which records the
 *            cgroups vb made (for delete) and exits without freeing the
 *            sandbox, so the container is reparented to the caller's
 *            subreaper (conmon), which reaps it and reads its status.
 *   delete   kills what is left, waits for the holder, removes the cgroups
 *            and ROOT/ID.
 *
 * Every command on one container takes a flock on ROOT/ID (shared for
 * state, exclusive otherwise); state.json is written to a temporary file
 * and renamed.  A container whose process is gone (or is another process
 * now: the start time is kept) is "stopped".  As runc, errors are one line
 * on stderr, and in --log (as JSON with --log-format json).
 */
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <jansson.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <time.h>
#include <unistd.h>

#include "configuration.h"
#include "oci.h"
#include "sandbox.h"
#include "supervise/cgroup.h"

#define OCI_VERSION "1.2.0"
#define MAX_CGROUPS 8

static const char *prog = "vb";
static struct {
	const char *root;
	const char *log;
	bool log_json;
	FILE *log_file;
} G;

/* ---- messages ---------------------------------------------------------------- */

static void log_line(const char *level, const char *msg)
{
	if (!G.log_file)
		return;
	if (G.log_json) {
		char ts[64];
		struct timespec now;
		struct tm tm;
		json_t *o;
		char *s;

		clock_gettime(CLOCK_REALTIME, &now);
		gmtime_r(&now.tv_sec, &tm);
		strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
		o = json_pack("{s:s, s:s, s:s}", "level", level, "msg", msg, "time", ts);
		s = o ? json_dumps(o, JSON_COMPACT) : NULL;
		if (s)
			fprintf(G.log_file, "%s\n", s);
		free(s);
		json_decref(o);
	} else {
		fprintf(G.log_file, "%s: %s\n", level, msg);
	}
	fflush(G.log_file);
}

__attribute__((format(printf, 1, 2))) static int fail(const char *fmt, ...)
{
	char msg[VB_ERROR_MESSAGE_MAX + 256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s: %s\n", prog, msg);
	log_line("error", msg);
	return EXIT_FAILURE;
}

static void err_text(const vb_error *err, char *buf, size_t size)
{
	if (err->error)
		snprintf(buf, size, "%s: %s", err->message, strerror(err->error));
	else
		snprintf(buf, size, "%s", err->message);
}

static int fail_err(const vb_error *err)
{
	char buf[VB_ERROR_MESSAGE_MAX + 64];

	err_text(err, buf, sizeof(buf));
	return fail("%s", buf);
}

static void log_cb(void *userdata, int level, const char *message)
{
	(void)userdata;
	if (level <= VB_LOG_WARNING) {
		fprintf(stderr, "%s: %s\n", prog, message);
		log_line("warning", message);
	}
}

/* ---- the state directory ------------------------------------------------- */

struct state {
	char id[256];
	char dir[PATH_MAX];
	int dirfd;
	pid_t pid;
	unsigned long long start_time;
	char bundle[PATH_MAX];
	char rootfs[PATH_MAX];
	char created[64];
	uid_t owner;
	json_t *annotations;
	char cgroups[MAX_CGROUPS][PATH_MAX];
	size_t n_cgroups;
};

static bool id_ok(const char *id)
{
	size_t n = strlen(id);

	if (n == 0 || n > 200 || id[0] == '.')
		return false;
	for (const char *p = id; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_+-.", *p))
			return false;
	return true;
}

static bool in_userns(void)
{
	char buf[128] = "";
	FILE *f = fopen("/proc/self/uid_map", "re");
	unsigned a, b, c;
	bool r;

	if (!f)
		return false;
	r = !fgets(buf, sizeof(buf), f) || sscanf(buf, "%u %u %u", &a, &b, &c) != 3 ||
	    !(a == 0 && b == 0 && c == 4294967295u);
	fclose(f);
	return r;
}

static const char *default_root(void)
{
	static char buf[PATH_MAX];
	const char *xdg = getenv("XDG_RUNTIME_DIR");

	if (geteuid() == 0 && !(in_userns() && xdg && *xdg))
		return "/run/vb";
	if (xdg && *xdg) {
		snprintf(buf, sizeof(buf), "%s/vb", xdg);
		return buf;
	}
	snprintf(buf, sizeof(buf), "/tmp/vb-%u", (unsigned)geteuid());
	return buf;
}

/* The start time of pid (field 22 of /proc/PID/stat), 0 when gone or a zombie. */
static unsigned long long proc_start_time(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long t = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	(void)close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ' || p[2] == 'Z' || p[2] == 'X')
		return 0;
	/* state is field 3; starttime field 22 */
	p += 2;
	for (int f = 3; f < 22 && p; f++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	if (p)
		t = strtoull(p, NULL, 10);
	return t;
}

static bool state_alive(const struct state *st)
{
	return st->pid > 0 && st->start_time && proc_start_time(st->pid) == st->start_time;
}

static const char *state_status(const struct state *st)
{
	if (!state_alive(st))
		return "stopped";
	if (faccessat(st->dirfd, "exec.fifo", F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		return "created";
	for (size_t i = 0; i < st->n_cgroups; i++) {
		char path[PATH_MAX + 32], b[8] = "";
		int fd;

		snprintf(path, sizeof(path), "%s/cgroup.freeze", st->cgroups[i]);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			ssize_t n = read(fd, b, sizeof(b) - 1);

			(void)close(fd);
			if (n > 0 && b[0] == '1')
				return "paused";
		}
	}
	return "running";
}

/* Opens and locks ROOT/ID; fills st from state.json when it is there. */
static int state_open(const char *id, int lock, struct state *st, bool need_state)
{
	json_error_t jerr;
	json_t *doc, *cg, *v;
	char path[PATH_MAX + 32];
	size_t i;

	memset(st, 0, sizeof(*st));
	st->dirfd = -1;
	if (!id_ok(id))
		return -fail("invalid container id '%s'", id);
	snprintf(st->id, sizeof(st->id), "%s", id);
	if ((size_t)snprintf(st->dir, sizeof(st->dir), "%s/%s", G.root, id) >= sizeof(st->dir))
		return -fail("--root path too long");
	st->dirfd = open(st->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (st->dirfd < 0) {
		if (errno == ENOENT)
			return -fail("container %s does not exist", id);
		return -fail("Can't open %s: %s", st->dir, strerror(errno));
	}
	while (flock(st->dirfd, lock) < 0)
		if (errno != EINTR)
			return -fail("Can't lock %s: %s", st->dir, strerror(errno));
	if (!need_state)
		return 0;
	snprintf(path, sizeof(path), "%s/state.json", st->dir);
	doc = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!doc) {
		if (access(path, F_OK) < 0)
			return -fail("container %s does not exist", id);
		return -fail("%s: %s", path, jerr.text);
	}
	st->pid = (pid_t)json_integer_value(json_object_get(doc, "pid"));
	st->start_time = (unsigned long long)json_integer_value(json_object_get(doc, "start_time"));
	st->owner = (uid_t)json_integer_value(json_object_get(doc, "owner"));
	snprintf(st->bundle, sizeof(st->bundle), "%s",
		 json_string_value(json_object_get(doc, "bundle")) ?: "");
	snprintf(st->rootfs, sizeof(st->rootfs), "%s",
		 json_string_value(json_object_get(doc, "rootfs")) ?: "");
	snprintf(st->created, sizeof(st->created), "%s",
		 json_string_value(json_object_get(doc, "created")) ?: "");
	v = json_object_get(doc, "annotations");
	st->annotations = json_is_object(v) ? json_incref(v) : json_object();
	json_decref(doc);
	/* The cgroups the holder recorded once vb_spawn() returned. */
	snprintf(path, sizeof(path), "%s/cgroups.json", st->dir);
	cg = json_load_file(path, 0, &jerr);
	json_array_foreach(cg, i, v) if (json_is_string(v) && st->n_cgroups < MAX_CGROUPS)
		snprintf(st->cgroups[st->n_cgroups++], PATH_MAX, "%s", json_string_value(v));
	json_decref(cg);
	return 0;
}

static void state_close(struct state *st)
{
	if (st->dirfd >= 0)
		(void)close(st->dirfd);
	st->dirfd = -1;
	json_decref(st->annotations);
	st->annotations = NULL;
}

/* Writes name in dirfd atomically: a temporary file, fsync'd, renamed. */
static int write_atomic(int dirfd, const char *name, const char *data)
{
	char tmp[NAME_MAX];
	int fd, r;

	snprintf(tmp, sizeof(tmp), ".%s.%d", name, (int)getpid());
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	r = vb_write_all(fd, data, strlen(data));
	if (r == 0 && fsync(fd) < 0)
		r = -errno;
	(void)close(fd);
	if (r == 0 && renameat(dirfd, tmp, dirfd, name) < 0)
		r = -errno;
	if (r < 0)
		(void)unlinkat(dirfd, tmp, 0);
	return r;
}

static json_t *state_json(const struct state *st)
{
	bool alive = state_alive(st);

	return json_pack("{s:s, s:s, s:s, s:i, s:s, s:s, s:s, s:s, s:O}", "ociVersion", OCI_VERSION,
			 "id", st->id, "status", state_status(st), "pid", alive ? (int)st->pid : 0,
			 "bundle", st->bundle, "rootfs", st->rootfs, "created", st->created,
			 "owner", "", "annotations", st->annotations ?: json_object());
}

static int state_save(const struct state *st)
{
	json_t *o = json_pack("{s:i, s:I, s:s, s:s, s:s, s:i, s:O}", "pid", (int)st->pid,
			      "start_time", (json_int_t)st->start_time, "bundle", st->bundle,
			      "rootfs", st->rootfs, "created", st->created, "owner", (int)st->owner,
			      "annotations", st->annotations ?: json_object());
	char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
	int r = s ? write_atomic(st->dirfd, "state.json", s) : -ENOMEM;

	free(s);
	json_decref(o);
	return r;
}

/* Removes the state directory's files and the directory. */
static void state_remove(struct state *st)
{
	DIR *d;
	struct dirent *de;
	int fd = st->dirfd >= 0 ? dup(st->dirfd) : -1;

	if (fd >= 0 && (d = fdopendir(fd))) {
		while ((de = readdir(d)))
			if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
				(void)unlinkat(st->dirfd, de->d_name, 0);
		closedir(d);
	} else if (fd >= 0) {
		(void)close(fd);
	}
	(void)rmdir(st->dir);
}

/* ---- hooks --------------------------------------------------------------- */

static int run_hooks(const struct oci_spec *spec, int kind, const struct state *st)
{
	json_t *o;
	char *s;
	int r = 0;

	if (!spec || spec->n_hooks[kind] == 0)
		return 0;
	o = state_json(st);
	s = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (!s)
		return -ENOMEM;
	for (size_t i = 0; i < spec->n_hooks[kind] && r == 0; i++) {
		const struct oci_hook *h = &spec->hooks[kind][i];
		char *argv1[] = { h->path, NULL }, *envp0[] = { NULL };
		int p[2], status;
		pid_t pid;

		if (pipe2(p, O_CLOEXEC) < 0)
			return -errno;
		pid = fork();
		if (pid < 0) {
			r = -errno;
			(void)close(p[0]);
			(void)close(p[1]);
			break;
		}
		if (pid == 0) {
			(void)dup2(p[0], 0);
			if (h->timeout)
				alarm((unsigned)h->timeout);
			execve(h->path, h->args ?: argv1, h->env ?: envp0);
			_exit(127);
		}
		(void)close(p[0]);
		(void)vb_write_all(p[1], s, strlen(s));
		(void)close(p[1]);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			fail("hook %s failed (status %d)", h->path,
			     WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
			r = -EIO;
		}
	}
	free(s);
	return r;
}

/* ---- cgroups the holder recorded ----------------------------------------- */

static void cgroups_kill(const struct state *st, int sig)
{
	for (size_t i = 0; i < st->n_cgroups; i++) {
		char path[PATH_MAX + 32];
		FILE *f;
		int pid;

		snprintf(path, sizeof(path), "%s/cgroup.procs", st->cgroups[i]);
		f = fopen(path, "re");
		if (!f)
			continue;
		while (fscanf(f, "%d", &pid) == 1)
			if (pid > 0)
				(void)kill(pid, sig);
		fclose(f);
	}
}

static void cgroups_remove(const struct state *st)
{
	for (int tries = 0; tries < 100; tries++) {
		bool left = false;

		for (size_t i = 0; i < st->n_cgroups; i++)
			if (rmdir(st->cgroups[i]) < 0 && errno != ENOENT)
				left = true;
		if (!left)
			return;
		cgroups_kill(st, SIGKILL);
		usleep(20000);
	}
}

/* The pids of the container: its cgroups' members, else the processes in
 * its pid namespace, else the one pid. */
static size_t container_pids(const struct state *st, pid_t *pids, size_t max)
{
	char path[PATH_MAX + 32], self_ns[64] = "", ns[64];
	size_t n = 0;
	ssize_t len;
	DIR *d;
	struct dirent *de;

	if (!state_alive(st))
		return 0;
	for (size_t i = 0; i < st->n_cgroups; i++) {
		FILE *f;
		int pid;

		snprintf(path, sizeof(path), "%s/cgroup.procs", st->cgroups[i]);
		if (!(f = fopen(path, "re")))
			continue;
		while (fscanf(f, "%d", &pid) == 1 && n < max) {
			bool dup = false;

			for (size_t k = 0; k < n; k++)
				dup |= pids[k] == pid;
			if (!dup)
				pids[n++] = pid;
		}
		fclose(f);
	}
	if (n > 0)
		return n;
	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)st->pid);
	len = readlink(path, ns, sizeof(ns) - 1);
	ns[len > 0 ? len : 0] = '\0';
	len = readlink("/proc/self/ns/pid", self_ns, sizeof(self_ns) - 1);
	self_ns[len > 0 ? len : 0] = '\0';
	if (!*ns || strcmp(ns, self_ns) == 0 || !(d = opendir("/proc"))) {
		pids[n++] = st->pid;
		return n;
	}
	while ((de = readdir(d)) && n < max) {
		char other[64];
		int pid = atoi(de->d_name);

		if (pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/ns/pid", pid);
		len = readlink(path, other, sizeof(other) - 1);
		if (len <= 0)
			continue;
		other[len] = '\0';
		if (strcmp(other, ns) == 0)
			pids[n++] = pid;
	}
	closedir(d);
	return n;
}

/* ---- create -------------------------------------------------------------- */

struct create_opts {
	const char *bundle;
	const char *pid_file;
	const char *console_socket;
	int preserve_fds;
	bool detach; /* run -d */
};

static int write_pid_file(const char *path, pid_t pid)
{
	char buf[32], dir[PATH_MAX], *slash;
	int dfd, r;

	snprintf(buf, sizeof(buf), "%d", (int)pid);
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash == dir)
		dir[1] = '\0';
	else if (slash)
		*slash = '\0';
	else
		snprintf(dir, sizeof(dir), ".");
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	r = write_atomic(dfd, slash ? slash + 1 : path, buf);
	(void)close(dfd);
	return r;
}

static int write_id_maps(pid_t pid, const struct oci_spec *spec, char *msg, size_t msize)
{
	for (int g = 0; g < 2; g++) {
		const struct oci_idmap *m = g ? spec->gid_maps : spec->uid_maps;
		size_t n = g ? spec->n_gid_maps : spec->n_uid_maps;
		char path[64], buf[OCI_MAX_IDMAPS * 40] = "";
		size_t len = 0;
		int r;

		if (n == 0)
			continue;
		for (size_t i = 0; i < n; i++)
			len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%u %u %u\n",
						m[i].container, m[i].host, m[i].size);
		if (geteuid() == 0 && !in_userns()) {
			snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid,
				 g ? "gid_map" : "uid_map");
			if (g) {
				snprintf(path, sizeof(path), "/proc/%d/setgroups", (int)pid);
				(void)vb_write_file_at(AT_FDCWD, path, "allow");
				snprintf(path, sizeof(path), "/proc/%d/gid_map", (int)pid);
			}
			r = vb_write_file_at(AT_FDCWD, path, buf);
			if (r < 0) {
				snprintf(msg, msize, "writing %s: %s", path, strerror(-r));
				return r;
			}
		} else {
			/* newuidmap/newgidmap: /etc/subuid's grants. */
			char *argv[3 + 3 * OCI_MAX_IDMAPS + 1];
			char nums[3 * OCI_MAX_IDMAPS + 1][16];
			int k = 0, status;
			pid_t c;

			argv[k++] = g ? "newgidmap" : "newuidmap";
			snprintf(nums[0], sizeof(nums[0]), "%d", (int)pid);
			argv[k++] = nums[0];
			for (size_t i = 0; i < n; i++) {
				snprintf(nums[1 + 3 * i], 16, "%u", m[i].container);
				snprintf(nums[2 + 3 * i], 16, "%u", m[i].host);
				snprintf(nums[3 + 3 * i], 16, "%u", m[i].size);
				argv[k++] = nums[1 + 3 * i];
				argv[k++] = nums[2 + 3 * i];
				argv[k++] = nums[3 + 3 * i];
			}
			argv[k] = NULL;
			c = fork();
			if (c == 0) {
				execvp(argv[0], argv);
				_exit(127);
			}
			if (c < 0 || waitpid(c, &status, 0) < 0 || !WIFEXITED(status) ||
			    WEXITSTATUS(status) != 0) {
				snprintf(msg, msize, "%s failed for the %cidMappings", argv[0],
					 g ? 'g' : 'u');
				return -EPERM;
			}
		}
	}
	return 0;
}

/* sysctls are written from inside the container's namespaces (net.* are
 * per network namespace, kernel.msg* etc. per ipc namespace). */
static int apply_sysctls(pid_t pid, const struct oci_spec *spec, char *msg, size_t msize)
{
	int p[2], status;
	pid_t c;

	if (spec->n_sysctl == 0)
		return 0;
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	c = fork();
	if (c == 0) {
		static const char *const nss[] = { "user", "net", "ipc", "uts" };
		char m[512] = "";

		(void)close(p[0]);
		for (size_t i = 0; i < ARRAY_SIZE(nss); i++) {
			char path[64], a[64] = "", b[64] = "";
			int fd;

			snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, nss[i]);
			(void)!readlink(path, a, sizeof(a) - 1);
			snprintf(b, sizeof(b), "/proc/self/ns/%s", nss[i]);
			{
				char bb[64] = "";
				(void)!readlink(b, bb, sizeof(bb) - 1);
				if (strcmp(a, bb) == 0)
					continue;
			}
			fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd < 0 || setns(fd, 0) < 0) {
				snprintf(m, sizeof(m), "linux.sysctl: joining the %s namespace: %s",
					 nss[i], strerror(errno));
				(void)!write(p[1], m, strlen(m));
				_exit(1);
			}
			(void)close(fd);
		}
		for (size_t i = 0; i < spec->n_sysctl; i++) {
			char path[PATH_MAX];
			int r;

			snprintf(path, sizeof(path), "/proc/sys/%s", spec->sysctl[2 * i]);
			for (char *q = path + 10; *q; q++)
				if (*q == '.')
					*q = '/';
			r = vb_write_file_at(AT_FDCWD, path, spec->sysctl[2 * i + 1]);
			if (r < 0) {
				snprintf(m, sizeof(m), "linux.sysctl: %s: %s", spec->sysctl[2 * i],
					 strerror(-r));
				(void)!write(p[1], m, strlen(m));
				_exit(1);
			}
		}
		_exit(0);
	}
	(void)close(p[1]);
	if (c < 0) {
		(void)close(p[0]);
		return -errno;
	}
	{
		ssize_t n = read(p[0], msg, msize - 1);

		msg[n > 0 ? n : 0] = '\0';
	}
	(void)close(p[0]);
	while (waitpid(c, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EIO;
}

/* The container sees its own cgroups as the roots of the hierarchies, as
 * with runc: each hierarchy mounted below /sys/fs/cgroup where the
 * container's cgroup is one vb made (not create's own) gets that cgroup
 * bound over it, read-only, inside the container's mount namespace.  The
 * host's /sys is there read-only already, so the source is visible. */
static void bind_cgroups(pid_t pid)
{
	char self[64], path[64], line[PATH_MAX + 64];
	struct {
		char ctrls[128], cg[PATH_MAX];
	} cgs[16];
	size_t n = 0;
	FILE *f;
	pid_t c;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	f = fopen(path, "re");
	while (f && n < ARRAY_SIZE(cgs) && fgets(line, sizeof(line), f)) {
		char *a = strchr(line, ':'), *b = a ? strchr(a + 1, ':') : NULL;
		char mine[PATH_MAX + 64] = "";
		FILE *s;

		if (!b)
			continue;
		*b = '\0';
		b[strcspn(b + 1, "\n") + 1] = '\0';
		/* The same hierarchy in our own /proc/self/cgroup. */
		s = fopen("/proc/self/cgroup", "re");
		while (s && fgets(mine, sizeof(mine), s)) {
			char *ma = strchr(mine, ':'), *mb = ma ? strchr(ma + 1, ':') : NULL;

			if (mb && (size_t)(mb - ma - 1) == strlen(a + 1) &&
			    strncmp(ma + 1, a + 1, strlen(a + 1)) == 0) {
				mb[strcspn(mb, "\n")] = '\0';
				if (strcmp(mb + 1, b + 1) == 0)
					b = NULL;
				break;
			}
		}
		if (s)
			fclose(s);
		if (!b || strcmp(b + 1, "/") == 0)
			continue;
		snprintf(cgs[n].ctrls, sizeof(cgs[n].ctrls), "%s", a + 1);
		snprintf(cgs[n].cg, sizeof(cgs[n].cg), "%s", b + 1);
		n++;
	}
	if (f)
		fclose(f);
	if (n == 0)
		return;
	snprintf(self, sizeof(self), "/proc/%d/ns/mnt", (int)pid);
	/* The container's mounts, read here: inside, /proc is its pid
	 * namespace's, where we have no /proc/self. */
	snprintf(path, sizeof(path), "/proc/%d/mountinfo", (int)pid);
	c = fork();
	if (c == 0) {
		char mi[PATH_MAX * 2];
		FILE *m = fopen(path, "re");
		int fd = open(self, O_RDONLY | O_CLOEXEC);

		if (!m || fd < 0 || setns(fd, CLONE_NEWNS) < 0)
			_exit(1);
		while (m && fgets(mi, sizeof(mi), m)) {
			char root[PATH_MAX], mnt[PATH_MAX], fstype[32], opts[512];
			char *dash = strstr(mi, " - ");

			if (!dash || sscanf(mi, "%*s %*s %*s %4095s %4095s", root, mnt) != 2 ||
			    sscanf(dash + 3, "%31s %*s %511s", fstype, opts) != 2 ||
			    strncmp(mnt, "/sys/fs/cgroup", 14) != 0 || strcmp(root, "/") != 0)
				continue;
			for (size_t i = 0; i < n; i++) {
				char src[PATH_MAX * 2];
				bool match;

				if (strcmp(fstype, "cgroup2") == 0)
					match = cgs[i].ctrls[0] == '\0';
				else if (strcmp(fstype, "cgroup") == 0) {
					/* every controller of the line among the options */
					char want[160], *tok, *save = NULL;

					snprintf(want, sizeof(want), "%.150s", cgs[i].ctrls);
					match = want[0] != '\0';
					char hay[600];

					snprintf(hay, sizeof(hay), ",%s,", opts);
					for (tok = strtok_r(want, ",", &save); tok && match;
					     tok = strtok_r(NULL, ",", &save)) {
						char needle[64];

						snprintf(needle, sizeof(needle), ",%.60s,", tok);
						match = strstr(hay, needle) != NULL;
					}
				} else
					match = false;
				if (!match)
					continue;
				snprintf(src, sizeof(src), "%s%s", mnt, cgs[i].cg);
				if (mount(src, mnt, NULL, MS_BIND | MS_REC, NULL) == 0)
					(void)mount(NULL, mnt, NULL,
						    MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID |
							    MS_NODEV | MS_NOEXEC,
						    NULL);
			}
		}
		_exit(0);
	}
	if (c > 0)
		while (waitpid(c, NULL, 0) < 0 && errno == EINTR)
			;
}

/* The mounts config.json wants nosuid, nodev or noexec and vb's ops did not
 * make so: remounted inside the container's namespaces (user first, for
 * the capability there), keeping the flags each has.  A mount that cannot
 * be given them fails create. */
static int apply_remounts(pid_t pid, const struct oci_spec *spec, char *msg, size_t msize)
{
	int p[2], status;
	pid_t c;

	if (spec->n_remounts == 0)
		return 0;
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	c = fork();
	if (c == 0) {
		static const char *const nss[] = { "user", "mnt" };
		char m[512];

		(void)close(p[0]);
		for (size_t i = 0; i < ARRAY_SIZE(nss); i++) {
			char path[64], a[64] = "", b[64] = "";
			int fd;

			snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, nss[i]);
			(void)!readlink(path, a, sizeof(a) - 1);
			snprintf(m, sizeof(m), "/proc/self/ns/%s", nss[i]);
			(void)!readlink(m, b, sizeof(b) - 1);
			if (strcmp(a, b) == 0)
				continue;
			fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd < 0 || setns(fd, 0) < 0) {
				snprintf(m, sizeof(m), "mounts: joining the %s namespace: %s",
					 nss[i], strerror(errno));
				(void)!write(p[1], m, strlen(m));
				_exit(1);
			}
			(void)close(fd);
		}
		for (size_t i = 0; i < spec->n_remounts; i++) {
			static const struct {
				unsigned long st, ms;
			} map[] = {
				{ ST_RDONLY, MS_RDONLY },         { ST_NOSUID, MS_NOSUID },
				{ ST_NODEV, MS_NODEV },           { ST_NOATIME, MS_NOATIME },
				{ ST_NODIRATIME, MS_NODIRATIME }, { ST_RELATIME, MS_RELATIME }
			};
			const struct oci_remount *rm = &spec->remounts[i];
			unsigned long have = 0;
			struct statvfs sv;

			if (statvfs(rm->dest, &sv) < 0)
				continue; /* a path the mounts did not make */
			for (size_t k = 0; k < ARRAY_SIZE(map); k++)
				if (sv.f_flag & map[k].st)
					have |= map[k].ms;
			if ((have & rm->flags) == rm->flags)
				continue;
			if (mount(NULL, rm->dest, NULL, MS_REMOUNT | MS_BIND | have | rm->flags,
				  NULL) < 0) {
				snprintf(m, sizeof(m),
					 "mounts: remounting %s nosuid, nodev, noexec: %s",
					 rm->dest, strerror(errno));
				(void)!write(p[1], m, strlen(m));
				_exit(1);
			}
		}
		_exit(0);
	}
	(void)close(p[1]);
	if (c < 0) {
		(void)close(p[0]);
		return -errno;
	}
	{
		ssize_t n = read(p[0], msg, msize - 1);

		msg[n > 0 ? n : 0] = '\0';
	}
	(void)close(p[0]);
	while (waitpid(c, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EIO;
}

/* --console-socket: a pty whose master goes to the socket (SCM_RIGHTS), the
 * slave becomes the holder's, so the container's, stdio. */
static int console_setup(const char *sock_path, char *msg, size_t msize)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = "/dev/ptmx", .iov_len = 9 };
	struct msghdr mh = { .msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;
	int master, slave, s;

	master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0) {
		snprintf(msg, msize, "console: %s", strerror(errno));
		return -errno;
	}
	slave = open(ptsname(master), O_RDWR | O_NOCTTY);
	if (slave < 0) {
		snprintf(msg, msize, "console: %s", strerror(errno));
		return -errno;
	}
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (strlen(sock_path) >= sizeof(sa.sun_path)) {
		snprintf(msg, msize, "--console-socket: path too long");
		return -ENAMETOOLONG;
	}
	memcpy(sa.sun_path, sock_path, strlen(sock_path));
	if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		snprintf(msg, msize, "--console-socket %s: %s", sock_path, strerror(errno));
		return -errno;
	}
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &master, sizeof(int));
	if (sendmsg(s, &mh, 0) < 0) {
		snprintf(msg, msize, "--console-socket %s: %s", sock_path, strerror(errno));
		return -errno;
	}
	(void)close(s);
	(void)close(master);
	for (int i = 0; i < 3; i++)
		(void)dup2(slave, i);
	if (slave > 2)
		(void)close(slave);
	return 0;
}

static void now_rfc3339(char *buf, size_t size)
{
	struct timespec now;
	struct tm tm;
	char base[48];

	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, size, "%s.%09ldZ", base, now.tv_nsec);
}

static pid_t read_info_pid(int fd)
{
	char buf[4096];
	size_t len = 0;
	ssize_t n;
	const char *p;

	/* Up to the closing brace: the sandbox's child holds the write end
	 * until it execs. */
	while (len < sizeof(buf) - 1 && !memchr(buf, '}', len) &&
	       (n = read(fd, buf + len, sizeof(buf) - 1 - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		len += (size_t)n;
	}
	buf[len] = '\0';
	p = strstr(buf, "\"child-pid\":");
	return p ? (pid_t)atoi(p + 12) : -1;
}

/* The holder: vb_spawn() until the container execs (after start). */
_Noreturn static void holder(vb_config *cfg, const struct oci_spec *spec, int dirfd, int errfd,
			     const char *console)
{
	char msg[VB_ERROR_MESSAGE_MAX + 64];
	vb_sandbox *sb = NULL;
	vb_error err = { 0 };
	int hfd;

	(void)setsid();
	/* A descriptor of our own: the inherited one carries create's lock,
	 * which must end when create does. */
	{
		char self[64];
		int fd;

		snprintf(self, sizeof(self), "/proc/self/fd/%d", dirfd);
		fd = open(self, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		(void)close(dirfd);
		dirfd = fd;
	}
	hfd = openat(dirfd, "holder", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (hfd >= 0)
		(void)flock(hfd, LOCK_EX);
	if (console && console_setup(console, msg, sizeof(msg)) < 0)
		goto failed;
	if (spec->have_umask)
		umask(spec->umask);
	if (spec->have_oom_score_adj) {
		char v[16];

		snprintf(v, sizeof(v), "%d", spec->oom_score_adj);
		if (vb_write_file_at(AT_FDCWD, "/proc/self/oom_score_adj", v) < 0) {
			snprintf(msg, sizeof(msg), "process.oomScoreAdj: %s", strerror(errno));
			goto failed;
		}
	}
	/* vb trims the bounding set only in a user namespace or for an
	 * ordinary user; as root the container's is the bounding set asked
	 * for too.  What the child needs for setup it has in its effective
	 * set, which this does not touch.  Without CAP_SETPCAP (an ordinary
	 * user) vb's own user namespace trims it. */
	if (cfg->caps_set)
		for (int c = 0; c <= CAP_LAST_CAP; c++)
			if (!(cfg->caps_add & (1ull << c)) &&
			    prctl(PR_CAPBSET_READ, c, 0, 0, 0) == 1 &&
			    prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EPERM) {
				snprintf(msg, sizeof(msg), "process.capabilities.bounding: %s",
					 strerror(errno));
				goto failed;
			}
	/* vb leaves the supplementary groups as they are: set them here. */
	if (spec->n_groups && setgroups(spec->n_groups, spec->groups) < 0) {
		snprintf(msg, sizeof(msg), "process.user.additionalGids: setgroups: %s",
			 strerror(errno));
		goto failed;
	}
	if (vb_spawn(cfg, &sb, &err) < 0) {
		err_text(&err, msg, sizeof(msg));
		goto failed;
	}
	(void)close(errfd);
	/* What delete must remove: vb's cgroups for this container. */
	if (sb->cg) {
		json_t *a = json_array();
		char *s;

		for (size_t i = 0; i < sb->cg->n_dirs; i++)
			json_array_append_new(a, json_string(sb->cg->dirs[i].path));
		if (sb->cg->leaf[0])
			json_array_append_new(a, json_string(sb->cg->leaf));
		s = json_dumps(a, JSON_COMPACT);
		if (s)
			(void)write_atomic(dirfd, "cgroups.json", s);
	}
	/* Not vb_sandbox_free(): the container lives on without us. */
	_exit(0);
failed:
	(void)vb_write_all(errfd, msg, strlen(msg));
	_exit(1);
}

static void cleanup_failed(struct state *st, pid_t holder_pid, pid_t cpid)
{
	int status;

	if (cpid > 0)
		(void)kill(cpid, SIGKILL);
	if (holder_pid > 0)
		while (waitpid(holder_pid, &status, 0) < 0 && errno == EINTR)
			;
	{
		struct state tmp;

		/* Re-read the cgroups the holder may have recorded. */
		char path[PATH_MAX + 32];
		json_error_t jerr;
		json_t *cg, *v;
		size_t i;

		memset(&tmp, 0, sizeof(tmp));
		snprintf(path, sizeof(path), "%s/cgroups.json", st->dir);
		cg = json_load_file(path, 0, &jerr);
		json_array_foreach(cg, i, v) if (json_is_string(v) && tmp.n_cgroups < MAX_CGROUPS)
			snprintf(tmp.cgroups[tmp.n_cgroups++], PATH_MAX, "%s",
				 json_string_value(v));
		json_decref(cg);
		cgroups_kill(&tmp, SIGKILL);
		cgroups_remove(&tmp);
	}
	state_remove(st);
}

static int do_create(const char *id, const struct create_opts *o, struct state *ret_st,
		     struct oci_spec **ret_spec)
{
	char bundle[PATH_MAX], msg[VB_ERROR_MESSAGE_MAX + 128] = "";
	struct oci_spec *spec = NULL;
	struct state st = { .dirfd = -1 };
	int info[2], ready[2], errp[2], ublock[2] = { -1, -1 }, fifo;
	vb_error err = { 0 };
	vb_config *cfg;
	pid_t h, cpid = -1;
	char b;
	ssize_t n;
	int r;

	if (!id_ok(id))
		return fail("invalid container id '%s'", id);
	if (!realpath(o->bundle ?: ".", bundle))
		return fail("bundle %s: %s", o->bundle ?: ".", strerror(errno));
	/* The caller's fds beyond --preserve-fds are not the container's. */
	(void)syscall(SYS_close_range, 3 + o->preserve_fds, ~0u, 4 /* CLOSE_RANGE_CLOEXEC */);

	cfg = vb_config_new();
	if (!cfg)
		return fail("Out of memory");
	vb_config_set_log_fn(cfg, log_cb, NULL);
	if (oci_spec_load(bundle, cfg, &spec, &err) < 0)
		return fail_err(&err);
	if ((cfg->unshare & VB_NS_PID) && vb_config_set_as_pid_1(cfg, true, &err) < 0)
		return fail_err(&err);
	if (spec->ns_path[OCI_NS_NET]) {
		char net[PATH_MAX + 4];

		snprintf(net, sizeof(net), "ns:%s", spec->ns_path[OCI_NS_NET]);
		if (vb_config_net(cfg, net, &err) < 0)
			return fail_err(&err);
	}
	for (int k = 0; k < 2; k++) {
		const char *p = spec->ns_path[k ? OCI_NS_PID : OCI_NS_USER];
		int fd;

		if (!p)
			continue;
		fd = open(p, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return fail("linux.namespaces: %s: %s", p, strerror(errno));
		if ((k ? vb_config_set_pidns_fd(cfg, fd, &err)
		       : vb_config_set_userns_fd(cfg, fd, &err)) < 0)
			return fail_err(&err);
	}
	if (pipe2(info, O_CLOEXEC) < 0 || pipe2(ready, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0)
		return fail("pipe: %s", strerror(errno));
	if (vb_config_set_info_fd(cfg, info[1], &err) < 0)
		return fail_err(&err);
	if (spec->userns && (spec->n_uid_maps || spec->n_gid_maps)) {
		if (pipe2(ublock, O_CLOEXEC) < 0)
			return fail("pipe: %s", strerror(errno));
		if (vb_config_set_userns_block_fd(cfg, ublock[0], &err) < 0)
			return fail_err(&err);
	}
	cfg->ready_fd = ready[1];
	if (vb_config_validate(cfg, &err) < 0)
		return fail_err(&err);

	if (mkdir(G.root, 0700) < 0 && errno != EEXIST)
		return fail("--root %s: %s", G.root, strerror(errno));
	snprintf(st.id, sizeof(st.id), "%s", id);
	snprintf(st.dir, sizeof(st.dir), "%s/%s", G.root, id);
	if (mkdir(st.dir, 0700) < 0) {
		if (errno == EEXIST)
			return fail("container %s already exists", id);
		return fail("%s: %s", st.dir, strerror(errno));
	}
	st.dirfd = open(st.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (st.dirfd < 0 || flock(st.dirfd, LOCK_EX) < 0) {
		r = fail("%s: %s", st.dir, strerror(errno));
		state_remove(&st);
		return r;
	}
	if (mkfifoat(st.dirfd, "exec.fifo", 0600) < 0 ||
	    (fifo = openat(st.dirfd, "exec.fifo", O_RDWR | O_CLOEXEC)) < 0) {
		r = fail("exec.fifo: %s", strerror(errno));
		state_remove(&st);
		return r;
	}
	if (vb_config_set_block_fd(cfg, fifo, &err) < 0) {
		state_remove(&st);
		return fail_err(&err);
	}

	h = fork();
	if (h < 0) {
		state_remove(&st);
		return fail("fork: %s", strerror(errno));
	}
	if (h == 0) {
		(void)close(info[0]);
		(void)close(ready[0]);
		(void)close(errp[0]);
		if (ublock[1] >= 0)
			(void)close(ublock[1]);
		holder(cfg, spec, st.dirfd, errp[1], o->console_socket);
	}
	(void)close(info[1]);
	(void)close(ready[1]);
	(void)close(errp[1]);
	(void)close(fifo);
	if (ublock[0] >= 0)
		(void)close(ublock[0]);

	cpid = read_info_pid(info[0]);
	(void)close(info[0]);
	if (cpid > 0 && ublock[1] >= 0) {
		if (write_id_maps(cpid, spec, msg, sizeof(msg)) < 0)
			goto failed;
		(void)vb_write_all(ublock[1], "m", 1);
		(void)close(ublock[1]);
	}
	do
		n = read(ready[0], &b, 1);
	while (n < 0 && errno == EINTR);
	(void)close(ready[0]);
	if (n != 1 || cpid <= 0)
		goto failed_read;
	if (apply_sysctls(cpid, spec, msg, sizeof(msg)) < 0)
		goto failed;
	bind_cgroups(cpid);
	if (apply_remounts(cpid, spec, msg, sizeof(msg)) < 0)
		goto failed;
	st.pid = cpid;
	st.start_time = proc_start_time(cpid);
	snprintf(st.bundle, sizeof(st.bundle), "%s", bundle);
	snprintf(st.rootfs, sizeof(st.rootfs), "%s", spec->root);
	now_rfc3339(st.created, sizeof(st.created));
	st.owner = geteuid();
	{
		char path[PATH_MAX + 16];
		json_error_t jerr;
		json_t *doc;

		/* The annotations, for state: read once more (the spec
		 * parser keeps none). */
		snprintf(path, sizeof(path), "%s/config.json", bundle);
		doc = json_load_file(path, 0, &jerr);
		st.annotations = json_object_get(doc, "annotations");
		st.annotations = json_is_object(st.annotations) ? json_incref(st.annotations)
								: json_object();
		json_decref(doc);
	}
	if ((r = state_save(&st)) < 0) {
		snprintf(msg, sizeof(msg), "state.json: %s", strerror(-r));
		goto failed;
	}
	if (o->pid_file && (r = write_pid_file(o->pid_file, cpid)) < 0) {
		snprintf(msg, sizeof(msg), "--pid-file %s: %s", o->pid_file, strerror(-r));
		goto failed;
	}
	if (run_hooks(spec, OCI_HOOK_PRESTART, &st) < 0 ||
	    run_hooks(spec, OCI_HOOK_CREATE_RUNTIME, &st) < 0) {
		cleanup_failed(&st, h, cpid);
		return EXIT_FAILURE;
	}
	(void)close(errp[0]);
	if (ret_st) {
		*ret_st = st;
		st.annotations = NULL;
	}
	if (ret_spec)
		*ret_spec = spec;
	else
		oci_spec_free(spec);
	if (st.dirfd >= 0 && !ret_st)
		(void)close(st.dirfd);
	json_decref(st.annotations);
	return 0;

failed_read:
	n = read(errp[0], msg, sizeof(msg) - 1);
	msg[n > 0 ? n : 0] = '\0';
	if (!*msg)
		snprintf(msg, sizeof(msg), "the container's setup failed");
failed:
	(void)close(errp[0]);
	cleanup_failed(&st, h, cpid);
	return fail("%s", msg);
}

/* ---- start, kill, delete ----------------------------------------------- */

static int do_start(const char *id, struct oci_spec *spec)
{
	struct state st;
	int fd;

	if (state_open(id, LOCK_EX, &st, true) < 0)
		return EXIT_FAILURE;
	if (strcmp(state_status(&st), "created") != 0) {
		int r = fail("container %s is not in created state (%s)", id, state_status(&st));

		state_close(&st);
		return r;
	}
	fd = openat(st.dirfd, "exec.fifo", O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 || vb_write_all(fd, "s", 1) < 0) {
		int r = fail("exec.fifo: %s", strerror(errno));

		state_close(&st);
		return r;
	}
	(void)close(fd);
	(void)unlinkat(st.dirfd, "exec.fifo", 0);
	{
		struct oci_spec *s = spec;
		vb_config *cfg = NULL;
		vb_error err = { 0 };

		if (!s) {
			cfg = vb_config_new();
			if (cfg && oci_spec_load(st.bundle, cfg, &s, &err) < 0)
				s = NULL;
		}
		(void)run_hooks(s, OCI_HOOK_POSTSTART, &st);
		if (s != spec)
			oci_spec_free(s);
		vb_config_free(cfg);
	}
	state_close(&st);
	return 0;
}

static int do_kill(const char *id, const char *sigstr, bool all)
{
	struct state st;
	int sig = SIGTERM, r = 0;

	if (sigstr && vb_parse_signal(sigstr, &sig) < 0)
		return fail("unknown signal %s", sigstr);
	if (state_open(id, LOCK_SH, &st, true) < 0)
		return EXIT_FAILURE;
	if (!state_alive(&st)) {
		state_close(&st);
		return fail("container %s is not running", id);
	}
	if (all) {
		pid_t pids[4096];
		size_t n = container_pids(&st, pids, ARRAY_SIZE(pids));

		for (size_t i = 0; i < n; i++)
			(void)kill(pids[i], sig);
	} else if (kill(st.pid, sig) < 0) {
		r = fail("kill %s: %s", id, strerror(errno));
	}
	state_close(&st);
	return r;
}

static int do_delete(const char *id, bool force)
{
	struct state st;
	vb_config *cfg;
	struct oci_spec *spec = NULL;
	vb_error err = { 0 };
	int hfd;

	if (state_open(id, LOCK_EX, &st, true) < 0) {
		/* runc: delete --force of a container that does not exist
		 * succeeds. */
		if (force && st.dirfd < 0 && id_ok(id) && access(st.dir, F_OK) < 0)
			return 0;
		if (st.dirfd >= 0 && force) {
			state_remove(&st);
			state_close(&st);
			return 0;
		}
		state_close(&st);
		return EXIT_FAILURE;
	}
	if (state_alive(&st)) {
		if (!force && strcmp(state_status(&st), "created") != 0) {
			int r = fail("cannot delete container %s that is not stopped: %s", id,
				     state_status(&st));

			state_close(&st);
			return r;
		}
		(void)kill(st.pid, SIGKILL);
		cgroups_kill(&st, SIGKILL);
		for (int i = 0; i < 500 && state_alive(&st); i++)
			usleep(10000);
	}
	/* The holder records the cgroups and exits once vb_spawn() returns. */
	hfd = openat(st.dirfd, "holder", O_RDWR | O_CLOEXEC);
	if (hfd >= 0) {
		for (int i = 0; i < 500 && flock(hfd, LOCK_EX | LOCK_NB) < 0; i++)
			usleep(10000);
		(void)close(hfd);
	}
	{
		struct state again;

		/* cgroups.json may have appeared meanwhile. */
		char path[PATH_MAX + 32];
		json_error_t jerr;
		json_t *cg, *v;
		size_t i;

		memset(&again, 0, sizeof(again));
		snprintf(path, sizeof(path), "%s/cgroups.json", st.dir);
		cg = json_load_file(path, 0, &jerr);
		json_array_foreach(cg, i, v) if (json_is_string(v) && again.n_cgroups < MAX_CGROUPS)
			snprintf(again.cgroups[again.n_cgroups++], PATH_MAX, "%s",
				 json_string_value(v));
		json_decref(cg);
		cgroups_kill(&again, SIGKILL);
		cgroups_remove(&again);
	}
	cfg = vb_config_new();
	if (cfg && oci_spec_load(st.bundle, cfg, &spec, &err) == 0)
		(void)run_hooks(spec, OCI_HOOK_POSTSTOP, &st);
	oci_spec_free(spec);
	vb_config_free(cfg);
	state_remove(&st);
	state_close(&st);
	return 0;
}

/* ---- state, list, ps, pause, features ------------------------------------ */

static int print_json(json_t *o, size_t flags)
{
	char *s = o ? json_dumps(o, flags) : NULL;

	json_decref(o);
	if (!s)
		return fail("Out of memory");
	printf("%s\n", s);
	free(s);
	return 0;
}

static int do_state(const char *id)
{
	struct state st;
	int r;

	if (state_open(id, LOCK_SH, &st, true) < 0)
		return EXIT_FAILURE;
	r = print_json(state_json(&st), JSON_INDENT(2));
	state_close(&st);
	return r;
}

static int do_list(bool quiet, bool json)
{
	json_t *arr = json_array();
	struct dirent *de;
	DIR *d = opendir(G.root);

	if (!json && !quiet)
		printf("%-12s %-8s %-10s %-40s %-30s %s\n", "ID", "PID", "STATUS", "BUNDLE",
		       "CREATED", "OWNER");
	while (d && (de = readdir(d))) {
		struct state st;

		if (de->d_name[0] == '.' || !id_ok(de->d_name))
			continue;
		/* Quietly: a container being deleted is not an error here. */
		{
			int saved = dup(2), null = open("/dev/null", O_WRONLY | O_CLOEXEC);
			int r;

			(void)dup2(null, 2);
			r = state_open(de->d_name, LOCK_SH, &st, true);
			(void)dup2(saved, 2);
			(void)close(saved);
			(void)close(null);
			if (r < 0) {
				state_close(&st);
				continue;
			}
		}
		if (quiet)
			printf("%s\n", st.id);
		else if (json)
			json_array_append_new(arr, state_json(&st));
		else
			printf("%-12s %-8d %-10s %-40s %-30s %u\n", st.id,
			       state_alive(&st) ? (int)st.pid : 0, state_status(&st), st.bundle,
			       st.created, (unsigned)st.owner);
		state_close(&st);
	}
	if (d)
		closedir(d);
	if (json)
		return print_json(arr, JSON_COMPACT);
	json_decref(arr);
	return 0;
}

static int do_ps(const char *id, bool json)
{
	struct state st;
	pid_t pids[4096];
	size_t n;

	if (state_open(id, LOCK_SH, &st, true) < 0)
		return EXIT_FAILURE;
	n = container_pids(&st, pids, ARRAY_SIZE(pids));
	state_close(&st);
	if (json) {
		json_t *a = json_array();

		for (size_t i = 0; i < n; i++)
			json_array_append_new(a, json_integer(pids[i]));
		return print_json(a, JSON_COMPACT);
	}
	printf("PID\n");
	for (size_t i = 0; i < n; i++)
		printf("%d\n", (int)pids[i]);
	return 0;
}

static int do_pause(const char *id, bool pause)
{
	struct state st;
	bool done = false;

	if (state_open(id, LOCK_EX, &st, true) < 0)
		return EXIT_FAILURE;
	if (!state_alive(&st)) {
		state_close(&st);
		return fail("container %s is not running", id);
	}
	for (size_t i = 0; i < st.n_cgroups; i++) {
		char path[PATH_MAX + 32];

		snprintf(path, sizeof(path), "%s/cgroup.freeze", st.cgroups[i]);
		if (access(path, W_OK) == 0 &&
		    vb_write_file_at(AT_FDCWD, path, pause ? "1" : "0") == 0)
			done = true;
	}
	state_close(&st);
	if (!done)
		return fail("%s: container %s has no cgroup v2 freezer (it needs a cgroup v2 limit "
			    "such as linux.resources.pids on a v2 hierarchy)",
			    pause ? "pause" : "resume", id);
	return 0;
}

static int do_features(void)
{
	json_t *caps = json_array();
	static const char *const ops[] = { "SCMP_CMP_NE",       "SCMP_CMP_LT", "SCMP_CMP_LE",
					   "SCMP_CMP_EQ",       "SCMP_CMP_GE", "SCMP_CMP_GT",
					   "SCMP_CMP_MASKED_EQ" };
	json_t *o, *a = json_array();

	for (int c = 0; c <= CAP_LAST_CAP; c++) {
		char *name = cap_to_name(c), up[64];
		size_t k;

		if (!name)
			continue;
		for (k = 0; name[k] && k < sizeof(up) - 1; k++)
			up[k] = (char)toupper((unsigned char)name[k]);
		up[k] = '\0';
		cap_free(name);
		json_array_append_new(caps, json_string(up));
	}
	for (size_t i = 0; i < ARRAY_SIZE(ops); i++)
		json_array_append_new(a, json_string(ops[i]));
	o = json_pack("{s:s, s:s, s:[s,s,s,s], s:[s,s,s,s,s,s,s,s,s,s,s,s,s,s,s,s,s,s,s,s,s,s], "
		      "s:{s:[s,s,s,s,s,s,s], s:o, s:{s:b, s:b, s:b}, s:{s:b, s:[s,s,s,s,s,s,s,s], "
		      "s:o, s:[s,s,s]}, s:{s:b}}, s:{}}",
		      "ociVersionMin", "1.0.0", "ociVersionMax", OCI_VERSION, "hooks", "prestart",
		      "createRuntime", "poststart", "poststop", "mountOptions", "bind", "rbind",
		      "ro", "rw", "nosuid", "nodev", "dev", "exec", "noexec", "private", "rprivate",
		      "slave", "rslave", "shared", "rshared", "relatime", "noatime", "strictatime",
		      "z", "Z", "mode", "size", "linux", "namespaces", "pid", "network", "mount",
		      "ipc", "uts", "user", "cgroup", "capabilities", caps, "cgroup", "v1", 1, "v2",
		      1, "systemd", 0, "seccomp", "enabled", 1, "actions", "SCMP_ACT_ALLOW",
		      "SCMP_ACT_ERRNO", "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS",
		      "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG", "SCMP_ACT_TRAP", "SCMP_ACT_TRACE",
		      "operators", a, "archs", "SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32",
		      "apparmor", "enabled", 0, "annotations");
	return print_json(o, JSON_INDENT(2));
}

/* ---- exec: a new process in a running container ----------------------- */

struct exec_opts {
	const char *process;
	const char *pid_file;
	const char *console_socket;
	const char *cwd;
	char **env;
	size_t n_env;
	bool detach, tty;
	int preserve_fds;
};

static int load_bpf(int fd)
{
	char *buf = NULL;
	size_t len = 0;
	struct sock_fprog fprog;

	if (vb_read_fd(fd, &buf, &len) < 0 || len == 0 || len % sizeof(struct sock_filter)) {
		free(buf);
		return -EINVAL;
	}
	fprog.len = (unsigned short)(len / sizeof(struct sock_filter));
	fprog.filter = (struct sock_filter *)buf;
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog) < 0) {
		free(buf);
		return -errno;
	}
	free(buf);
	return 0;
}

_Noreturn static void exec_child(vb_config *pcfg, const struct oci_spec *pspec, vb_config *ccfg,
				 const struct exec_opts *o, int errfd)
{
	char msg[512];
	char **envp;
	size_t n = 0;
	const char *cwd = o->cwd ?: pcfg->chdir_path ?: "/";
	const vb_config *capcfg = pcfg->caps_set ? pcfg : ccfg;
	uint64_t keep = capcfg->caps_add;
	cap_t caps;

	envp = calloc(pcfg->n_env + o->n_env + 2, sizeof(char *));
	if (!envp)
		_exit(126);
	for (size_t i = 0; i < pcfg->n_env; i++)
		if (pcfg->env[i].kind == VB_ENV_SET &&
		    asprintf(&envp[n], "%s=%s", pcfg->env[i].name, pcfg->env[i].value) > 0)
			n++;
	for (size_t i = 0; i < o->n_env; i++)
		envp[n++] = o->env[i];
	if (chdir(cwd) < 0) {
		snprintf(msg, sizeof(msg), "chdir %s: %s", cwd, strerror(errno));
		goto fail;
	}
	if (setgroups(pspec->n_groups, pspec->groups) < 0 && errno != EPERM) {
		snprintf(msg, sizeof(msg), "setgroups: %s", strerror(errno));
		goto fail;
	}
	for (int c = 0; c <= CAP_LAST_CAP; c++)
		if (!(keep & (1ull << c)))
			(void)prctl(PR_CAPBSET_DROP, c, 0, 0, 0);
	(void)prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0);
	if (setresgid(pspec->gid, pspec->gid, pspec->gid) < 0 ||
	    setresuid(pspec->uid, pspec->uid, pspec->uid) < 0) {
		snprintf(msg, sizeof(msg), "setting uid %u gid %u: %s", (unsigned)pspec->uid,
			 (unsigned)pspec->gid, strerror(errno));
		goto fail;
	}
	caps = cap_init();
	for (int c = 0; c <= CAP_LAST_CAP; c++)
		if (keep & (1ull << c)) {
			cap_value_t v = c;

			cap_set_flag(caps, CAP_PERMITTED, 1, &v, CAP_SET);
			cap_set_flag(caps, CAP_EFFECTIVE, 1, &v, CAP_SET);
			if (capcfg->caps_inheritable & (1ull << c))
				cap_set_flag(caps, CAP_INHERITABLE, 1, &v, CAP_SET);
		}
	if (cap_set_proc(caps) < 0) {
		snprintf(msg, sizeof(msg), "capset: %s", strerror(errno));
		goto fail;
	}
	cap_free(caps);
	for (int c = 0; c <= CAP_LAST_CAP; c++)
		if ((keep & (1ull << c)) && (capcfg->caps_ambient & (1ull << c)))
			(void)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0);
	if (pspec->have_umask)
		umask(pspec->umask);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		snprintf(msg, sizeof(msg), "no_new_privs: %s", strerror(errno));
		goto fail;
	}
	/* The container's own filter, compiled again from its config.json. */
	for (size_t i = 0; i < ccfg->n_seccomp_fds; i++)
		if (load_bpf(ccfg->seccomp_fds[i]) < 0) {
			snprintf(msg, sizeof(msg), "seccomp: %s", strerror(errno));
			goto fail;
		}
	environ = envp;
	execvp(pcfg->argv[0], pcfg->argv);
	snprintf(msg, sizeof(msg), "exec %s: %s", pcfg->argv[0], strerror(errno));
fail:
	(void)vb_write_all(errfd, msg, strlen(msg));
	_exit(126);
}

static int do_exec(const char *id, const struct exec_opts *o, int argc, char **argv)
{
	static const char *const nss[] = { "user", "cgroup", "ipc", "uts", "net", "pid", "mnt" };
	int nsfd[ARRAY_SIZE(nss)], procs[MAX_CGROUPS], p[2], status, pidfd_dir = -1;
	char msg[600] = "", pidfile_tmp[64] = "";
	const char *pidfile_name = NULL;
	vb_config *pcfg, *ccfg;
	struct oci_spec *pspec = NULL, *cspec = NULL;
	vb_error err = { 0 };
	struct state st;
	size_t n_procs = 0;
	pid_t c;
	ssize_t n;

	if (state_open(id, LOCK_SH, &st, true) < 0)
		return EXIT_FAILURE;
	if (strcmp(state_status(&st), "running") != 0) {
		state_close(&st);
		return fail("cannot exec in a container that is not running (%s)", id);
	}
	ccfg = vb_config_new();
	pcfg = vb_config_new();
	if (!ccfg || !pcfg)
		return fail("Out of memory");
	if (oci_spec_load(st.bundle, ccfg, &cspec, &err) < 0)
		return fail_err(&err);
	if (o->process) {
		char *text = NULL;
		size_t len = 0;
		int fd = open(o->process, O_RDONLY | O_CLOEXEC);

		if (fd < 0 || vb_read_fd(fd, &text, &len) < 0)
			return fail("--process %s: %s", o->process, strerror(errno));
		(void)close(fd);
		if (oci_spec_parse(text, len, st.bundle, true, pcfg, &pspec, &err) < 0)
			return fail_err(&err);
		free(text);
	} else {
		char **envs = NULL;

		if (argc < 1)
			return fail("exec: a command or --process is needed");
		if (vb_config_set_command(pcfg, argc, argv, &err) < 0)
			return fail_err(&err);
		pspec = calloc(1, sizeof(*pspec));
		if (!pspec)
			return fail("Out of memory");
		pspec->uid = cspec->uid;
		pspec->gid = cspec->gid;
		/* The container's process environment, then -e's. */
		for (size_t i = 0; i < ccfg->n_env; i++)
			if (ccfg->env[i].kind == VB_ENV_SET)
				(void)vb_config_setenv(pcfg, ccfg->env[i].name, ccfg->env[i].value,
						       &err);
		pcfg->chdir_path = ccfg->chdir_path ? strdup(ccfg->chdir_path) : NULL;
		(void)envs;
	}
	if (o->console_socket && console_setup(o->console_socket, msg, sizeof(msg)) < 0)
		return fail("%s", msg);
	for (size_t i = 0; i < ARRAY_SIZE(nss); i++) {
		char path[64], a[64] = "", b[64] = "";

		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)st.pid, nss[i]);
		(void)!readlink(path, a, sizeof(a) - 1);
		snprintf(b, sizeof(b), "/proc/self/ns/%s", nss[i]);
		{
			char bb[64] = "";

			(void)!readlink(b, bb, sizeof(bb) - 1);
			snprintf(b, sizeof(b), "%s", bb);
		}
		nsfd[i] = strcmp(a, b) == 0 ? -1 : open(path, O_RDONLY | O_CLOEXEC);
	}
	for (size_t i = 0; i < st.n_cgroups; i++) {
		char path[PATH_MAX + 32];

		snprintf(path, sizeof(path), "%s/cgroup.procs", st.cgroups[i]);
		procs[n_procs] = open(path, O_WRONLY | O_CLOEXEC);
		if (procs[n_procs] >= 0)
			n_procs++;
	}
	if (o->pid_file) {
		char dir[PATH_MAX], *slash;

		snprintf(dir, sizeof(dir), "%s", o->pid_file);
		slash = strrchr(dir, '/');
		if (slash)
			*slash = '\0';
		pidfd_dir = open(slash ? (slash == dir ? "/" : dir) : ".",
				 O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		pidfile_name = slash ? strrchr(o->pid_file, '/') + 1 : o->pid_file;
		if (pidfd_dir < 0)
			return fail("--pid-file %s: %s", o->pid_file, strerror(errno));
	}
	state_close(&st);
	for (size_t i = 0; i < ARRAY_SIZE(nss); i++)
		if (nsfd[i] >= 0 && setns(nsfd[i], 0) < 0)
			return fail("exec: joining the container's %s namespace: %s", nss[i],
				    strerror(errno));
	if (pipe2(p, O_CLOEXEC) < 0)
		return fail("pipe: %s", strerror(errno));
	c = fork();
	if (c < 0)
		return fail("fork: %s", strerror(errno));
	if (c == 0) {
		(void)close(p[0]);
		exec_child(pcfg, pspec, ccfg, o, p[1]);
	}
	(void)close(p[1]);
	for (size_t i = 0; i < n_procs; i++) {
		char b[16];

		snprintf(b, sizeof(b), "%d", (int)c);
		(void)!write(procs[i], b, strlen(b));
		(void)close(procs[i]);
	}
	n = read(p[0], msg, sizeof(msg) - 1);
	(void)close(p[0]);
	if (n > 0) {
		msg[n] = '\0';
		(void)waitpid(c, NULL, 0);
		return fail("%s", msg);
	}
	if (pidfd_dir >= 0) {
		snprintf(pidfile_tmp, sizeof(pidfile_tmp), "%d", (int)c);
		(void)write_atomic(pidfd_dir, pidfile_name, pidfile_tmp);
	}
	if (o->detach)
		return 0;
	while (waitpid(c, &status, 0) < 0)
		if (errno != EINTR)
			return fail("waitpid: %s", strerror(errno));
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* ---- run: create + start, and wait --------------------------------------- */

static pid_t run_pid;
static void forward(int sig)
{
	if (run_pid > 0)
		(void)kill(run_pid, sig);
}

static int do_run(const char *id, const struct create_opts *o, bool keep)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH };
	struct oci_spec *spec = NULL;
	struct state st;
	int r, status = 0;
	pid_t w;

	if (!o->detach)
		(void)prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	r = do_create(id, o, &st, &spec);
	if (r != 0)
		return r;
	run_pid = st.pid;
	state_close(&st);
	r = do_start(id, spec);
	oci_spec_free(spec);
	if (r != 0 || o->detach)
		return r;
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		(void)signal(sigs[i], forward);
	/* The holder exits once the command runs; the command is ours then. */
	for (;;) {
		w = waitpid(-1, &r, 0);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			break;
		if (w == run_pid)
			status = WIFEXITED(r) ? WEXITSTATUS(r) : 128 + WTERMSIG(r);
	}
	if (!keep)
		(void)do_delete(id, true);
	return status;
}

/* ---- the command line --------------------------------------------------- */

static const char usage_text[] =
	"usage: %s [--root DIR] [--log FILE] [--log-format text|json] COMMAND [OPTIONS] ID\n"
	"\n"
	"commands:\n"
	"    create [--bundle DIR] [--pid-file FILE] [--console-socket SOCK] [--no-pivot]\n"
	"           [--preserve-fds N] ID     set the container up; its process waits for start\n"
	"    start ID                          run the container's process\n"
	"    run [create's options] [-d] [--keep] ID   create, start and wait\n"
	"    state ID                          the container's state (JSON)\n"
	"    kill [--all] ID [SIGNAL]          signal the container (default SIGTERM)\n"
	"    delete [--force] ID               remove the container and all it made\n"
	"    exec [--process FILE] [-t] [-d] [--pid-file FILE] [--console-socket SOCK]\n"
	"         [--cwd DIR] [-e VAR=VALUE] [--preserve-fds N] ID [COMMAND...]\n"
	"    ps [--format table|json] ID       the container's processes\n"
	"    list [-q] [--format table|json]   the containers in --root\n"
	"    pause ID                          freeze the container (cgroup v2 freezer)\n"
	"    resume ID                         thaw it\n"
	"    features                          what this runtime supports (JSON)\n";

static int usage(FILE *f, int status)
{
	fprintf(f, usage_text, prog);
	return status;
}

/* Takes "--opt VALUE" and "--opt=VALUE"; *i advances. */
static bool opt_value(int argc, char **argv, int *i, const char *name, const char **ret)
{
	size_t n = strlen(name);

	if (strcmp(argv[*i], name) == 0) {
		if (*i + 1 >= argc) {
			fail("%s takes an argument", name);
			exit(EXIT_FAILURE);
		}
		*ret = argv[++*i];
		return true;
	}
	if (strncmp(argv[*i], name, n) == 0 && argv[*i][n] == '=') {
		*ret = argv[*i] + n + 1;
		return true;
	}
	return false;
}

static bool flag(const char *arg, const char *a, const char *b)
{
	return strcmp(arg, a) == 0 || (b && strcmp(arg, b) == 0);
}

static int parse_fds(const char *v)
{
	char *end;
	long n = strtol(v, &end, 10);

	if (*end || n < 0 || n > 1024) {
		fail("--preserve-fds: bad number %s", v);
		exit(EXIT_FAILURE);
	}
	return (int)n;
}

int vb_oci_main(const char *prog_name, int argc, char **argv)
{
	const char *cmd = NULL, *v, *fmt = "table", *log_format = "text";
	struct create_opts co = { 0 };
	struct exec_opts eo = { 0 };
	char *envs[256];
	bool force = false, all = false, quiet = false, keep = false;
	int i = 1, n_pos = 0;
	char *pos[2] = { 0 };
	char **rest = NULL;
	int n_rest = 0;

	prog = prog_name;
	G.root = NULL;
	/* Global options, before the command. */
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (opt_value(argc, argv, &i, "--root", &G.root) ||
		    opt_value(argc, argv, &i, "--log", &G.log) ||
		    opt_value(argc, argv, &i, "--log-format", &log_format) ||
		    opt_value(argc, argv, &i, "--log-level", &v) ||
		    opt_value(argc, argv, &i, "--criu", &v) ||
		    opt_value(argc, argv, &i, "--rootless", &v))
			continue;
		if (flag(argv[i], "--debug", NULL))
			continue;
		if (flag(argv[i], "--systemd-cgroup", NULL))
			return fail("--systemd-cgroup is not supported: vb makes its cgroups "
				    "beneath the caller's (use podman --cgroup-manager cgroupfs)");
		if (flag(argv[i], "--help", "-h"))
			return usage(stdout, 0);
		if (flag(argv[i], "--version", "-v")) {
			printf("%s version %s\nspec: %s\n", prog, vb_version(), OCI_VERSION);
			return 0;
		}
		return fail("unknown option %s", argv[i]);
	}
	if (G.log) {
		G.log_file = fopen(G.log, "ae");
		if (!G.log_file)
			return fail("--log %s: %s", G.log, strerror(errno));
	}
	if (strcmp(log_format, "json") == 0)
		G.log_json = true;
	else if (strcmp(log_format, "text") != 0)
		return fail("--log-format: expected text or json, not %s", log_format);
	if (!G.root)
		G.root = default_root();
	if (i >= argc)
		return usage(stderr, EXIT_FAILURE);
	cmd = argv[i++];
	if (strcmp(cmd, "features") == 0)
		return do_features();
	if (strcmp(cmd, "help") == 0)
		return usage(stdout, 0);
	if (strcmp(cmd, "version") == 0) {
		printf("%s version %s\nspec: %s\n", prog, vb_version(), OCI_VERSION);
		return 0;
	}
	for (; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(cmd, "exec") == 0 && n_pos == 1) {
			rest = argv + i;
			n_rest = argc - i;
			break;
		}
		if (a[0] != '-' || strcmp(a, "-") == 0) {
			if (n_pos >= 2)
				return fail("%s: unexpected argument %s", cmd, a);
			pos[n_pos++] = argv[i];
			continue;
		}
		if (strcmp(a, "--") == 0) {
			if (strcmp(cmd, "exec") == 0 && n_pos == 1) {
				rest = argv + i + 1;
				n_rest = argc - i - 1;
				break;
			}
			continue;
		}
		if (opt_value(argc, argv, &i, "--bundle", &co.bundle) ||
		    opt_value(argc, argv, &i, "-b", &co.bundle) ||
		    opt_value(argc, argv, &i, "--pid-file", &co.pid_file) ||
		    opt_value(argc, argv, &i, "--console-socket", &co.console_socket) ||
		    opt_value(argc, argv, &i, "--process", &eo.process) ||
		    opt_value(argc, argv, &i, "-p", &eo.process) ||
		    opt_value(argc, argv, &i, "--cwd", &eo.cwd) ||
		    opt_value(argc, argv, &i, "--format", &fmt) ||
		    opt_value(argc, argv, &i, "-f", &fmt) ||
		    opt_value(argc, argv, &i, "--process-label", &v) ||
		    opt_value(argc, argv, &i, "--apparmor", &v))
			continue;
		if (opt_value(argc, argv, &i, "--preserve-fds", &v)) {
			co.preserve_fds = eo.preserve_fds = parse_fds(v);
			continue;
		}
		if (opt_value(argc, argv, &i, "--env", &v) || opt_value(argc, argv, &i, "-e", &v)) {
			if (eo.n_env >= ARRAY_SIZE(envs))
				return fail("too many --env");
			envs[eo.n_env++] = (char *)v;
			eo.env = envs;
			continue;
		}
		if (flag(a, "--force", "-f"))
			force = true;
		else if (flag(a, "--all", "-a"))
			all = true;
		else if (flag(a, "--quiet", "-q"))
			quiet = true;
		else if (flag(a, "--detach", "-d"))
			co.detach = eo.detach = true;
		else if (flag(a, "--tty", "-t"))
			eo.tty = true;
		else if (flag(a, "--keep", NULL))
			keep = true;
		else if (flag(a, "--no-pivot", NULL) || flag(a, "--no-new-keyring", NULL) ||
			 flag(a, "--no-subreaper", NULL))
			continue; /* vb always pivots; no keyring is made */
		else
			return fail("%s: unknown option %s", cmd, a);
	}
	if (strcmp(fmt, "json") != 0 && strcmp(fmt, "table") != 0)
		return fail("--format: expected table or json, not %s", fmt);
	if (strcmp(cmd, "list") == 0)
		return do_list(quiet, strcmp(fmt, "json") == 0);
	if (n_pos < 1)
		return fail("%s: a container id is needed", cmd);
	if (n_pos > 1 && strcmp(cmd, "kill") != 0)
		return fail("%s: unexpected argument %s", cmd, pos[1]);
	if (strcmp(cmd, "create") == 0)
		return do_create(pos[0], &co, NULL, NULL);
	if (strcmp(cmd, "start") == 0)
		return do_start(pos[0], NULL);
	if (strcmp(cmd, "run") == 0)
		return do_run(pos[0], &co, keep);
	if (strcmp(cmd, "state") == 0)
		return do_state(pos[0]);
	if (strcmp(cmd, "kill") == 0)
		return do_kill(pos[0], pos[1], all);
	if (strcmp(cmd, "delete") == 0)
		return do_delete(pos[0], force);
	if (strcmp(cmd, "ps") == 0)
		return do_ps(pos[0], strcmp(fmt, "json") == 0);
	if (strcmp(cmd, "pause") == 0 || strcmp(cmd, "resume") == 0)
		return do_pause(pos[0], strcmp(cmd, "pause") == 0);
	if (strcmp(cmd, "exec") == 0) {
		eo.pid_file = co.pid_file;
		eo.console_socket = co.console_socket;
		if (eo.process && n_rest > 0)
			return fail("exec: --process and a command do not mix");
		return do_exec(pos[0], &eo, n_rest, rest);
	}
	return fail("unknown command %s", cmd);
}
