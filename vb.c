/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vb: the command line.  Turns argv (and --args, --profile) into calls on
 * libvoidbox, one per flag, runs the sandbox, and is the only place that
 * prints or chooses an exit status.  Messages are bwrap's, prefixed with the
 * name vb was invoked as, so that a `bwrap` symlink to vb is a drop-in.
 *
 * One table (options[] below) says, for each option, its arguments, the
 * library call it makes, and its line of --help; the parser, the help text
 * and the completions' checks (tests/completions.t) all read it.  The
 * parser never exits: a failure is a vb_error that main() prints, so that
 * the fuzzer (tests/fuzz-argv.c, which includes this file with
 * VB_CLI_NO_MAIN) can drive it.
 *
 * Exit status: the command's (128+N when killed by signal N); 1 for a usage
 * or setup error, as bwrap; 0 for --help and --version.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "voidbox.h"
#ifdef VB_OCI
#include "oci/oci.h"
#endif

#define EXIT_SETUP 1          /* usage and setup errors, as bwrap */
#define VB_CLI_MAX_ARGS 9000  /* bwrap's cap on argv plus --args lists */
#define VB_CLI_MAX_PROFILES 8 /* how deep profiles may include profiles */
/* The bwrap whose command line vb implements, for `bwrap --version`. */
#define VB_BWRAP_VERSION "0.11.1"

static const char *prog = "vb";      /* basename of argv[0], for messages */
static const char *prog_full = "vb"; /* argv[0] as invoked, for --help */
static bool level_prefix;

static void vmsg(int level, const char *fmt, va_list ap)
{
	if (level_prefix)
		fprintf(stderr, "<%d>", level);
	fprintf(stderr, "%s: ", prog);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

__attribute__((format(printf, 1, 2), noreturn)) static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(VB_LOG_ERR, fmt, ap);
	va_end(ap);
	exit(EXIT_SETUP);
}

__attribute__((noreturn)) static void die_err(const vb_error *err)
{
	if (err->error)
		die("%s: %s", err->message, strerror(err->error));
	die("%s", err->message);
}

static void log_cb(void *userdata, int level, const char *message)
{
	(void)userdata;
	if (level_prefix)
		fprintf(stderr, "<%d>", level);
	fprintf(stderr, "%s: %s\n", prog, message);
}

/* ---- the parser's state ------------------------------------------------------- */

/* What the command line asks for besides running a command. */
enum action {
	ACT_RUN = 0,
	ACT_HELP,
	ACT_VERSION,
	ACT_NET_PRUNE,
	ACT_POLICY_DUMP,
	ACT_CHECK_HOST,
};

struct cli {
	vb_config *cfg;
	vb_error err;
	int total_args;     /* argv and every --args list, capped as in bwrap */
	bool in_args;       /* parsing an --args list */
	int profile_depth;  /* parsing a profile (included by this many) */
	bool saw_dashdash;  /* the last parse_list() ended at "--" */
	enum action action; /* an option that ends the run, if any */
	const char *action_opt;
	const char *action_arg; /* --seccomp-policy-dump's NAME */
	const char *other_opt;  /* the first option that is not presentation */
	bool json;              /* --json */
};

/* Fills c->err with a message of the command line's own; returns -1. */
__attribute__((format(printf, 2, 3))) static int cli_err(struct cli *c, const char *fmt, ...)
{
	va_list ap;

	c->err.error = 0;
	c->err.stage = VB_STAGE_CONFIG;
	c->err.op_index = -1;
	va_start(ap, fmt);
	(void)vsnprintf(c->err.message, sizeof(c->err.message), fmt, ap);
	va_end(ap);
	return -1;
}

/* ---- argument conversion (bwrap's rules and messages) ------------------------ */

static int parse_fd(struct cli *c, const char *s, int *ret)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (s[0] == '\0' || *end != '\0' || errno || v < 0 || v > INT_MAX)
		return cli_err(c, "Invalid fd: %s", s);
	*ret = (int)v;
	return 0;
}

static bool parse_octal(const char *s, unsigned long *ret)
{
	char *end;

	errno = 0;
	*ret = strtoul(s, &end, 8);
	return s[0] != '\0' && *end == '\0' && errno == 0 && s[0] != '-' && *ret <= 07777;
}

static int parse_id(struct cli *c, const char *s, const char *what, unsigned *ret)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (s[0] == '\0' || *end != '\0' || errno || v < 0 || v >= UINT32_MAX)
		return cli_err(c, "Invalid %s: %s", what, s);
	*ret = (unsigned)v;
	return 0;
}

/* A decimal number 0..max, for vb's own options: digits only, and one
 * that is too big says so. */
static int parse_number(struct cli *c, const char *opt, const char *s, unsigned long max,
			unsigned long *ret)
{
	char *end;

	errno = 0;
	*ret = strtoul(s, &end, 10);
	if (s[0] < '0' || s[0] > '9' || *end || (errno && errno != ERANGE))
		return cli_err(c, "%s: invalid number '%s'", opt, s);
	if (errno == ERANGE || *ret > max)
		return cli_err(c, "%s: '%s' out of range (at most %lu)", opt, s, max);
	return 0;
}

/* ---- the option table --------------------------------------------------------- */

struct opt;
/* A handler makes the option's library call: 0, or -1 with c->err filled. */
typedef int (*opt_fn)(struct cli *c, const struct opt *o, char **a);

/* The library call an option makes (the handler knows which member). */
union setter {
	int (*none)(vb_config *, vb_error *);
	int (*on)(vb_config *, bool, vb_error *);
	int (*str)(vb_config *, const char *, vb_error *);
	int (*str2)(vb_config *, const char *, const char *, vb_error *);
	int (*fd)(vb_config *, int, vb_error *);
	int (*uid)(vb_config *, uid_t, vb_error *);
	int (*gid)(vb_config *, gid_t, vb_error *);
	int (*u64)(vb_config *, uint64_t, vb_error *);
	int (*uns)(vb_config *, unsigned, vb_error *);
	int (*dbl)(vb_config *, double, vb_error *);
	int (*sig)(vb_config *, int, vb_error *);
};

/* Kinds of option, beyond those that configure the sandbox. */
enum {
	OPT_ENDS_RUN = 1u << 0,     /* does its work instead of running a command */
	OPT_PRESENTATION = 1u << 1, /* changes only how vb reports: fine with any */
};

struct opt {
	const char *name;
	/* One letter per argument, for the completions (tests/completions.t
	 * checks them against this table): p path, d directory, f fd,
	 * n number or free text, P profile, C capability, S signal,
	 * N --net spec, E environment variable, A seccomp default action,
	 * L seccomp policy (built-in or file), Y syscall or @group. */
	const char *args;
	const char *missing; /* bwrap's message when arguments are missing */
	opt_fn fn;
	union setter set;
	int arg;       /* an op type, a namespace mask, ... for fn */
	bool flag;     /* a boolean for fn */
	unsigned kind; /* OPT_* */
	/* --help: the left column (name and arguments) and the text; a NULL
	 * text keeps the option out of --help. */
	const char *usage;
	const char *help;
};

static int parse_list(struct cli *c, int argc, char **argv, int *ret_consumed);

static int count_args(struct cli *c, int n)
{
	c->total_args += n;
	if (c->total_args > VB_CLI_MAX_ARGS)
		return cli_err(c, "Exceeded maximum number of arguments %u",
			       (unsigned)VB_CLI_MAX_ARGS);
	return 0;
}

static int do_none(struct cli *c, const struct opt *o, char **a)
{
	return o->set.none(c->cfg, &c->err);
}
static int do_on(struct cli *c, const struct opt *o, char **a)
{
	return o->set.on(c->cfg, true, &c->err);
}
static int do_str(struct cli *c, const struct opt *o, char **a)
{
	return o->set.str(c->cfg, a[0], &c->err);
}
static int do_str2(struct cli *c, const struct opt *o, char **a)
{
	return o->set.str2(c->cfg, a[0], a[1], &c->err);
}
static int do_fd(struct cli *c, const struct opt *o, char **a)
{
	int fd;

	if (parse_fd(c, a[0], &fd) < 0)
		return -1;
	return o->set.fd(c->cfg, fd, &c->err);
}
static int do_uid(struct cli *c, const struct opt *o, char **a)
{
	unsigned id;

	if (parse_id(c, a[0], "uid", &id) < 0)
		return -1;
	return o->set.uid(c->cfg, (uid_t)id, &c->err);
}
static int do_gid(struct cli *c, const struct opt *o, char **a)
{
	unsigned id;

	if (parse_id(c, a[0], "gid", &id) < 0)
		return -1;
	return o->set.gid(c->cfg, (gid_t)id, &c->err);
}
static int do_unshare(struct cli *c, const struct opt *o, char **a)
{
	return vb_config_unshare(c->cfg, (unsigned)o->arg, o->flag, &c->err);
}
static int do_unshare_all(struct cli *c, const struct opt *o, char **a)
{
	/* bwrap: --unshare-all is --unshare-user-try and --unshare-cgroup-try
	 * with the other namespaces. */
	if (vb_config_unshare(c->cfg, VB_NS_USER | VB_NS_CGROUP, true, &c->err) < 0)
		return -1;
	return vb_config_unshare(c->cfg, VB_NS_IPC | VB_NS_PID | VB_NS_UTS | VB_NS_NET, false,
				 &c->err);
}
static int do_share_net(struct cli *c, const struct opt *o, char **a)
{
	return vb_config_share(c->cfg, VB_NS_NET, &c->err);
}
static int do_op2(struct cli *c, const struct opt *o, char **a)
{
	return vb_config_add_op(c->cfg, (enum vb_op_type)o->arg, a[0], a[1], &c->err);
}
static int do_op1(struct cli *c, const struct opt *o, char **a)
{
	return vb_config_add_op(c->cfg, (enum vb_op_type)o->arg, NULL, a[0], &c->err);
}
static int do_overlay_src(struct cli *c, const struct opt *o, char **a)
{
	return vb_config_add_op(c->cfg, VB_OP_OVERLAY_SRC, a[0], NULL, &c->err);
}
static int do_op_fd(struct cli *c, const struct opt *o, char **a)
{
	int fd;

	if (parse_fd(c, a[0], &fd) < 0)
		return -1;
	return vb_config_add_op_fd(c->cfg, (enum vb_op_type)o->arg, fd, a[1], &c->err);
}
static int do_overlay(struct cli *c, const struct opt *o, char **a)
{
	if (o->arg == VB_OP_OVERLAY)
		return vb_config_add_overlay(c->cfg, VB_OP_OVERLAY, a[0], a[1], a[2], &c->err);
	return vb_config_add_overlay(c->cfg, (enum vb_op_type)o->arg, NULL, NULL, a[0], &c->err);
}
static int do_chmod(struct cli *c, const struct opt *o, char **a)
{
	unsigned long mode;

	if (!parse_octal(a[0], &mode))
		return cli_err(c, "--chmod takes an octal argument <= 07777");
	return vb_config_add_chmod(c->cfg, (mode_t)mode, a[1], &c->err);
}
static int do_perms(struct cli *c, const struct opt *o, char **a)
{
	unsigned long mode;

	if (!parse_octal(a[0], &mode))
		return cli_err(c, "--perms takes an octal argument <= 07777");
	return vb_config_set_perms(c->cfg, (mode_t)mode, &c->err);
}
static int do_size(struct cli *c, const struct opt *o, char **a)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(a[0], &end, 0);
	/* Unparseable is 0 to the library, which says what bwrap says (and
	 * refuses --size in setuid mode before looking at the number).  Like
	 * bwrap: no sign, no space, no suffix. */
	if (a[0][0] < '0' || a[0][0] > '9' || *end != '\0' || errno)
		v = 0;
	return vb_config_set_size(c->cfg, v, &c->err);
}

/* vb's own values, parsed by the library's parsers so that vb and the
 * library accept the same text. */
static int do_bytes(struct cli *c, const struct opt *o, char **a)
{
	uint64_t v;
	int r = vb_parse_size(a[0], &v);

	if (r == -ERANGE)
		return cli_err(c, "%s: size '%s' out of range", o->name, a[0]);
	if (r < 0)
		return cli_err(c, "%s: invalid size '%s' (bytes, or with a K, M, G or T suffix)",
			       o->name, a[0]);
	return o->set.u64(c->cfg, v, &c->err);
}
static int do_duration(struct cli *c, const struct opt *o, char **a)
{
	uint64_t v;
	int r = vb_parse_duration(a[0], &v);

	if (r == -ERANGE)
		return cli_err(c, "%s: duration '%s' out of range", o->name, a[0]);
	if (r < 0)
		return cli_err(c, "%s: invalid duration '%s' (e.g. 10, 1.5s, 500ms, 2m)", o->name,
			       a[0]);
	return o->set.u64(c->cfg, v, &c->err);
}
static int do_cpus(struct cli *c, const struct opt *o, char **a)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(a[0], &end);
	/* Too big or too small for a double (ERANGE: HUGE_VAL or about 0)
	 * is out of the setter's range, and it says so. */
	if (a[0][0] == '\0' || *end || (errno && errno != ERANGE))
		return cli_err(c, "--cpus: invalid number '%s'", a[0]);
	return o->set.dbl(c->cfg, d, &c->err);
}
static int do_uint(struct cli *c, const struct opt *o, char **a)
{
	unsigned long v;

	if (parse_number(c, o->name, a[0], (unsigned long)o->arg, &v) < 0)
		return -1;
	return o->set.uns(c->cfg, (unsigned)v, &c->err);
}
static int do_signal(struct cli *c, const struct opt *o, char **a)
{
	int sig;

	if (vb_parse_signal(a[0], &sig) < 0)
		return cli_err(c, "%s: invalid signal '%s'", o->name, a[0]);
	return o->set.sig(c->cfg, sig, &c->err);
}
static int do_rlimit(struct cli *c, const struct opt *o, char **a)
{
	uint64_t soft, hard;
	int res, r = vb_parse_rlimit(a[0], &res, &soft, &hard);

	if (r == -ERANGE)
		return cli_err(c, "--rlimit: soft limit above hard limit in '%s'", a[0]);
	if (r == -EOVERFLOW)
		return cli_err(c, "--rlimit: value out of range in '%s'", a[0]);
	if (r < 0)
		return cli_err(
			c, "--rlimit: invalid limit '%s' (NAME=SOFT[:HARD], e.g. NOFILE=1024:4096)",
			a[0]);
	return vb_config_rlimit(c->cfg, res, soft, hard, &c->err);
}

static int do_landlock(struct cli *c, const struct opt *o, char **a)
{
	return vb_config_landlock(c->cfg, o->flag, &c->err);
}

static int do_level_prefix(struct cli *c, const struct opt *o, char **a)
{
	level_prefix = true;
	return vb_config_option_end(c->cfg, &c->err);
}

/* --args FD, as bwrap: NUL-separated options that end at the first
 * non-option or "--" of the list (the rest of the list is ignored), then
 * parsing goes on after --args FD on the command line.  Not nested. */
static int do_args(struct cli *c, const struct opt *o, char **a)
{
	char **argv = NULL;
	int fd, argc = 0, used = 0, r;

	if (c->in_args)
		return cli_err(c, "--args not supported in arguments file");
	if (c->profile_depth > 0)
		return cli_err(c, "--args not supported in a profile");
	if (parse_fd(c, a[0], &fd) < 0)
		return -1;
	r = vb_args_read(fd, &argv, &argc, &c->err);
	(void)close(fd);
	if (r == -E2BIG)
		return cli_err(c, "Exceeded maximum number of arguments %u",
			       (unsigned)VB_CLI_MAX_ARGS);
	if (r < 0)
		return -1;
	r = count_args(c, argc);
	if (r == 0) {
		c->in_args = true;
		r = parse_list(c, argc, argv, &used);
		c->in_args = false;
	}
	vb_strv_free(argv);
	if (r != 0)
		return r;
	return vb_config_option_end(c->cfg, &c->err);
}

/* --profile NAME|FILE: a built-in profile, else a file read with the
 * invoking user's rights (even when vb is installed setuid).  Options
 * only: a command or "--" in a profile is an error.  A profile may name
 * other profiles. */
static int do_profile(struct cli *c, const struct opt *o, char **a)
{
	char **argv = NULL;
	int argc = 0, used = 0, r;

	if (c->in_args)
		return cli_err(c, "--profile not supported in arguments file");
	if (c->profile_depth >= VB_CLI_MAX_PROFILES)
		return cli_err(
			c, "--profile %s: profiles nest at most %d deep (does one name itself?)",
			a[0], VB_CLI_MAX_PROFILES);
	if (vb_profile_load(a[0], &argv, &argc, &c->err) < 0)
		return -1;
	r = count_args(c, argc);
	if (r == 0) {
		c->profile_depth++;
		r = parse_list(c, argc, argv, &used);
		c->profile_depth--;
	}
	if (r == 0 && (used < argc || c->saw_dashdash))
		r = cli_err(
			c,
			"--profile %s: unexpected argument '%s' (only options belong in a profile)",
			a[0], c->saw_dashdash ? "--" : argv[used]);
	vb_strv_free(argv);
	if (r != 0)
		return r;
	return vb_config_option_end(c->cfg, &c->err);
}

/* ---- options that end the run ---------------------------------------------------- */

static int set_action(struct cli *c, const struct opt *o, enum action act, const char *arg)
{
	if (c->action && c->action != act)
		return cli_err(c, "%s cannot be combined with %s", o->name, c->action_opt);
	c->action = act;
	c->action_opt = o->name;
	c->action_arg = arg;
	return 0;
}
/* --help and --version act where they stand, as in bwrap: parsing stops. */
static int do_help(struct cli *c, const struct opt *o, char **a)
{
	c->action = ACT_HELP;
	return 1;
}
static int do_version(struct cli *c, const struct opt *o, char **a)
{
	c->action = ACT_VERSION;
	return 1;
}
static int do_net_prune(struct cli *c, const struct opt *o, char **a)
{
	return set_action(c, o, ACT_NET_PRUNE, NULL);
}
static int do_policy_dump(struct cli *c, const struct opt *o, char **a)
{
	return set_action(c, o, ACT_POLICY_DUMP, a[0]);
}
static int do_check_host(struct cli *c, const struct opt *o, char **a)
{
	return set_action(c, o, ACT_CHECK_HOST, NULL);
}
static int do_json(struct cli *c, const struct opt *o, char **a)
{
	c->json = true;
	return 0;
}

#define NS(n, mask, try_) .fn = do_unshare, .arg = (mask), .flag = (try_)
#define OP(t) .arg = (t)

static const struct opt options[] = {
	{ "--help", "", NULL, do_help, .kind = OPT_ENDS_RUN, .usage = "--help",
	  .help = "Print this help" },
	{ "--version", "", NULL, do_version, .kind = OPT_ENDS_RUN, .usage = "--version",
	  .help = "Print version" },
	{ "--args", "f", "--args takes an argument", do_args, .usage = "--args FD",
	  .help = "Parse NUL-separated args from FD" },
	{ "--argv0", "n", "--argv0 takes one argument", do_str, .set.str = vb_config_set_argv0,
	  .usage = "--argv0 VALUE",
	  .help = "Set argv[0] to the value VALUE before running the program" },
	{ "--level-prefix", "", NULL, do_level_prefix, .kind = OPT_PRESENTATION,
	  .usage = "--level-prefix", .help = "Prepend e.g. <3> to diagnostic messages" },
	{ "--profile", "P", "--profile takes an argument", do_profile,
	  .usage = "--profile NAME|FILE",
	  .help = "Expand a built-in profile (minimal, host-ro) or a profile file here" },
	{ "--unshare-all", "", NULL, do_unshare_all, .usage = "--unshare-all",
	  .help = "Unshare every namespace we support by default" },
	{ "--share-net", "", NULL, do_share_net, .usage = "--share-net",
	  .help = "Retain the network namespace (can only combine with --unshare-all)" },
	{ "--unshare-user", "", NULL, NS(0, VB_NS_USER, false), .usage = "--unshare-user",
	  .help = "Create new user namespace (may be automatically implied if not setuid)" },
	{ "--unshare-user-try", "", NULL, NS(0, VB_NS_USER, true), .usage = "--unshare-user-try",
	  .help = "Create new user namespace if possible else continue by skipping it" },
	{ "--unshare-ipc", "", NULL, NS(0, VB_NS_IPC, false), .usage = "--unshare-ipc",
	  .help = "Create new ipc namespace" },
	{ "--unshare-pid", "", NULL, NS(0, VB_NS_PID, false), .usage = "--unshare-pid",
	  .help = "Create new pid namespace" },
	{ "--unshare-net", "", NULL, NS(0, VB_NS_NET, false), .usage = "--unshare-net",
	  .help = "Create new network namespace" },
	{ "--unshare-uts", "", NULL, NS(0, VB_NS_UTS, false), .usage = "--unshare-uts",
	  .help = "Create new uts namespace" },
	{ "--unshare-cgroup", "", NULL, NS(0, VB_NS_CGROUP, false), .usage = "--unshare-cgroup",
	  .help = "Create new cgroup namespace" },
	{ "--unshare-cgroup-try", "", NULL, NS(0, VB_NS_CGROUP, true),
	  .usage = "--unshare-cgroup-try",
	  .help = "Create new cgroup namespace if possible else continue by skipping it" },
	{ "--userns", "f", "--userns takes an argument", do_fd, .set.fd = vb_config_set_userns_fd,
	  .usage = "--userns FD",
	  .help = "Use this user namespace (cannot combine with --unshare-user)" },
	{ "--userns2", "f", "--userns2 takes an argument", do_fd,
	  .set.fd = vb_config_set_userns2_fd, .usage = "--userns2 FD",
	  .help = "After setup switch to this user namespace, only useful with --userns" },
	{ "--disable-userns", "", NULL, do_none, .set.none = vb_config_disable_userns,
	  .usage = "--disable-userns",
	  .help = "Disable further use of user namespaces inside sandbox" },
	{ "--assert-userns-disabled", "", NULL, do_none,
	  .set.none = vb_config_assert_userns_disabled, .usage = "--assert-userns-disabled",
	  .help = "Fail unless further use of user namespace inside sandbox is disabled" },
	{ "--pidns", "f", "--pidns takes an argument", do_fd, .set.fd = vb_config_set_pidns_fd,
	  .usage = "--pidns FD",
	  .help = "Use this pid namespace (as parent namespace if using --unshare-pid)" },
	{ "--uid", "n", "--uid takes an argument", do_uid, .set.uid = vb_config_set_uid,
	  .usage = "--uid UID",
	  .help = "Custom uid in the sandbox (requires --unshare-user or --userns)" },
	{ "--gid", "n", "--gid takes an argument", do_gid, .set.gid = vb_config_set_gid,
	  .usage = "--gid GID",
	  .help = "Custom gid in the sandbox (requires --unshare-user or --userns)" },
	{ "--hostname", "n", "--hostname takes an argument", do_str,
	  .set.str = vb_config_set_hostname, .usage = "--hostname NAME",
	  .help = "Custom hostname in the sandbox (requires --unshare-uts)" },
	{ "--chdir", "d", "--chdir takes one argument", do_str, .set.str = vb_config_set_chdir,
	  .usage = "--chdir DIR", .help = "Change directory to DIR" },
	{ "--clearenv", "", NULL, do_none, .set.none = vb_config_clearenv, .usage = "--clearenv",
	  .help = "Unset all environment variables" },
	{ "--setenv", "En", "--setenv takes two arguments", do_str2, .set.str2 = vb_config_setenv,
	  .usage = "--setenv VAR VALUE", .help = "Set an environment variable" },
	{ "--unsetenv", "E", "--unsetenv takes an argument", do_str, .set.str = vb_config_unsetenv,
	  .usage = "--unsetenv VAR", .help = "Unset an environment variable" },
	{ "--lock-file", "p", "--lock-file takes an argument", do_str,
	  .set.str = vb_config_add_lock_file, .usage = "--lock-file DEST",
	  .help = "Take a lock on DEST while sandbox is running" },
	{ "--sync-fd", "f", "--sync-fd takes an argument", do_fd, .set.fd = vb_config_set_sync_fd,
	  .usage = "--sync-fd FD", .help = "Keep this fd open while sandbox is running" },
	{ "--bind", "pp", "--bind takes two arguments", do_op2, OP(VB_OP_BIND),
	  .usage = "--bind SRC DEST", .help = "Bind mount the host path SRC on DEST" },
	{ "--bind-try", "pp", "--bind-try takes two arguments", do_op2, OP(VB_OP_BIND_TRY),
	  .usage = "--bind-try SRC DEST", .help = "Equal to --bind but ignores non-existent SRC" },
	{ "--dev-bind", "pp", "--dev-bind takes two arguments", do_op2, OP(VB_OP_DEV_BIND),
	  .usage = "--dev-bind SRC DEST",
	  .help = "Bind mount the host path SRC on DEST, allowing device access" },
	{ "--dev-bind-try", "pp", "--dev-bind-try takes two arguments", do_op2,
	  OP(VB_OP_DEV_BIND_TRY), .usage = "--dev-bind-try SRC DEST",
	  .help = "Equal to --dev-bind but ignores non-existent SRC" },
	{ "--ro-bind", "pp", "--ro-bind takes two arguments", do_op2, OP(VB_OP_RO_BIND),
	  .usage = "--ro-bind SRC DEST", .help = "Bind mount the host path SRC readonly on DEST" },
	{ "--ro-bind-try", "pp", "--ro-bind-try takes two arguments", do_op2, OP(VB_OP_RO_BIND_TRY),
	  .usage = "--ro-bind-try SRC DEST",
	  .help = "Equal to --ro-bind but ignores non-existent SRC" },
	/* bwrap says --bind-fd for both. */
	{ "--bind-fd", "fp", "--bind-fd takes two arguments", do_op_fd, OP(VB_OP_BIND_FD),
	  .usage = "--bind-fd FD DEST", .help = "Bind open directory or path fd on DEST" },
	{ "--ro-bind-fd", "fp", "--bind-fd takes two arguments", do_op_fd, OP(VB_OP_RO_BIND_FD),
	  .usage = "--ro-bind-fd FD DEST",
	  .help = "Bind open directory or path fd read-only on DEST" },
	{ "--remount-ro", "p", "--remount-ro takes one argument", do_op1, OP(VB_OP_REMOUNT_RO),
	  .usage = "--remount-ro DEST",
	  .help = "Remount DEST as readonly; does not recursively remount" },
	{ "--overlay-src", "d", "--overlay-src takes an argument", do_overlay_src,
	  .usage = "--overlay-src SRC", .help = "Read files from SRC in the following overlay" },
	{ "--overlay", "ddp", "--overlay takes three arguments", do_overlay, OP(VB_OP_OVERLAY),
	  .usage = "--overlay RWSRC WORKDIR DEST",
	  .help = "Mount overlayfs on DEST, with RWSRC as the host path for writes and\n"
		  "WORKDIR an empty directory on the same filesystem as RWSRC" },
	{ "--tmp-overlay", "p", "--tmp-overlay takes an argument", do_overlay,
	  OP(VB_OP_TMP_OVERLAY), .usage = "--tmp-overlay DEST",
	  .help = "Mount overlayfs on DEST, with writes going to an invisible tmpfs" },
	{ "--ro-overlay", "p", "--ro-overlay takes an argument", do_overlay, OP(VB_OP_RO_OVERLAY),
	  .usage = "--ro-overlay DEST", .help = "Mount overlayfs read-only on DEST" },
	{ "--exec-label", "n", "--exec-label takes an argument", do_str,
	  .set.str = vb_config_set_exec_label, .usage = "--exec-label LABEL",
	  .help = "Exec label for the sandbox" },
	{ "--file-label", "n", "--file-label takes an argument", do_str,
	  .set.str = vb_config_set_file_label, .usage = "--file-label LABEL",
	  .help = "File label for temporary sandbox content" },
	{ "--proc", "p", "--proc takes an argument", do_op1, OP(VB_OP_PROC), .usage = "--proc DEST",
	  .help = "Mount new procfs on DEST" },
	{ "--dev", "p", "--dev takes an argument", do_op1, OP(VB_OP_DEV), .usage = "--dev DEST",
	  .help = "Mount new dev on DEST" },
	{ "--tmpfs", "p", "--tmpfs takes an argument", do_op1, OP(VB_OP_TMPFS),
	  .usage = "--tmpfs DEST", .help = "Mount new tmpfs on DEST" },
	{ "--mqueue", "p", "--mqueue takes an argument", do_op1, OP(VB_OP_MQUEUE),
	  .usage = "--mqueue DEST", .help = "Mount new mqueue on DEST" },
	{ "--dir", "p", "--dir takes an argument", do_op1, OP(VB_OP_DIR), .usage = "--dir DEST",
	  .help = "Create dir at DEST" },
	{ "--file", "fp", "--file takes two arguments", do_op_fd, OP(VB_OP_FILE),
	  .usage = "--file FD DEST", .help = "Copy from FD to destination DEST" },
	{ "--bind-data", "fp", "--bind-data takes two arguments", do_op_fd, OP(VB_OP_BIND_DATA),
	  .usage = "--bind-data FD DEST",
	  .help = "Copy from FD to file which is bind-mounted on DEST" },
	{ "--ro-bind-data", "fp", "--ro-bind-data takes two arguments", do_op_fd,
	  OP(VB_OP_RO_BIND_DATA), .usage = "--ro-bind-data FD DEST",
	  .help = "Copy from FD to file which is readonly bind-mounted on DEST" },
	{ "--symlink", "pp", "--symlink takes two arguments", do_op2, OP(VB_OP_SYMLINK),
	  .usage = "--symlink SRC DEST", .help = "Create symlink at DEST with target SRC" },
	{ "--seccomp", "f", "--seccomp takes an argument", do_fd,
	  .set.fd = vb_config_set_seccomp_fd, .usage = "--seccomp FD",
	  .help = "Load and use seccomp rules from FD (not repeatable)" },
	{ "--add-seccomp-fd", "f", "--add-seccomp-fd takes an argument", do_fd,
	  .set.fd = vb_config_add_seccomp_fd, .usage = "--add-seccomp-fd FD",
	  .help = "Load and use seccomp rules from FD (repeatable)" },
	{ "--block-fd", "f", "--block-fd takes an argument", do_fd,
	  .set.fd = vb_config_set_block_fd, .usage = "--block-fd FD",
	  .help = "Block on FD until some data to read is available" },
	{ "--userns-block-fd", "f", "--userns-block-fd takes an argument", do_fd,
	  .set.fd = vb_config_set_userns_block_fd, .usage = "--userns-block-fd FD",
	  .help = "Block on FD until the user namespace is ready" },
	{ "--info-fd", "f", "--info-fd takes an argument", do_fd, .set.fd = vb_config_set_info_fd,
	  .usage = "--info-fd FD", .help = "Write information about the running container to FD" },
	{ "--json-status-fd", "f", "--json-status-fd takes an argument", do_fd,
	  .set.fd = vb_config_set_json_status_fd, .usage = "--json-status-fd FD",
	  .help = "Write container status to FD as multiple JSON documents" },
	{ "--new-session", "", NULL, do_on, .set.on = vb_config_set_new_session,
	  .usage = "--new-session", .help = "Create a new terminal session" },
	{ "--die-with-parent", "", NULL, do_on, .set.on = vb_config_set_die_with_parent,
	  .usage = "--die-with-parent",
	  .help = "Kills with SIGKILL child process (COMMAND) when bwrap or bwrap's parent dies." },
	{ "--as-pid-1", "", NULL, do_on, .set.on = vb_config_set_as_pid_1, .usage = "--as-pid-1",
	  .help = "Do not install a reaper process with PID=1" },
	{ "--cap-add", "C", "--cap-add takes an argument", do_str, .set.str = vb_config_cap_add,
	  .usage = "--cap-add CAP", .help = "Add cap CAP when running as privileged user" },
	{ "--cap-drop", "C", "--cap-drop takes an argument", do_str, .set.str = vb_config_cap_drop,
	  .usage = "--cap-drop CAP", .help = "Drop cap CAP when running as privileged user" },
	{ "--perms", "n", "--perms takes an argument", do_perms, .usage = "--perms OCTAL",
	  .help = "Set permissions of next argument (--bind-data, --file, etc.)" },
	{ "--size", "n", "--size takes an argument", do_size, .usage = "--size BYTES",
	  .help = "Set size of next argument (only for --tmpfs)" },
	{ "--chmod", "np", "--chmod takes two arguments", do_chmod, .usage = "--chmod OCTAL PATH",
	  .help = "Change permissions of PATH (must already exist)" },
	/* Supervision (lib/supervise/). */
	{ "--status-fd", "f", "--status-fd takes an argument", do_fd, .set.fd = vb_config_status_fd,
	  .usage = "--status-fd FD", .help = "Write events (JSON lines, see vb-events(7)) to FD" },
	{ "--memory", "n", "--memory takes an argument", do_bytes, .set.u64 = vb_config_memory,
	  .usage = "--memory SIZE", .help = "Limit memory (cgroup), e.g. 64M" },
	{ "--memory-swap", "n", "--memory-swap takes an argument", do_bytes,
	  .set.u64 = vb_config_memory_swap, .usage = "--memory-swap SIZE",
	  .help = "Limit swap on top of --memory (cgroup)" },
	{ "--cpus", "n", "--cpus takes an argument", do_cpus, .set.dbl = vb_config_cpus,
	  .usage = "--cpus N.N", .help = "Limit CPU time to N.N cores (cgroup)" },
	{ "--cpu-weight", "n", "--cpu-weight takes an argument", do_uint,
	  .set.uns = vb_config_cpu_weight, .arg = 10000, .usage = "--cpu-weight N",
	  .help = "CPU weight, 1..10000 (cgroup)" },
	{ "--pids-max", "n", "--pids-max takes an argument", do_bytes,
	  .set.u64 = vb_config_pids_max, .usage = "--pids-max N",
	  .help = "Limit the number of processes (cgroup)" },
	{ "--io-weight", "n", "--io-weight takes an argument", do_uint,
	  .set.uns = vb_config_io_weight, .arg = 10000, .usage = "--io-weight N",
	  .help = "IO weight, 1..10000 (cgroup)" },
	{ "--cgroup-parent", "n", "--cgroup-parent takes an argument", do_str,
	  .set.str = vb_config_cgroup_parent, .usage = "--cgroup-parent PATH",
	  .help = "Create the sandbox's cgroup beneath PATH" },
	{ "--rlimit", "n", "--rlimit takes an argument", do_rlimit,
	  .usage = "--rlimit NAME=SOFT[:HARD]",
	  .help = "Set a resource limit (RLIMIT_NAME) for the command" },
	{ "--timeout", "n", "--timeout takes an argument", do_duration,
	  .set.u64 = vb_config_timeout, .usage = "--timeout DURATION",
	  .help = "Signal the command after DURATION; exit status 124" },
	{ "--timeout-signal", "S", "--timeout-signal takes an argument", do_signal,
	  .set.sig = vb_config_timeout_signal, .usage = "--timeout-signal SIG",
	  .help = "Signal for --timeout (default TERM)" },
	{ "--kill-after", "n", "--kill-after takes an argument", do_duration,
	  .set.u64 = vb_config_kill_after, .usage = "--kill-after DURATION",
	  .help = "SIGKILL everything DURATION after the timeout signal" },
	/* Networking (lib/net/). */
	{ "--net", "N", "--net takes an argument", do_str, .set.str = vb_config_net,
	  .usage = "--net none|bridge[:NAME]|pasta|ns:PATH",
	  .help = " Give the sandbox a network (see vb(1))" },
	{ "--subnet", "n", "--subnet takes an argument", do_str, .set.str = vb_config_net_subnet,
	  .usage = "--subnet CIDR", .help = "Bridge subnet (default 10.88.0.0/16, gateway .1)" },
	{ "--ip", "n", "--ip takes an argument", do_str, .set.str = vb_config_net_ip,
	  .usage = "--ip ADDR", .help = "Use this address (only if free)" },
	{ "--mac", "n", "--mac takes an argument", do_str, .set.str = vb_config_net_mac,
	  .usage = "--mac ADDR", .help = "MAC address of the sandbox's eth0" },
	{ "--mtu", "n", "--mtu takes an argument", do_uint, .set.uns = vb_config_net_mtu,
	  .arg = 65535, .usage = "--mtu N", .help = "MTU of the sandbox's link" },
	{ "--no-nat", "", NULL, do_none, .set.none = vb_config_net_no_nat, .usage = "--no-nat",
	  .help = "Do not masquerade the sandbox's traffic" },
	{ "--ipv6", "", NULL, do_none, .set.none = vb_config_net_ipv6, .usage = "--ipv6",
	  .help = "Also give an IPv6 address (--subnet6, default a ULA /64)" },
	{ "--subnet6", "n", "--subnet6 takes an argument", do_str, .set.str = vb_config_net_subnet6,
	  .usage = "--subnet6 CIDR", .help = "IPv6 subnet of the bridge (implies --ipv6)" },
	{ "--publish", "n", "--publish takes an argument", do_str, .set.str = vb_config_net_publish,
	  .usage = "--publish [HOSTIP:]HOSTPORT:PORT[/tcp|/udp]",
	  .help = " Forward a host port to the sandbox" },
	{ "--dns", "n", "--dns takes an argument", do_str, .set.str = vb_config_net_dns,
	  .usage = "--dns ADDR", .help = "Nameserver for the sandbox's resolv.conf (repeatable)" },
	{ "--net-prune", "", NULL, do_net_prune, .kind = OPT_ENDS_RUN, .usage = "--net-prune",
	  .help = "Remove voidbox's idle bridges and NAT rules, then exit" },
	/* Security depth (lib/security/, lib/pty.c, lib/doctor.c). */
	{ "--seccomp-policy", "L", "--seccomp-policy takes an argument", do_str,
	  .set.str = vb_config_seccomp_policy, .usage = "--seccomp-policy NAME|FILE",
	  .help = "Apply a seccomp policy (default, minimal, build, network, or a file)" },
	{ "--seccomp-allow", "Y", "--seccomp-allow takes an argument", do_str,
	  .set.str = vb_config_seccomp_allow, .usage = "--seccomp-allow NAME|@GROUP",
	  .help = "Allow a system call or group, after the policy" },
	{ "--seccomp-deny", "Y", "--seccomp-deny takes an argument", do_str,
	  .set.str = vb_config_seccomp_deny, .usage = "--seccomp-deny NAME|@GROUP[:ERRNO]",
	  .help = "Deny a system call or group, after the policy" },
	{ "--seccomp-default-action", "A", "--seccomp-default-action takes an argument", do_str,
	  .set.str = vb_config_seccomp_default_action, .usage = "--seccomp-default-action ACT",
	  .help = "For calls no rule names: enosys, eperm, kill, log or allow" },
	{ "--seccomp-policy-dump", "L", "--seccomp-policy-dump takes an argument", do_policy_dump,
	  .kind = OPT_ENDS_RUN, .usage = "--seccomp-policy-dump NAME",
	  .help = "Print a policy or group and exit" },
	{ "--seccomp-learn", "p", "--seccomp-learn takes an argument", do_str,
	  .set.str = vb_config_seccomp_learn, .usage = "--seccomp-learn FILE",
	  .help = "Write the system calls the command made to FILE, as a policy" },
	{ "--allow-tiocsti", "", NULL, do_on, .set.on = vb_config_allow_tiocsti,
	  .usage = "--allow-tiocsti",
	  .help = "Let the command push input into its terminal (TIOCSTI, TIOCLINUX)" },
	{ "--landlock", "", NULL, do_landlock, .flag = false, .usage = "--landlock[=strict]",
	  .help = "Restrict the sandbox to the paths its options made visible" },
	{ "--landlock=strict", "", NULL, do_landlock, .flag = true },
	{ "--landlock-scope", "n", "--landlock-scope takes an argument", do_str,
	  .set.str = vb_config_landlock_scope, .usage = "--landlock-scope SCOPES",
	  .help = "Landlock scoping: signal, abstract-unix" },
	{ "--pty", "", NULL, do_none, .set.none = vb_config_pty, .usage = "--pty",
	  .help = "Run the command on a private pseudo-terminal" },
	{ "--check-host", "", NULL, do_check_host, .kind = OPT_ENDS_RUN, .usage = "--check-host",
	  .help = "Report what this host offers each mode and feature, then exit" },
	{ "--json", "", NULL, do_json, .kind = OPT_PRESENTATION, .usage = "--json",
	  .help = "With --check-host: the report as one JSON object" },
};

#undef NS
#undef OP

static const struct opt *find_option(const char *name)
{
	for (size_t i = 0; i < sizeof(options) / sizeof(options[0]); i++)
		if (strcmp(options[i].name, name) == 0)
			return &options[i];
	return NULL;
}

/* Parses options until the first non-option or "--"; *ret_consumed is how
 * many elements of argv were options (and the "--").  0, 1 when an option
 * (--help, --version) stopped the parse, -1 with c->err filled. */
static int parse_list(struct cli *c, int argc, char **argv, int *ret_consumed)
{
	int i = 0, r = 0;

	c->saw_dashdash = false;
	while (i < argc) {
		const char *arg = argv[i];
		const struct opt *o;
		int nargs;

		if (strcmp(arg, "--") == 0) {
			c->saw_dashdash = true;
			i++;
			break;
		}
		if (arg[0] != '-')
			break;
		o = find_option(arg);
		if (!o) {
			r = cli_err(c, "Unknown option %s", arg);
			break;
		}
		nargs = (int)strlen(o->args);
		/* bwrap refuses --size in setuid mode before it looks for
		 * the argument; the library says so for any size. */
		if (argc - i - 1 < nargs && o->fn == do_size && getuid() != 0 && geteuid() == 0 &&
		    vb_config_set_size(c->cfg, 1, &c->err) < 0) {
			r = -1;
			break;
		}
		if (argc - i - 1 < nargs) {
			r = cli_err(c, "%s", o->missing);
			break;
		}
		r = o->fn(c, o, argv + i + 1);
		i += 1 + nargs;
		if (r != 0)
			break;
		if (!(o->kind & (OPT_ENDS_RUN | OPT_PRESENTATION)) && !c->other_opt)
			c->other_opt = o->name;
	}
	*ret_consumed = i;
	return r < 0 ? -1 : r;
}

/* The whole command line: 0 with *ret_used the options' count (argv[0]
 * included), 1 when --help or --version stopped it, -1 on error. */
static int cli_parse(struct cli *c, int argc, char **argv, int *ret_used)
{
	int used = 0, r;

	if (count_args(c, argc > 0 ? argc - 1 : 0) < 0)
		return -1;
	r = parse_list(c, argc > 0 ? argc - 1 : 0, argv + 1, &used);
	*ret_used = used + 1;
	return r;
}

/* An option that ends the run takes no command and no option but the
 * presentation ones: what it would ignore, it refuses. */
static int cli_check_action(struct cli *c, int n_cmd, char **cmd)
{
	if (c->json && c->action != ACT_CHECK_HOST)
		return cli_err(c, "--json only applies to --check-host");
	if (c->action < ACT_NET_PRUNE)
		return 0;
	if (c->other_opt)
		return cli_err(c, "%s cannot be combined with %s", c->action_opt, c->other_opt);
	if (n_cmd > 0)
		return cli_err(c, "%s takes no command (got '%s')", c->action_opt, cmd[0]);
	return 0;
}

/* ---- what main() does ------------------------------------------------------------- */

__attribute__((noreturn)) static void usage(int status, FILE *out)
{
	fprintf(out, "usage: %s [OPTIONS...] [--] COMMAND [ARGS...]\n\n", prog_full);
	for (size_t i = 0; i < sizeof(options) / sizeof(options[0]); i++) {
		const struct opt *o = &options[i];
		int w;

		if (!o->help)
			continue;
		/* bwrap's layout: the text from column 33, or after one
		 * space; continuation lines under it. */
		w = fprintf(out, "    %s", o->usage);
		fprintf(out, "%*s", w < 33 ? 33 - w : 1, "");
		for (const char *p = o->help; *p; p++) {
			fputc(*p, out);
			if (*p == '\n')
				fprintf(out, "%33s", "");
		}
		fputc('\n', out);
	}
	exit(status);
}

/* As bwrap, bwrap's version line; vb's own after it. */
static void print_version(void)
{
	if (strcmp(prog, "bwrap") == 0)
		printf("bubblewrap %s\n", VB_BWRAP_VERSION);
	printf("voidbox %s\n", vb_version());
}

static int run_action(struct cli *c)
{
	static char buf[65536];
	int r;

	switch (c->action) {
	case ACT_NET_PRUNE:
		if (vb_net_prune(&c->err) < 0)
			die_err(&c->err);
		return EXIT_SUCCESS;
	case ACT_POLICY_DUMP:
		if (vb_seccomp_policy_dump(c->action_arg, buf, sizeof(buf), &c->err) < 0)
			die_err(&c->err);
		fputs(buf, stdout);
		return EXIT_SUCCESS;
	case ACT_CHECK_HOST:
		r = vb_check_host(c->json ? VB_CHECK_JSON : 0, prog_full, buf, sizeof(buf),
				  &c->err);
		if (r < 0)
			die_err(&c->err);
		fputs(buf, stdout);
		return r > 0 ? EXIT_FAILURE : EXIT_SUCCESS;
	default:
		return EXIT_SETUP;
	}
}

#ifndef VB_CLI_NO_MAIN
int main(int argc, char **argv)
{
	struct cli c = { 0 };
	vb_error err = { 0 };
	int used = 0, status = 0, r;
	const char *slash;

	if (argc > 0 && argv[0]) {
		prog_full = argv[0];
		slash = strrchr(argv[0], '/');
		prog = slash ? slash + 1 : argv[0];
	}
#ifdef VB_OCI
	/* The OCI runtime interface (lib/oci/): vb oci ..., or vb as vb-oci. */
	if (strcmp(prog, "vb-oci") == 0)
		return vb_oci_main(prog, argc, argv);
	if (argc > 1 && strcmp(argv[1], "oci") == 0)
		return vb_oci_main(prog, argc - 1, argv + 1);
#endif
	c.cfg = vb_config_new();
	if (!c.cfg)
		die("Out of memory");
	vb_config_set_log_fn(c.cfg, log_cb, NULL);

	r = cli_parse(&c, argc, argv, &used);
	if (r < 0)
		die_err(&c.err);
	if (c.action == ACT_HELP)
		usage(EXIT_SUCCESS, stdout);
	if (c.action == ACT_VERSION) {
		print_version();
		return EXIT_SUCCESS;
	}
	if (cli_check_action(&c, argc - used, argv + used) < 0)
		die_err(&c.err);
	if (c.action)
		return run_action(&c);
	if (argc - used <= 0) {
		/* bwrap makes some checks before it notices there is no
		 * command; then it prints its usage. */
		if (vb_config_validate(c.cfg, &err) != -ENOEXEC)
			die_err(&err);
		usage(EXIT_SETUP, stderr);
	}
	if (vb_config_set_command(c.cfg, argc - used, argv + used, &err) < 0 ||
	    vb_config_validate(c.cfg, &err) < 0 || vb_run(c.cfg, &status, &err) < 0)
		die_err(&err);
	c.cfg = vb_config_free(c.cfg);
	return status;
}
#endif
