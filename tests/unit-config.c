/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* lib/config.c and lib/profile.c: the op list, modifiers, bwrap's messages,
 * the post-parse checks, capability names, caps on counts, and the --args
 * and profile formats.  TAP on stdout. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/capability.h>

#include "fault.h"
#include "hooks.h"
#include "net/net.h"
#include "security/security.h"
#include "supervise/cgroup.h"
#include "supervise/supervise.h"
#include "tap.h"

/* The last call failed with exactly msg (and -EINVAL unless want says). */
static void refused(int r, const vb_error *err, const char *msg, const char *what)
{
	bool good = r < 0 && strcmp(err->message, msg) == 0;

	ok(good, "%s: \"%s\"", what, msg);
	if (!good)
		printf("# got r=%d message \"%s\"\n", r, r < 0 ? err->message : "");
}

static char last_warning[VB_ERROR_MESSAGE_MAX];
static int n_warnings;
static void log_fn(void *userdata, int level, const char *message)
{
	(void)userdata;
	if (level == VB_LOG_WARNING) {
		n_warnings++;
		snprintf(last_warning, sizeof(last_warning), "%s", message);
	}
}

static vb_config *fresh(void)
{
	vb_config *cfg = vb_config_new();

	if (!cfg) {
		printf("Bail out! vb_config_new\n");
		exit(1);
	}
	/* Tests describe an ordinary root caller unless they say otherwise. */
	cfg->is_privileged = false;
	cfg->real_uid = 0;
	cfg->real_gid = 0;
	vb_config_set_log_fn(cfg, log_fn, NULL);
	return cfg;
}

static char *const cmd[] = { "true", NULL };

/* validate with a command: returns r, err filled. */
static int check(vb_config *cfg, vb_error *err)
{
	if (!cfg->argv)
		(void)vb_config_set_command(cfg, 1, cmd, err);
	return vb_config_validate(cfg, err);
}

static void test_ops(void)
{
	vb_config *cfg = fresh();
	vb_error err = { 0 };
	int p[2];
	bool all = true;

	all &= vb_config_add_op(cfg, VB_OP_RO_BIND, "/usr", "/usr", &err) == 0;
	all &= vb_config_set_perms(cfg, 0700, &err) == 0;
	all &= vb_config_add_op(cfg, VB_OP_DIR, NULL, "/d", &err) == 0;
	all &= vb_config_set_size(cfg, 4096, &err) == 0;
	all &= vb_config_set_perms(cfg, 01777, &err) == 0;
	all &= vb_config_add_op(cfg, VB_OP_TMPFS, NULL, "/tmp", &err) == 0;
	all &= vb_config_add_op(cfg, VB_OP_SYMLINK, "usr/bin", "/bin", &err) == 0;
	all &= vb_config_add_chmod(cfg, 0755, "/d", &err) == 0;
	all &= pipe2(p, O_CLOEXEC) == 0;
	all &= vb_config_set_perms(cfg, 0600, &err) == 0;
	all &= vb_config_add_op_fd(cfg, VB_OP_FILE, p[0], "/f", &err) == 0;
	all &= vb_config_add_op(cfg, VB_OP_OVERLAY_SRC, "/a", NULL, &err) == 0;
	all &= vb_config_add_op(cfg, VB_OP_OVERLAY_SRC, NULL, "/b", &err) == 0;
	all &= vb_config_add_overlay(cfg, VB_OP_RO_OVERLAY, NULL, NULL, "/o", &err) == 0;
	ok(all, "a mixed list of ops is accepted (%s)", all ? "" : err.message);
	ok(cfg->n_ops == 9, "nine ops, in argv order (got %zu)", cfg->n_ops);
	if (cfg->n_ops == 9) {
		static const enum vb_op_type want[] = {
			VB_OP_RO_BIND,     VB_OP_DIR,         VB_OP_TMPFS,
			VB_OP_SYMLINK,     VB_OP_CHMOD,       VB_OP_FILE,
			VB_OP_OVERLAY_SRC, VB_OP_OVERLAY_SRC, VB_OP_RO_OVERLAY,
		};
		bool order = true;

		for (size_t i = 0; i < ARRAY_SIZE(want); i++)
			order &= cfg->ops[i].type == want[i];
		ok(order, "op types in order");
		ok(strcmp(cfg->ops[0].src, "/usr") == 0 && strcmp(cfg->ops[0].dst, "/usr") == 0 &&
			   !cfg->ops[0].have_perms && cfg->ops[0].fd == -1,
		   "bind: src, dst, no perms, fd -1");
		ok(cfg->ops[1].have_perms && cfg->ops[1].perms == 0700 && !cfg->ops[1].have_size,
		   "--perms attaches to the next op (--dir)");
		ok(cfg->ops[2].have_perms && cfg->ops[2].perms == 01777 && cfg->ops[2].have_size &&
			   cfg->ops[2].size == 4096,
		   "--size then --perms both attach to --tmpfs");
		ok(!cfg->ops[3].have_perms && strcmp(cfg->ops[3].src, "usr/bin") == 0,
		   "the modifiers were consumed; symlink target in src");
		ok(cfg->ops[4].chmod_mode == 0755 && strcmp(cfg->ops[4].dst, "/d") == 0, "--chmod");
		ok(cfg->ops[5].fd == p[0] && cfg->ops[5].have_perms && cfg->ops[5].perms == 0600,
		   "--file keeps its fd and perms");
		ok(strcmp(cfg->ops[6].src, "/a") == 0 && strcmp(cfg->ops[7].src, "/b") == 0 &&
			   !cfg->ops[7].dst,
		   "--overlay-src takes its path either way");
		ok(cfg->ops[8].n_overlay_src == 2 && strcmp(cfg->ops[8].dst, "/o") == 0,
		   "--ro-overlay counts the sources before it");
	}
	ok(!cfg->pending_perms && !cfg->pending_size, "nothing left pending");
	ok(check(cfg, &err) == 0 && cfg->validated, "validates");
	ok(vb_config_add_op(cfg, VB_OP_DIR, NULL, "/e", &err) == 0 && !cfg->validated,
	   "a later setter clears validated");
	vb_config_free(cfg);
	ok(fcntl(p[0], F_GETFD) < 0 && errno == EBADF, "vb_config_free closes op fds");
	(void)close(p[1]);
}

static void test_modifiers(void)
{
	static const struct {
		enum vb_op_type type;
		bool perms;
	} ops[] = {
		{ VB_OP_BIND, false },     { VB_OP_RO_BIND, false },     { VB_OP_DEV_BIND, false },
		{ VB_OP_SYMLINK, false },  { VB_OP_REMOUNT_RO, false },  { VB_OP_PROC, false },
		{ VB_OP_DEV, false },      { VB_OP_MQUEUE, false },      { VB_OP_DIR, true },
		{ VB_OP_TMPFS, true },     { VB_OP_BIND_FD, false },     { VB_OP_FILE, true },
		{ VB_OP_BIND_DATA, true }, { VB_OP_RO_BIND_DATA, true }, { VB_OP_CHMOD, false },
	};
	vb_error err = { 0 };
	vb_config *cfg;
	int r;

	for (size_t i = 0; i < ARRAY_SIZE(ops); i++) {
		bool fdop = ops[i].type == VB_OP_BIND_FD || ops[i].type == VB_OP_FILE ||
			    ops[i].type == VB_OP_BIND_DATA || ops[i].type == VB_OP_RO_BIND_DATA;

		cfg = fresh();
		(void)vb_config_set_perms(cfg, 0700, &err);
		if (ops[i].type == VB_OP_CHMOD)
			r = vb_config_add_chmod(cfg, 0700, "/x", &err);
		else if (fdop)
			r = vb_config_add_op_fd(cfg, ops[i].type, dup(0), "/x", &err);
		else
			r = vb_config_add_op(cfg, ops[i].type, "/s", "/x", &err);
		if (ops[i].perms)
			ok(r == 0 && cfg->n_ops == 1 && cfg->ops[0].have_perms,
			   "--perms before %s is taken", vb_op_flag(ops[i].type));
		else
			ok(r == -EINVAL && cfg->n_ops == 0 &&
				   strcmp(err.message, "--perms must be followed by an option that "
						       "creates a file") == 0,
			   "--perms before %s is refused, nothing added", vb_op_flag(ops[i].type));
		vb_config_free(cfg);

		cfg = fresh();
		(void)vb_config_set_size(cfg, 100, &err);
		if (ops[i].type == VB_OP_CHMOD)
			r = vb_config_add_chmod(cfg, 0700, "/x", &err);
		else if (fdop)
			r = vb_config_add_op_fd(cfg, ops[i].type, dup(0), "/x", &err);
		else
			r = vb_config_add_op(cfg, ops[i].type, "/s", "/x", &err);
		if (ops[i].type == VB_OP_TMPFS)
			ok(r == 0 && cfg->ops[0].have_size && cfg->ops[0].size == 100,
			   "--size before --tmpfs is taken");
		else
			ok(r < 0 && strcmp(err.message, "--size must be followed by --tmpfs") == 0,
			   "--size before %s is refused", vb_op_flag(ops[i].type));
		vb_config_free(cfg);
	}

	cfg = fresh();
	(void)vb_config_set_perms(cfg, 0700, &err);
	r = vb_config_set_new_session(cfg, true, &err);
	refused(r, &err, "--perms must be followed by an option that creates a file",
		"--perms then a non-op option");
	ok(!cfg->new_session, "the refused option changed nothing");
	r = vb_config_set_perms(cfg, 0700, &err);
	refused(r, &err, "--perms given twice for the same action", "--perms twice");
	r = vb_config_cap_add(cfg, "bogus", &err);
	refused(r, &err, "unknown cap: bogus", "the option's own error comes first");
	r = vb_config_option_end(cfg, &err);
	refused(r, &err, "--perms must be followed by an option that creates a file",
		"vb_config_option_end() applies the same checks for modules");
	vb_config_free(cfg);

	cfg = fresh();
	r = vb_config_set_perms(cfg, 010000, &err);
	refused(r, &err, "--perms takes an octal argument <= 07777", "--perms 010000");
	r = vb_config_add_chmod(cfg, 010000, "/x", &err);
	refused(r, &err, "--chmod takes an octal argument <= 07777", "--chmod 010000");
	r = vb_config_set_size(cfg, 0, &err);
	refused(r, &err, "--size takes a non-zero number of bytes", "--size 0");
	r = vb_config_set_size(cfg, UINT64_MAX, &err);
	ok(r < 0 && strncmp(err.message, "--size (for tmpfs) is limited to ", 33) == 0,
	   "--size too large: \"%s\"", err.message);
	(void)vb_config_set_size(cfg, 1, &err);
	r = vb_config_set_size(cfg, 1, &err);
	refused(r, &err, "--size given twice for the same action", "--size twice");
	vb_config_free(cfg);

	cfg = fresh();
	cfg->is_privileged = true;
	r = vb_config_set_size(cfg, 1, &err);
	refused(r, &err, "The --size option is not permitted in setuid mode", "setuid --size");
	vb_config_free(cfg);
}

static void test_overlays(void)
{
	static const char *const msg_src =
		"--overlay-src must be followed by another --overlay-src or one of --overlay, "
		"--tmp-overlay, or --ro-overlay";
	vb_error err = { 0 };
	vb_config *cfg;
	int r;

	cfg = fresh();
	r = vb_config_add_overlay(cfg, VB_OP_OVERLAY, "/rw", "/work", "/d", &err);
	refused(r, &err, "--overlay requires at least one --overlay-src", "--overlay alone");
	r = vb_config_add_overlay(cfg, VB_OP_TMP_OVERLAY, NULL, NULL, "/d", &err);
	refused(r, &err, "--tmp-overlay requires at least one --overlay-src",
		"--tmp-overlay alone");
	(void)vb_config_add_op(cfg, VB_OP_OVERLAY_SRC, "/a", NULL, &err);
	r = vb_config_add_overlay(cfg, VB_OP_RO_OVERLAY, NULL, NULL, "/d", &err);
	refused(r, &err, "--ro-overlay requires at least two --overlay-src",
		"--ro-overlay, one source");
	r = vb_config_add_op(cfg, VB_OP_DIR, NULL, "/x", &err);
	refused(r, &err, msg_src, "--overlay-src then --dir");
	r = vb_config_set_new_session(cfg, true, &err);
	refused(r, &err, msg_src, "--overlay-src then --new-session");
	r = vb_config_set_perms(cfg, 0700, &err);
	refused(r, &err, msg_src, "--overlay-src then --perms (modifiers too)");
	r = check(cfg, &err);
	refused(r, &err, msg_src, "validate: --overlay-src at the end");
	r = vb_config_add_overlay(cfg, VB_OP_OVERLAY, "/rw", "/work", "/d", &err);
	ok(r == 0 && cfg->ops[cfg->n_ops - 1].n_overlay_src == 1 &&
		   strcmp(cfg->ops[cfg->n_ops - 1].src, "/rw") == 0 &&
		   strcmp(cfg->ops[cfg->n_ops - 1].workdir, "/work") == 0,
	   "--overlay RWSRC WORKDIR DEST with one source");
	r = vb_config_add_overlay(cfg, VB_OP_TMP_OVERLAY, NULL, NULL, "/e", &err);
	refused(r, &err, "--tmp-overlay requires at least one --overlay-src",
		"an overlay consumes its sources");
	r = vb_config_add_overlay(cfg, VB_OP_OVERLAY, "/rw", NULL, "/d", &err);
	refused(r, &err, "--overlay takes three arguments", "--overlay without WORKDIR");
	ok(check(cfg, &err) == 0, "validates");
	vb_config_free(cfg);

	cfg = fresh();
	(void)vb_config_set_perms(cfg, 0700, &err);
	r = vb_config_add_op(cfg, VB_OP_OVERLAY_SRC, "/a", NULL, &err);
	refused(r, &err, "--perms must be followed by an option that creates a file",
		"--perms then --overlay-src");
	vb_config_free(cfg);

	cfg = fresh();
	cfg->is_privileged = true;
	r = vb_config_add_op(cfg, VB_OP_OVERLAY_SRC, "/a", NULL, &err);
	refused(r, &err, "The --overlay-src option is not permitted in setuid mode",
		"setuid --overlay-src");
	r = vb_config_add_overlay(cfg, VB_OP_OVERLAY, "/a", "/b", "/c", &err);
	refused(r, &err, "The --overlay option is not permitted in setuid mode",
		"setuid --overlay");
	r = vb_config_add_overlay(cfg, VB_OP_TMP_OVERLAY, NULL, NULL, "/c", &err);
	refused(r, &err, "The --tmp-overlay option is not permitted in setuid mode",
		"setuid --tmp-overlay");
	r = vb_config_add_overlay(cfg, VB_OP_RO_OVERLAY, NULL, NULL, "/c", &err);
	refused(r, &err, "The --ro-overlay option is not permitted in setuid mode",
		"setuid --ro-overlay");
	vb_config_free(cfg);
}

static void test_setters(void)
{
	vb_error err = { 0 };
	vb_config *cfg = fresh();
	int r, p[2];

	r = vb_config_add_op(cfg, VB_OP_BIND, "/a", NULL, &err);
	refused(r, &err, "--bind takes two arguments", "--bind without DEST");
	r = vb_config_add_op(cfg, VB_OP_DIR, NULL, NULL, &err);
	refused(r, &err, "--dir takes an argument", "--dir without DEST");
	r = vb_config_add_op_fd(cfg, VB_OP_RO_BIND_FD, 0, NULL, &err);
	refused(r, &err, "--bind-fd takes two arguments", "--ro-bind-fd says --bind-fd (bwrap)");
	r = vb_config_add_op_fd(cfg, VB_OP_FILE, -1, "/f", &err);
	refused(r, &err, "Invalid fd: -1", "--file -1");
	r = vb_config_set_sync_fd(cfg, -1, &err);
	refused(r, &err, "Invalid fd: -1", "--sync-fd -1");
	ok(vb_config_set_userns_fd(cfg, 0, &err) == 0 && cfg->userns_fd == 0, "fd 0 is a valid fd");
	r = vb_config_setenv(cfg, "A=B", "x", &err);
	refused(r, &err, "setenv failed", "--setenv with '=' in the name");
	r = vb_config_setenv(cfg, "", "x", &err);
	refused(r, &err, "setenv failed", "--setenv with an empty name");
	r = vb_config_unsetenv(cfg, "", &err);
	refused(r, &err, "unsetenv failed", "--unsetenv with an empty name");
	r = vb_config_set_argv0(cfg, "a", &err);
	r = vb_config_set_argv0(cfg, "b", &err);
	refused(r, &err, "--argv0 used multiple times", "--argv0 twice");
	ok(strcmp(cfg->argv0, "a") == 0, "the first --argv0 stays");

	ok(vb_config_clearenv(cfg, &err) == 0 && vb_config_setenv(cfg, "A", "1", &err) == 0 &&
		   vb_config_unsetenv(cfg, "B", &err) == 0 && cfg->n_env == 3 &&
		   cfg->env[0].kind == VB_ENV_CLEAR && cfg->env[1].kind == VB_ENV_SET &&
		   strcmp(cfg->env[1].value, "1") == 0 && cfg->env[2].kind == VB_ENV_UNSET,
	   "environment edits kept in order");

	n_warnings = 0;
	(void)vb_config_set_chdir(cfg, "/a", &err);
	(void)vb_config_set_chdir(cfg, "/b", &err);
	ok(n_warnings == 1 &&
		   strcmp(last_warning, "Only the last --chdir option will take effect") == 0 &&
		   strcmp(cfg->chdir_path, "/b") == 0,
	   "a second --chdir warns, the last wins");
	(void)vb_config_set_uid(cfg, 1, &err);
	(void)vb_config_set_uid(cfg, 2, &err);
	ok(n_warnings == 2 &&
		   strcmp(last_warning, "Only the last --uid option will take effect") == 0 &&
		   cfg->uid == 2,
	   "a second --uid warns");
	(void)vb_config_set_info_fd(cfg, 1, &err);
	(void)vb_config_set_info_fd(cfg, 2, &err);
	ok(n_warnings == 3 &&
		   strcmp(last_warning, "Only the last --info-fd option will take effect") == 0,
	   "a second --info-fd warns");
	(void)vb_config_set_hostname(cfg, "a", &err);
	(void)vb_config_set_hostname(cfg, "b", &err);
	ok(n_warnings == 4 &&
		   strcmp(last_warning, "Only the last --hostname option will take effect") == 0,
	   "a second --hostname warns");

	ok(pipe2(p, O_CLOEXEC) == 0 && vb_config_set_seccomp_fd(cfg, p[0], &err) == 0 &&
		   vb_config_set_seccomp_fd(cfg, p[1], &err) == 0 && n_warnings == 5 &&
		   strcmp(last_warning, "Only the last --seccomp option will take effect") == 0 &&
		   cfg->n_seccomp_fds == 1 && cfg->seccomp_fds[0] == p[1],
	   "a second --seccomp warns and replaces the first");
	/* The configuration owns both: the first is closed, not forgotten
	 * (forgotten, it reached the command). */
	ok(fcntl(p[0], F_GETFD) < 0 && errno == EBADF, "the first --seccomp fd is closed");
	r = vb_config_add_seccomp_fd(cfg, p[1], &err);
	refused(r, &err, "--add-seccomp-fd cannot be combined with --seccomp",
		"--seccomp, --add-seccomp-fd");
	vb_config_free(cfg);
	ok(fcntl(p[1], F_GETFD) < 0, "vb_config_free closes the seccomp fd it owns");

	cfg = fresh();
	r = vb_config_add_seccomp_fd(cfg, 999, &err);
	ok(r == -EBADF && strcmp(err.message, "Can't read seccomp data") == 0 && err.error == EBADF,
	   "--add-seccomp-fd of a closed fd: Can't read seccomp data: EBADF");
	ok(vb_config_add_seccomp_fd(cfg, dup(0), &err) == 0, "--add-seccomp-fd of an open fd");
	r = vb_config_set_seccomp_fd(cfg, 0, &err);
	refused(r, &err, "--seccomp cannot be combined with --add-seccomp-fd",
		"--add-seccomp-fd, --seccomp");
	vb_config_free(cfg);
}

static void test_unshare(void)
{
	vb_error err = { 0 };
	vb_config *cfg = fresh();

	ok(vb_config_unshare(cfg, 1u << 7, false, &err) < 0, "unknown namespace bits refused");
	(void)vb_config_unshare(cfg, VB_NS_USER, false, &err);
	(void)vb_config_unshare(cfg, VB_NS_USER | VB_NS_CGROUP, true, &err);
	ok((cfg->unshare & VB_NS_USER) && !(cfg->unshare_try & VB_NS_USER) &&
		   (cfg->unshare_try & VB_NS_CGROUP),
	   "--unshare-user then a try variant stays required");
	(void)vb_config_unshare(cfg, VB_NS_NET, false, &err);
	(void)vb_config_share(cfg, VB_NS_NET, &err);
	ok(!(cfg->unshare & VB_NS_NET), "--share-net undoes --unshare-net");
	(void)vb_config_unshare(cfg, VB_NS_CGROUP, false, &err);
	ok(!(cfg->unshare_try & VB_NS_CGROUP), "a strict request after a try one is strict");
	vb_config_free(cfg);
}

/* Each post-parse rule: build, validate, compare the message. */
static void test_validate(void)
{
	vb_error err = { 0 };
	vb_config *cfg;
	int r;

#define CASE(setup, msg)                                    \
	do {                                                \
		cfg = fresh();                              \
		setup;                                      \
		r = check(cfg, &err);                       \
		refused(r, &err, msg, "validate: " #setup); \
		vb_config_free(cfg);                        \
	} while (0)

	CASE((void)vb_config_set_uid(cfg, 5, &err),
	     "Specifying --uid requires --unshare-user or --userns");
	CASE((void)vb_config_set_gid(cfg, 5, &err),
	     "Specifying --gid requires --unshare-user or --userns");
	CASE((void)vb_config_set_hostname(cfg, "h", &err),
	     "Specifying --hostname requires --unshare-uts");
	CASE((void)vb_config_set_as_pid_1(cfg, true, &err),
	     "Specifying --as-pid-1 requires --unshare-pid");
	CASE(((void)vb_config_unshare(cfg, VB_NS_PID, false, &err),
	      (void)vb_config_set_as_pid_1(cfg, true, &err),
	      (void)vb_config_add_lock_file(cfg, "/l", &err)),
	     "Specifying --as-pid-1 and --lock-file is not permitted");
	CASE((void)vb_config_set_userns_block_fd(cfg, 5, &err),
	     "--userns-block-fd requires --unshare-user");
	CASE(((void)vb_config_unshare(cfg, VB_NS_USER, true, &err),
	      (void)vb_config_set_userns_block_fd(cfg, 5, &err)),
	     "--userns-block-fd requires --unshare-user");
	CASE(((void)vb_config_unshare(cfg, VB_NS_USER, false, &err),
	      (void)vb_config_set_userns_block_fd(cfg, 5, &err)),
	     "--userns-block-fd requires --info-fd");
	CASE(((void)vb_config_unshare(cfg, VB_NS_USER, false, &err),
	      (void)vb_config_set_userns_fd(cfg, 5, &err)),
	     "--userns not compatible --unshare-user");
	CASE(((void)vb_config_unshare(cfg, VB_NS_USER, true, &err),
	      (void)vb_config_set_userns_fd(cfg, 5, &err)),
	     "--userns not compatible --unshare-user-try");
	CASE((void)vb_config_disable_userns(cfg, &err), "--disable-userns requires --unshare-user");
	CASE(((void)vb_config_unshare(cfg, VB_NS_USER, false, &err),
	      (void)vb_config_disable_userns(cfg, &err), (void)vb_config_set_info_fd(cfg, 6, &err),
	      (void)vb_config_set_userns_block_fd(cfg, 5, &err)),
	     "--disable-userns is not compatible with  --userns-block-fd");
	CASE((cfg->is_privileged = true, cfg->real_uid = 1000,
	      (void)vb_config_set_userns_fd(cfg, 5, &err)),
	     "--userns doesn't work in setuid mode");
	CASE((cfg->is_privileged = true, cfg->real_uid = 1000,
	      (void)vb_config_set_userns2_fd(cfg, 5, &err)),
	     "--userns2 doesn't work in setuid mode");
	CASE((cfg->is_privileged = true, cfg->real_uid = 1000,
	      (void)vb_config_cap_add(cfg, "CAP_CHOWN", &err),
	      (void)vb_config_set_userns_block_fd(cfg, 5, &err)),
	     "--cap-add in setuid mode can be used only by root");
	CASE((cfg->is_privileged = true, cfg->real_uid = 1000,
	      (void)vb_config_set_uid(cfg, 0, &err)),
	     "Specifying --uid requires --unshare-user or --userns");
#undef CASE

	/* What is fine. */
	cfg = fresh();
	cfg->is_privileged = true;
	cfg->real_uid = 1000;
	(void)vb_config_cap_add(cfg, "CAP_CHOWN", &err);
	(void)vb_config_cap_drop(cfg, "ALL", &err);
	ok(check(cfg, &err) == 0, "setuid: --cap-add X --cap-drop ALL is fine (nothing added)");
	vb_config_free(cfg);
	cfg = fresh();
	cfg->real_uid = 1000;
	(void)vb_config_set_uid(cfg, 5, &err);
	ok(check(cfg, &err) == 0, "an ordinary user may give --uid (a user namespace is implied)");
	vb_config_free(cfg);
	cfg = fresh();
	(void)vb_config_set_uid(cfg, 0, &err);
	ok(check(cfg, &err) == 0, "root: --uid 0 (its own) needs no user namespace");
	vb_config_free(cfg);
	cfg = fresh();
	(void)vb_config_unshare(cfg, VB_NS_USER, true, &err);
	(void)vb_config_set_uid(cfg, 5, &err);
	ok(check(cfg, &err) == 0, "--unshare-user-try allows --uid");
	vb_config_free(cfg);

	cfg = fresh();
	(void)vb_config_set_userns_block_fd(cfg, 5, &err);
	r = vb_config_validate(cfg, &err);
	ok(r == -EINVAL && strcmp(err.message, "--userns-block-fd requires --unshare-user") == 0,
	   "without a command, an earlier rule fails first");
	vb_config_free(cfg);
	cfg = fresh();
	(void)vb_config_set_hostname(cfg, "h", &err);
	r = vb_config_validate(cfg, &err);
	ok(r == -ENOEXEC && err.error == 0, "no command: -ENOEXEC before the later rules");
	vb_config_free(cfg);
}

static void test_caps(void)
{
	static const struct {
		const char *name;
		int bit;
	} good[] = {
		{ "CAP_SYS_ADMIN", CAP_SYS_ADMIN }, { "cap_sys_admin", CAP_SYS_ADMIN },
		{ "Cap_Chown", CAP_CHOWN },         { "sys_admin", CAP_SYS_ADMIN },
		{ "NET_RAW", CAP_NET_RAW },         { "5", 5 },
	};
	static const char *const bad[] = { "bogus", "cap_bogus", "", "CAP_", "99", "ALLX" };
	vb_error err = { 0 };
	vb_config *cfg;
	int r;

	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		cfg = fresh();
		r = vb_config_cap_add(cfg, good[i].name, &err);
		ok(r == 0 && cfg->caps_add == (UINT64_C(1) << good[i].bit) && cfg->caps_set,
		   "cap name '%s'", good[i].name);
		vb_config_free(cfg);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		char msg[128];

		cfg = fresh();
		r = vb_config_cap_drop(cfg, bad[i], &err);
		snprintf(msg, sizeof(msg), "unknown cap: %s", bad[i]);
		refused(r, &err, msg, "bad cap name");
		vb_config_free(cfg);
	}
	cfg = fresh();
	ok(vb_config_cap_add(cfg, "all", &err) == 0 && cfg->caps_add == caps_all_mask() &&
		   cfg->caps_add != 0,
	   "ALL (any case) is every cap libcap knows");
	ok(vb_config_cap_drop(cfg, "CAP_CHOWN", &err) == 0 &&
		   !(cfg->caps_add & (UINT64_C(1) << CAP_CHOWN)) &&
		   (cfg->caps_drop & (UINT64_C(1) << CAP_CHOWN)),
	   "a drop after an add removes it from the add set");
	ok(vb_config_cap_add(cfg, "CAP_CHOWN", &err) == 0 &&
		   !(cfg->caps_drop & (UINT64_C(1) << CAP_CHOWN)),
	   "an add after a drop removes it from the drop set");
	vb_config_free(cfg);
}

static void test_limits(void)
{
	vb_error err = { 0 };
	vb_config *cfg = fresh();
	char *long_path = malloc(VB_MAX_STRING + 2);
	int r = 0;
	size_t i;

	memset(long_path, 'a', VB_MAX_STRING + 1);
	long_path[0] = '/';
	long_path[VB_MAX_PATH] = '\0';
	r = vb_config_add_op(cfg, VB_OP_DIR, NULL, long_path, &err);
	ok(r == -ENAMETOOLONG && cfg->n_ops == 0,
	   "a path of VB_MAX_PATH bytes or more: -ENAMETOOLONG, nothing added");
	/* bwrap takes long values (a --setenv value of a few KiB); only
	 * what no execve() could pass is refused. */
	r = vb_config_setenv(cfg, "X", long_path, &err);
	ok(r == 0, "a value longer than a path is taken");
	long_path[VB_MAX_PATH] = 'a';
	long_path[VB_MAX_STRING + 1] = '\0';
	r = vb_config_set_hostname(cfg, long_path, &err);
	ok(r == -E2BIG, "an argument longer than VB_MAX_STRING: -E2BIG");
	free(long_path);

	for (i = 0, r = 0; i < 64 && r >= 0; i++)
		r = vb_config_add_lock_file(cfg, "/l", &err);
	r = vb_config_add_lock_file(cfg, "/l", &err);
	ok(i == 64 && r == -EINVAL && cfg->n_lock_files == 64, "at most 64 --lock-file");

	for (i = 0, r = 0; i < VB_MAX_OPS && r == 0; i++)
		r = vb_config_add_op(cfg, VB_OP_DIR, NULL, "/d", &err);
	r = vb_config_add_op(cfg, VB_OP_DIR, NULL, "/d", &err);
	ok(cfg->n_ops == VB_MAX_OPS && r == -EINVAL, "at most VB_MAX_OPS ops (%d)", VB_MAX_OPS);
	vb_config_free(cfg);

	cfg = fresh();
	r = vb_config_set_command(cfg, VB_MAX_ARGS + 1, cmd, &err);
	ok(r == -EINVAL && !cfg->argv, "a command of more than VB_MAX_ARGS arguments is refused");
	r = vb_config_set_command(cfg, 0, cmd, &err);
	ok(r < 0, "an empty command is refused");
	vb_config_free(cfg);
	ok(vb_config_free(NULL) == NULL, "vb_config_free(NULL)");
}

static void test_formats(void)
{
	static const char args[] = "--bind\0/a b\0/c\0\0--dir\0/x";
	char **v = NULL;
	int n = -1;

	ok(vb_args_parse(args, sizeof(args) - 1, &v, &n) == 0 && n == 6 && v &&
		   strcmp(v[0], "--bind") == 0 && strcmp(v[1], "/a b") == 0 && v[3][0] == '\0' &&
		   strcmp(v[5], "/x") == 0 && v[6] == NULL,
	   "--args: NUL-separated, empty pieces kept, last piece without NUL");
	v = vb_strv_free(v);
	ok(vb_args_parse("", 0, &v, &n) == 0 && n == 0 && v && !v[0], "--args: empty data");
	v = vb_strv_free(v);
	ok(vb_args_parse("a\0", 2, &v, &n) == 0 && n == 1,
	   "--args: a trailing NUL ends the last piece");
	v = vb_strv_free(v);

	ok(vb_profile_parse("# c\n--ro-bind\r\n/\n\n/\n  # not a comment\nx#y\n", &v, &n) == 0 &&
		   n == 5 && strcmp(v[0], "--ro-bind") == 0 && strcmp(v[1], "/") == 0 &&
		   strcmp(v[3], "  # not a comment") == 0 && strcmp(v[4], "x#y") == 0,
	   "profile: one argument a line, '#' comments at line start, blank lines and CRs dropped");
	v = vb_strv_free(v);
	ok(vb_profile_parse("", &v, &n) == 0 && n == 0 && v && !v[0], "profile: empty text");
	v = vb_strv_free(v);

	ok(vb_profile_builtin("nosuch") == NULL && vb_profile_builtin(NULL) == NULL,
	   "no such built-in profile");
	for (int k = 0; k < 2; k++) {
		const char *name = k ? "host-ro" : "minimal";
		const char *text = vb_profile_builtin(name);
		bool unshare_all = false, share_net = false;

		ok(text && vb_profile_parse(text, &v, &n) == 0 && n > 0,
		   "built-in profile %s parses", name);
		for (int j = 0; v && j < n; j++) {
			unshare_all |= strcmp(v[j], "--unshare-all") == 0;
			share_net |= strcmp(v[j], "--share-net") == 0 && unshare_all;
		}
		if (!k)
			ok(unshare_all && share_net, "minimal: --unshare-all then --share-net");
		v = vb_strv_free(v);
	}
	ok(vb_version() && strchr(vb_version(), '.'), "vb_version: %s", vb_version());
	ok(strcmp(vb_op_flag(VB_OP_RO_BIND_DATA), "--ro-bind-data") == 0 &&
		   strcmp(vb_op_flag(VB_OP_TYPE_MAX), "?") == 0,
	   "vb_op_flag");
}

/* ---- a refused setter changes nothing ------------------------------------- */

/* The modules' config structs, as bytes; absent ones as "none". */
struct module_bytes {
	bool have[4];
	unsigned char cg[sizeof(struct vb_cg_config)], sup[sizeof(struct vb_sup_config)],
		net[sizeof(struct vb_net_config)], sec[sizeof(struct vb_sec_config)];
};

static void module_bytes(const vb_config *cfg, struct module_bytes *m)
{
	memset(m, 0, sizeof(*m));
	if ((m->have[0] = cfg->cg))
		memcpy(m->cg, cfg->cg, sizeof(m->cg));
	if ((m->have[1] = cfg->sup))
		memcpy(m->sup, cfg->sup, sizeof(m->sup));
	if ((m->have[2] = cfg->net))
		memcpy(m->net, cfg->net, sizeof(m->net));
	if ((m->have[3] = cfg->sec))
		memcpy(m->sec, cfg->sec, sizeof(m->sec));
}

static const char *refused_pass;

static void refused_same(vb_config *cfg, int r, const struct module_bytes *before, const char *what)
{
	struct module_bytes after;

	module_bytes(cfg, &after);
	ok(r < 0 && memcmp(before, &after, sizeof(after)) == 0, "refused %s changes nothing (%s)",
	   what, refused_pass);
	if (r >= 0)
		diag("it was accepted");
}

#define REFUSED(call)                                       \
	do {                                                \
		struct module_bytes before_;                \
		module_bytes(cfg, &before_);                \
		refused_same(cfg, (call), &before_, #call); \
	} while (0)

static void refused_round(vb_config *cfg, const char *policy_file)
{
	/* cgroup limits */
	REFUSED(vb_config_memory(cfg, 100, NULL));
	REFUSED(vb_config_cpus(cfg, 0, NULL));
	REFUSED(vb_config_cpu_weight(cfg, 0, NULL));
	REFUSED(vb_config_pids_max(cfg, 0, NULL));
	REFUSED(vb_config_io_weight(cfg, 10001, NULL));
	REFUSED(vb_config_cgroup_parent(cfg, "relative", NULL));
	/* supervision */
	REFUSED(vb_config_status_fd(cfg, -1, NULL));
	REFUSED(vb_config_rlimit(cfg, 99, 1, 1, NULL));
	REFUSED(vb_config_rlimit(cfg, RLIMIT_NOFILE, 10, 5, NULL));
	REFUSED(vb_config_timeout(cfg, 0, NULL));
	REFUSED(vb_config_timeout_signal(cfg, 0, NULL));
	REFUSED(vb_config_kill_after(cfg, 0, NULL));
	/* network */
	REFUSED(vb_config_net(cfg, "bogus", NULL));
	REFUSED(vb_config_net(cfg, "bridge:-x", NULL));
	REFUSED(vb_config_net_subnet(cfg, "10.1.2.3/8", NULL));
	REFUSED(vb_config_net_ip(cfg, "300.1.1.1", NULL));
	REFUSED(vb_config_net_mac(cfg, "00:00:00:00:00:00", NULL));
	REFUSED(vb_config_net_mac(cfg, "03:02:03:04:05:06", NULL));
	REFUSED(vb_config_net_mtu(cfg, 100, NULL));
	REFUSED(vb_config_net_subnet6(cfg, "fd00::1/64", NULL));
	REFUSED(vb_config_net_publish(cfg, "x:y", NULL));
	REFUSED(vb_config_net_dns(cfg, "nowhere", NULL));
	/* security */
	REFUSED(vb_config_seccomp_policy(cfg, "nosuchpolicy", NULL));
	REFUSED(vb_config_seccomp_policy(cfg, policy_file, NULL));
	REFUSED(vb_config_seccomp_allow(cfg, "mout", NULL));
	REFUSED(vb_config_seccomp_deny(cfg, "mount:EBOGUS", NULL));
	REFUSED(vb_config_seccomp_default_action(cfg, "maybe", NULL));
	REFUSED(vb_config_landlock_scope(cfg, "signal,bogus", NULL));
	REFUSED(vb_config_seccomp_learn(cfg, "", NULL));
	REFUSED(vb_config_seccomp_learn(cfg, "/nonexistent-vb-unit/f", NULL));
}

static void test_refused(void)
{
	char pol[] = "/tmp/vb-unit-policy-XXXXXX";
	int fd = mkstemp(pol);
	vb_config *cfg = vb_config_new();
	struct vb_sandbox sb = { .cfg = cfg, .pidfd = -1, .cgroup_fd = -1 };
	vb_error err = { 0 };

	/* Two good lines, then one that is not. */
	if (fd < 0 || write(fd, "default allow\ndeny mount\nallow nosuchcall\n", 42) != 42)
		diag("cannot write %s", pol);
	if (fd >= 0)
		(void)close(fd);

	/* A fresh configuration: no module state appears. */
	refused_pass = "fresh config";
	refused_round(cfg, pol);
	ok(!cfg->cg && !cfg->sup && !cfg->net && !cfg->sec, "no module state after refused calls");
	/* So the sandbox gets no cgroup (before: one without limits). */
	ok(cg_prepare(&sb, &err) == 0 && sb.cg == NULL,
	   "after a refused vb_config_memory(), no cgroup is made");
	vb_rollback_unwind(&sb.rb); /* what a failure above made */
	free(sb.rb.items);

	/* With every module set up: each stays as it was. */
	ok(vb_config_memory(cfg, 1 << 20, NULL) == 0 &&
		   vb_config_timeout(cfg, 5000000, NULL) == 0 &&
		   vb_config_rlimit(cfg, RLIMIT_NOFILE, 64, 64, NULL) == 0 &&
		   vb_config_net(cfg, "none", NULL) == 0 &&
		   vb_config_net_mac(cfg, "02:42:ac:11:00:02", NULL) == 0 &&
		   vb_config_seccomp_policy(cfg, "build", NULL) == 0 &&
		   vb_config_seccomp_learn(cfg, "/tmp/vb-unit-learned", NULL) == 0,
	   "good calls of every module accepted");
	refused_pass = "set-up config";
	refused_round(cfg, pol);
	ok(cfg->sec && cfg->sec->n_rules > 0 && cfg->net->mode == NET_MODE_NONE &&
		   cfg->cg->memory == 1 << 20,
	   "the earlier good values are all still there");
	(void)unlink(pol);
	vb_config_free(cfg);
}

int main(void)
{
	test_ops();
	test_modifiers();
	test_overlays();
	test_setters();
	test_unshare();
	test_validate();
	test_caps();
	test_limits();
	test_formats();
	test_refused();
	return tap_end();
}
