/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests for the supervision module: the parsers vb and the library
 * share, the setters' checks, the JSON line builder, and (as root) a real
 * sandbox cgroup with a forked child in it: limits written, the child
 * attached, everything killed and removed by the rollback, failures and
 * injected faults included.  TAP on stdout. */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "supervise/cgroup.h"
#include "supervise/supervise.h"
#include "tap.h"

static void test_parsers(void)
{
	uint64_t v = 0, soft = 0, hard = 0;
	int sig = 0, res = -1;

	ok(vb_parse_size("64M", &v) == 0 && v == 64ull << 20, "size 64M is 64 MiB");
	ok(vb_parse_size("1G", &v) == 0 && v == 1ull << 30, "size 1G");
	ok(vb_parse_size("512KiB", &v) == 0 && v == 512ull << 10, "size 512KiB");
	ok(vb_parse_size("4096", &v) == 0 && v == 4096, "size in bytes");
	ok(vb_parse_size("max", &v) == 0 && v == VB_UNLIMITED, "size max is unlimited");
	ok(vb_parse_size("12X", &v) == -EINVAL, "size with an unknown suffix is refused");
	ok(vb_parse_size("", &v) == -EINVAL && vb_parse_size("-1", &v) == -EINVAL,
	   "empty and negative sizes are refused");
	ok(vb_parse_size("99999999999999T", &v) == -ERANGE, "size overflow is ERANGE");

	ok(vb_parse_duration("10", &v) == 0 && v == 10000000, "duration 10 is seconds");
	ok(vb_parse_duration("1.5", &v) == 0 && v == 1500000, "duration 1.5");
	ok(vb_parse_duration("500ms", &v) == 0 && v == 500000, "duration 500ms");
	ok(vb_parse_duration("2m", &v) == 0 && v == 120000000, "duration 2m");
	ok(vb_parse_duration("0.25s", &v) == 0 && v == 250000, "duration 0.25s");
	/* Nine fraction digits of a day: 999999999 * 86400000000 does not fit
	 * in 64 bits (issue 12); beyond nine digits they are dropped. */
	ok(vb_parse_duration("1.999999999d", &v) == 0 && v == 172799999913,
	   "duration 1.999999999d");
	ok(vb_parse_duration("0.123456789123d", &v) == 0 && v == 10666666569,
	   "duration 0.123456789123d: nine fraction digits count");
	ok(vb_parse_duration("24855.999999999d", &v) == 0 && v == 2147558399999913,
	   "duration 24855.999999999d");
	ok(vb_parse_duration("106751992.999999999d", &v) == -ERANGE &&
		   vb_parse_duration("99999999999999999999", &v) == -ERANGE,
	   "durations beyond 64 bits of microseconds are out of range");
	ok(vb_parse_duration("1.", &v) == -EINVAL && vb_parse_duration("x", &v) == -EINVAL &&
		   vb_parse_duration("5 s", &v) == -EINVAL,
	   "malformed durations are refused");

	ok(vb_parse_signal("TERM", &sig) == 0 && sig == SIGTERM, "signal TERM");
	ok(vb_parse_signal("sigkill", &sig) == 0 && sig == SIGKILL, "signal sigkill");
	ok(vb_parse_signal("10", &sig) == 0 && sig == 10, "signal by number");
	ok(vb_parse_signal("BOGUS", &sig) == -EINVAL && vb_parse_signal("0", &sig) == -EINVAL &&
		   vb_parse_signal("99", &sig) == -EINVAL,
	   "unknown signals are refused");

	ok(vb_parse_rlimit("NOFILE=1024:4096", &res, &soft, &hard) == 0 && res == RLIMIT_NOFILE &&
		   soft == 1024 && hard == 4096,
	   "rlimit NOFILE=1024:4096");
	ok(vb_parse_rlimit("rlimit_core=0", &res, &soft, &hard) == 0 && res == RLIMIT_CORE &&
		   soft == 0 && hard == 0,
	   "rlimit name with prefix, any case; hard defaults to soft");
	ok(vb_parse_rlimit("AS=1G:unlimited", &res, &soft, &hard) == 0 && res == RLIMIT_AS &&
		   soft == 1ull << 30 && hard == VB_UNLIMITED,
	   "rlimit with a size and unlimited");
	ok(vb_parse_rlimit("NOFILE=10:5", &res, &soft, &hard) == -ERANGE,
	   "rlimit soft above hard is ERANGE");
	ok(vb_parse_rlimit("NOFILE=99999999999999999999", &res, &soft, &hard) == -EOVERFLOW &&
		   vb_parse_rlimit("NOFILE=1:16777216T", &res, &soft, &hard) == -EOVERFLOW,
	   "an rlimit value beyond 64 bits is EOVERFLOW, not soft above hard");
	ok(vb_parse_rlimit("FOO=1", &res, &soft, &hard) == -EINVAL &&
		   vb_parse_rlimit("NOFILE", &res, &soft, &hard) == -EINVAL &&
		   vb_parse_rlimit("NOFILE=", &res, &soft, &hard) == -EINVAL,
	   "malformed rlimits are refused");
}

static void test_setters(void)
{
	vb_config *cfg = vb_config_new();
	vb_error err = { 0 };

	ok(vb_config_cpus(cfg, 0, &err) == -EINVAL &&
		   strcmp(err.message, "--cpus must be between 0.01 and 1000000") == 0,
	   "--cpus 0 is refused with a message");
	ok(vb_config_cpu_weight(cfg, 0, &err) == -EINVAL &&
		   vb_config_io_weight(cfg, 10001, &err) == -EINVAL,
	   "weights out of 1..10000 are refused");
	ok(vb_config_pids_max(cfg, 0, &err) == -EINVAL, "--pids-max 0 is refused");
	ok(vb_config_memory(cfg, 100, &err) == -EINVAL, "--memory below a page is refused");
	ok(vb_config_cgroup_parent(cfg, "relative", &err) == -EINVAL &&
		   vb_config_cgroup_parent(cfg, "/a/../b", &err) == -EINVAL,
	   "--cgroup-parent must be absolute, without ..");
	ok(vb_config_timeout(cfg, 0, &err) == -EINVAL, "--timeout 0 is refused");
	ok(vb_config_timeout_signal(cfg, 0, &err) == -EINVAL, "--timeout-signal 0 is refused");
	ok(vb_config_rlimit(cfg, RLIMIT_NOFILE, 10, 5, &err) == -EINVAL,
	   "vb_config_rlimit refuses soft above hard");
	ok(vb_config_rlimit(cfg, RLIMIT_NOFILE, 10, 20, &err) == 0 &&
		   vb_config_rlimit(cfg, RLIMIT_NOFILE, 30, 40, &err) == 0 &&
		   cfg->sup->n_rlimits == 1 && cfg->sup->rlimits[0].rl.rlim_cur == 30,
	   "a second --rlimit for a resource replaces the first");
	ok(vb_config_status_fd(cfg, -1, &err) == -EINVAL, "--status-fd -1 is refused");
	vb_config_free(cfg);
}

static char cb_event[64], cb_json[8192];
static void event_cb(void *ud, const char *event, const char *json)
{
	snprintf(cb_event, sizeof(cb_event), "%s", event);
	snprintf(cb_json, sizeof(cb_json), "%s", json);
	(*(int *)ud)++;
}

static void test_json(void)
{
	vb_config *cfg = vb_config_new();
	struct vb_sup_state state = { .timer_fd = -1, .oom_fd = -1 };
	struct vb_sandbox sb = { .cfg = cfg, .sup = &state };
	struct jbuf j;
	int calls = 0, p[2];
	char line[512];
	ssize_t n;

	vb_config_set_event_fn(cfg, event_cb, &calls, NULL);
	if (pipe(p) < 0)
		return;
	vb_config_status_fd(cfg, p[1], NULL);
	j_begin(&j, "test");
	j_str(&j, "s", "a\"b\\c\n\x01");
	j_int(&j, "i", -5);
	j_open(&j, "l", '[');
	j_elem_str(&j, "x");
	j_elem_str(&j, "y");
	j_close(&j, '[');
	j_null(&j, "n");
	sup_emit(&sb, &j, "test");
	ok(calls == 1 && strcmp(cb_event, "test") == 0, "the callback gets the event");
	ok(strncmp(cb_json, "{\"v\":1,\"event\":\"test\",\"ts_us\":", 30) == 0 &&
		   strstr(cb_json, ",\"s\":\"a\\\"b\\\\c\\u000a\\u0001\",\"i\":-5,"
				   "\"l\":[\"x\",\"y\"],\"n\":null}") != NULL,
	   "the line is JSON with escapes, lists and null");
	n = read(p[0], line, sizeof(line) - 1);
	line[n > 0 ? n : 0] = '\0';
	ok(n > 0 && line[n - 1] == '\n' && strncmp(line, cb_json, (size_t)n - 1) == 0,
	   "the status fd gets the same line, newline-terminated, in one read");
	/* The reader goes away: one warning, no SIGPIPE, no more writes. */
	close(p[0]);
	j_begin(&j, "test");
	sup_emit(&sb, &j, "test");
	ok(state.status_broken, "a gone reader marks the stream broken (no SIGPIPE)");
	close(p[1]);
	vb_config_free(cfg);
}

/* ---- real cgroups (root) --------------------------------------------------- */

static bool is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool file_is(const char *dir, const char *name, const char *want)
{
	char path[PATH_MAX + 64], buf[128] = "";
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return strcmp(buf, want) == 0;
}

static struct vb_sandbox *new_sb(vb_config *cfg)
{
	struct vb_sandbox *sb = calloc(1, sizeof(*sb));

	sb->cfg = cfg;
	sb->pidfd = -1;
	sb->cgroup_fd = -1;
	return sb;
}

static void test_cgroup_lifecycle(void)
{
	vb_config *cfg = vb_config_new();
	struct vb_sandbox *sb = new_sb(cfg);
	char paths[6][PATH_MAX], want[64], cgfile[64], buf[4096];
	size_t n_paths = 0;
	vb_error err = { 0 };
	bool all_gone = true, attached;
	pid_t child;
	int st = 0, r, fd;
	ssize_t n;

	vb_config_memory(cfg, 32 << 20, NULL);
	vb_config_pids_max(cfg, 7, NULL);
	/* Above 42949.67 CPUs the quota in microseconds needs more than 32
	 * bits (issue 12: 42949.683 became 1004 us, 0.01 CPU). */
	vb_config_cpus(cfg, 42949.683, NULL);
	r = cg_prepare(sb, &err);
	if (r < 0) {
		printf("# cg_prepare: %s: %s\n", err.message, strerror(err.error));
		ok(0, "cg_prepare creates the sandbox's cgroups");
		return;
	}
	ok(sb->cg && sb->cg->n_dirs >= 1, "cg_prepare creates the sandbox's cgroups");
	for (size_t i = 0; i < sb->cg->n_dirs; i++)
		snprintf(paths[n_paths++], PATH_MAX, "%s", sb->cg->dirs[i].path);
	{
		int m = sb->cg->by_ctrl[0], p = sb->cg->by_ctrl[2];
		const struct cg_dir *md = &sb->cg->dirs[m], *pd = &sb->cg->dirs[p];

		ok(m >= 0 && (md->version == 1
				      ? file_is(md->path, "memory.limit_in_bytes", "33554432\n")
				      : file_is(md->path, "memory.max", "33554432\n")),
		   "the memory limit is in the kernel's file");
		ok(p >= 0 && file_is(pd->path, "pids.max", "7\n"), "pids.max is 7");
	}
	{
		int c = sb->cg->by_ctrl[1];
		const struct cg_dir *cd = &sb->cg->dirs[c];

		if (c < 0)
			skip("no cpu controller here",
			     "--cpus 42949.683 is a quota of 4294968300 us per 100 ms");
		else
			ok(cd->version == 1 ? file_is(cd->path, "cpu.cfs_quota_us", "4294968300\n")
					    : file_is(cd->path, "cpu.max", "4294968300 100000\n"),
			   "--cpus 42949.683 is a quota of 4294968300 us per 100 ms");
	}
	child = fork();
	if (child == 0) {
		pause();
		_exit(0);
	}
	sb->pid = child;
	/* No clone3 here: attach to every directory, v2 included. */
	if (sb->cgroup_fd >= 0) {
		close(sb->cgroup_fd);
		sb->cgroup_fd = -1;
	}
	r = cg_attach(sb, &err);
	snprintf(cgfile, sizeof(cgfile), "/proc/%d/cgroup", (int)child);
	fd = open(cgfile, O_RDONLY | O_CLOEXEC);
	n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = '\0';
	snprintf(want, sizeof(want), "/vb-%d-", (int)getpid());
	attached = r == 0 && strstr(buf, want) != NULL;
	ok(attached, "cg_attach puts the child in the sandbox's cgroups");
	{
		struct cg_stats cst;

		ok(cg_read_stats(sb, &cst) == 0 && cst.have_oom && cst.oom_kills == 0,
		   "the OOM counter reads 0");
	}
	vb_rollback_unwind(&sb->rb);
	r = waitpid(child, &st, 0);
	ok(r == child && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
	   "the rollback kills what is left in the cgroup");
	for (size_t i = 0; i < n_paths; i++)
		if (is_dir(paths[i])) {
			printf("# left: %s\n", paths[i]);
			all_gone = false;
		}
	ok(all_gone && sb->cg == NULL, "the rollback removes every directory");
	free(sb->rb.items);
	free(sb);
	vb_config_free(cfg);
}

static void test_cgroup_errors(void)
{
	vb_config *cfg = vb_config_new();
	struct vb_sandbox *sb = new_sb(cfg);
	vb_error err = { 0 };
	int r;

	vb_config_memory(cfg, 32 << 20, NULL);
	vb_config_cgroup_parent(cfg, "/vb-unit-no-such-parent", NULL);
	r = cg_prepare(sb, &err);
	ok(r < 0 && err.stage == VB_STAGE_CGROUP && strstr(err.message, "vb-unit-no-such-parent") &&
		   err.error == ENOENT,
	   "a missing --cgroup-parent fails naming the path");
	printf("# %s: %s\n", err.message, strerror(err.error));
	vb_rollback_unwind(&sb->rb);
	ok(sb->cg == NULL, "nothing of the failed setup is left");
	free(sb->rb.items);
	free(sb);
	vb_config_free(cfg);
}

/* Every vb_fault step of cg_prepare, one per forked process:
 * the failure is reported, and no directory of that process survives. */
static void test_cgroup_faults(void)
{
	char want[64];
	int failed_steps = 0, leaks = 0, steps = 0;

	for (int step = 1; step <= 20; step++) {
		pid_t p = fork();
		int st;

		if (p == 0) {
			vb_config *cfg = vb_config_new();
			struct vb_sandbox *sb = new_sb(cfg);
			vb_error err = { 0 };
			char buf[16];
			int r;

			snprintf(buf, sizeof(buf), "%d", step);
			setenv("VB_FAULT_STEP", buf, 1);
			vb_config_memory(cfg, 32 << 20, NULL);
			vb_config_pids_max(cfg, 7, NULL);
			r = cg_prepare(sb, &err);
			vb_rollback_unwind(&sb->rb);
			_exit(r < 0 ? 1 : 0);
		}
		if (waitpid(p, &st, 0) != p || !WIFEXITED(st))
			continue;
		steps++;
		if (WEXITSTATUS(st) != 0)
			failed_steps++;
		snprintf(want, sizeof(want), "vb-%d-", (int)p);
		/* Look for leftovers in every hierarchy. */
		{
			const char *roots[] = { "/sys/fs/cgroup/unified", "/sys/fs/cgroup/memory",
						"/sys/fs/cgroup/pids", "/sys/fs/cgroup" };
			char self[PATH_MAX], path[PATH_MAX * 2];

			for (size_t i = 0; i < ARRAY_SIZE(roots); i++) {
				DIR *d;
				struct dirent *e;

				snprintf(path, sizeof(path), "%s", roots[i]);
				if (strcmp(roots[i], "/sys/fs/cgroup/memory") == 0 &&
				    cg_self_path("memory", self, sizeof(self)) == 0)
					snprintf(path, sizeof(path), "%s%s", roots[i], self);
				d = opendir(path);
				while (d && (e = readdir(d)))
					if (strncmp(e->d_name, want, strlen(want)) == 0) {
						printf("# leak after fault %d: %s/%s\n", step, path,
						       e->d_name);
						leaks++;
					}
				if (d)
					closedir(d);
			}
		}
	}
	ok(failed_steps > 0 && leaks == 0, "every injected cgroup fault fails cleanly");
	printf("# %d of %d fault steps failed setup (a v2 directory is optional)\n", failed_steps,
	       steps);
}

/* The no-internal-process rule, on the host's v2 tree with the only
 * controller it offers here (hugetlb; nothing else uses the v2 tree): a
 * process alone in its cgroup moves itself into a leaf to enable a
 * controller for its children, and puts everything back; with another
 * process there, it refuses with the rule's explanation. */
static bool in_file(const char *dir, const char *name, const char *word)
{
	char path[PATH_MAX + 64], buf[512] = "";
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	for (char *t = strtok(buf, " \n"); t; t = strtok(NULL, " \n"))
		if (strcmp(t, word) == 0)
			return true;
	return false;
}

static void test_v2_leaf(void)
{
	const char *root = "/sys/fs/cgroup/unified", *names[] = { "hugetlb" },
		   *flags[] = { "--test" };
	char base[PATH_MAX], procs[PATH_MAX + 32], res[16] = "";
	bool enabled_root = false;
	int p[2], st;
	pid_t c, other;

	if (!in_file(root, "cgroup.controllers", "hugetlb") || pipe(p) < 0) {
		skip("no cgroup v2 controller to try the rule with", "no-internal-process rule");
		return;
	}
	if (!in_file(root, "cgroup.subtree_control", "hugetlb")) {
		char path[PATH_MAX];

		snprintf(path, sizeof(path), "%s/cgroup.subtree_control", root);
		if (vb_write_file_at(AT_FDCWD, path, "+hugetlb") < 0) {
			skip("cannot enable hugetlb in the v2 root", "no-internal-process rule");
			return;
		}
		enabled_root = true;
	}
	snprintf(base, sizeof(base), "%s/vbunit-leaf-%d", root, (int)getpid());
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", base);
	mkdir(base, 0755);
	c = fork();
	if (c == 0) {
		struct vb_cg_state cs = { 0 };
		vb_error err = { 0 };
		char r[8], self[PATH_MAX], want[PATH_MAX];
		int k = 0;

		close(p[0]);
		vb_write_file_at(AT_FDCWD, procs, "0");
		r[k++] = cg_v2_enable(&cs, base, names, flags, 1, true, &err) == 0 ? '1' : '0';
		/* Named with vb's pid and start time (cgroup.c's sweep). */
		snprintf(want, sizeof(want), "/vbunit-leaf-%d/vb-%d-%llu-leaf", (int)getppid(),
			 (int)getpid(), vb_proc_start_time(getpid()));
		r[k++] = cs.moved && cg_self_path(NULL, self, sizeof(self)) == 0 &&
					 strcmp(self, want) == 0
				 ? '1'
				 : '0';
		r[k++] = in_file(base, "cgroup.subtree_control", "hugetlb") ? '1' : '0';
		cg_v2_restore(&cs);
		snprintf(want, sizeof(want), "/vbunit-leaf-%d", (int)getppid());
		r[k++] = cg_self_path(NULL, self, sizeof(self)) == 0 && strcmp(self, want) == 0 &&
					 !is_dir(cs.leaf) &&
					 !in_file(base, "cgroup.subtree_control", "hugetlb")
				 ? '1'
				 : '0';
		(void)!write(p[1], r, (size_t)k);
		_exit(0);
	}
	close(p[1]);
	(void)!read(p[0], res, sizeof(res) - 1);
	close(p[0]);
	waitpid(c, &st, 0);
	ok(res[0] == '1', "alone in its cgroup, vb enables a v2 controller for its children");
	ok(res[1] == '1', "... after moving itself into a leaf of its own");
	ok(res[2] == '1', "... the controller is on in the parent's subtree_control");
	ok(res[3] == '1', "... and undoing puts vb back, removes the leaf, turns it off");

	/* Another process in the cgroup: the rule stands, explained. */
	other = fork();
	if (other == 0) {
		vb_write_file_at(AT_FDCWD, procs, "0");
		pause();
		_exit(0);
	}
	{
		char pid[16];

		snprintf(pid, sizeof(pid), "%d", (int)other);
		for (int i = 0; i < 100 && !in_file(base, "cgroup.procs", pid); i++)
			usleep(10000);
	}
	{
		struct vb_cg_state cs = { 0 };
		vb_error err = { 0 };
		int r;

		/* This process is not alone there (it is not there at all). */
		r = cg_v2_enable(&cs, base, names, flags, 1, true, &err);
		ok(r == -EBUSY && strstr(err.message, "processes of its own") &&
			   strstr(err.message, base) && !cs.moved,
		   "with other processes there, the rule's error names the file and the way out");
		printf("# %s\n", err.message);
	}
	kill(other, SIGKILL);
	waitpid(other, &st, 0);
	for (int i = 0; i < 100 && rmdir(base) < 0 && errno == EBUSY; i++)
		usleep(10000);
	if (enabled_root) {
		char path[PATH_MAX];

		snprintf(path, sizeof(path), "%s/cgroup.subtree_control", root);
		vb_write_file_at(AT_FDCWD, path, "-hugetlb");
	}
	ok(!is_dir(base) && (!enabled_root || !in_file(root, "cgroup.subtree_control", "hugetlb")),
	   "the v2 tree is as it was");
}

/* Two sandboxes under one parent: the first enabled a controller there, and
 * its end must not turn it off beneath the second (whose limits would go
 * with it). */
static void test_v2_shared_parent(void)
{
	const char *root = "/sys/fs/cgroup/unified", *names[] = { "hugetlb" },
		   *flags[] = { "--test" };
	struct vb_cg_state first = { 0 };
	char base[PATH_MAX], other[PATH_MAX + 16];
	bool enabled_root = false, kept, off;
	vb_error err = { 0 };

	if (!in_file(root, "cgroup.controllers", "hugetlb")) {
		skip("no cgroup v2 controller to try it with", "a shared --cgroup-parent");
		return;
	}
	if (!in_file(root, "cgroup.subtree_control", "hugetlb")) {
		char path[PATH_MAX];

		snprintf(path, sizeof(path), "%s/cgroup.subtree_control", root);
		if (vb_write_file_at(AT_FDCWD, path, "+hugetlb") < 0) {
			skip("cannot enable hugetlb in the v2 root", "a shared --cgroup-parent");
			return;
		}
		enabled_root = true;
	}
	snprintf(base, sizeof(base), "%s/vbunit-shared-%d", root, (int)getpid());
	snprintf(other, sizeof(other), "%s/second", base);
	(void)mkdir(base, 0755);
	ok(cg_v2_enable(&first, base, names, flags, 1, false, &err) == 0 &&
		   in_file(base, "cgroup.subtree_control", "hugetlb"),
	   "the first sandbox enables a controller in the shared parent");
	(void)mkdir(other, 0755); /* the second sandbox's cgroup */
	cg_v2_restore(&first);
	kept = in_file(base, "cgroup.subtree_control", "hugetlb") &&
	       in_file(other, "cgroup.controllers", "hugetlb");
	ok(kept, "its end leaves the controller on while another cgroup is there");
	(void)rmdir(other);
	cg_v2_restore(&first);
	off = !in_file(base, "cgroup.subtree_control", "hugetlb");
	ok(off, "with no other cgroup there, undoing turns it off");
	(void)rmdir(base);
	if (enabled_root) {
		char path[PATH_MAX];

		snprintf(path, sizeof(path), "%s/cgroup.subtree_control", root);
		vb_write_file_at(AT_FDCWD, path, "-hugetlb");
	}
}

int main(void)
{
	bool root = geteuid() == 0 && is_dir("/sys/fs/cgroup");

	test_parsers();
	test_setters();
	test_json();
	if (root) {
		/* First: fault steps count from this process's first vb_fault(). */
		test_cgroup_faults();
		test_cgroup_lifecycle();
		test_cgroup_errors();
		test_v2_leaf();
		test_v2_shared_parent();
	} else {
		skip("needs root and /sys/fs/cgroup", "cgroup lifecycle");
	}
	return tap_end();
}
