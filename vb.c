/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vb: the command line.  Turns argv (and --args, --profile) into calls on
 * libvoidbox, one per flag, runs the sandbox, and is the only place that
 * prints or chooses an exit status.  Messages are bwrap's, prefixed with the
 * name vb was invoked as, so that a `bwrap` symlink to vb is a drop-in.
 *
 * Exit status: the command's (128+N when killed by signal N); 1 for a usage
 * or setup error, as bwrap; 0 for --help and --version.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "voidbox.h"

#define EXIT_SETUP 1         /* usage and setup errors, as bwrap */
#define VB_CLI_MAX_ARGS 9000 /* bwrap's cap on argv plus --args lists */

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

static const char usage_text[] =
	"    --help                       Print this help\n"
	"    --version                    Print version\n"
	"    --args FD                    Parse NUL-separated args from FD\n"
	"    --argv0 VALUE                Set argv[0] to the value VALUE before running the program\n"
	"    --level-prefix               Prepend e.g. <3> to diagnostic messages\n"
	"    --profile NAME|FILE          Expand a built-in profile (minimal, host-ro) or a profile file here\n"
	"    --unshare-all                Unshare every namespace we support by default\n"
	"    --share-net                  Retain the network namespace (can only combine with --unshare-all)\n"
	"    --unshare-user               Create new user namespace (may be automatically implied if not setuid)\n"
	"    --unshare-user-try           Create new user namespace if possible else continue by skipping it\n"
	"    --unshare-ipc                Create new ipc namespace\n"
	"    --unshare-pid                Create new pid namespace\n"
	"    --unshare-net                Create new network namespace\n"
	"    --unshare-uts                Create new uts namespace\n"
	"    --unshare-cgroup             Create new cgroup namespace\n"
	"    --unshare-cgroup-try         Create new cgroup namespace if possible else continue by skipping it\n"
	"    --userns FD                  Use this user namespace (cannot combine with --unshare-user)\n"
	"    --userns2 FD                 After setup switch to this user namespace, only useful with --userns\n"
	"    --disable-userns             Disable further use of user namespaces inside sandbox\n"
	"    --assert-userns-disabled     Fail unless further use of user namespace inside sandbox is disabled\n"
	"    --pidns FD                   Use this pid namespace (as parent namespace if using --unshare-pid)\n"
	"    --uid UID                    Custom uid in the sandbox (requires --unshare-user or --userns)\n"
	"    --gid GID                    Custom gid in the sandbox (requires --unshare-user or --userns)\n"
	"    --hostname NAME              Custom hostname in the sandbox (requires --unshare-uts)\n"
	"    --chdir DIR                  Change directory to DIR\n"
	"    --clearenv                   Unset all environment variables\n"
	"    --setenv VAR VALUE           Set an environment variable\n"
	"    --unsetenv VAR               Unset an environment variable\n"
	"    --lock-file DEST             Take a lock on DEST while sandbox is running\n"
	"    --sync-fd FD                 Keep this fd open while sandbox is running\n"
	"    --bind SRC DEST              Bind mount the host path SRC on DEST\n"
	"    --bind-try SRC DEST          Equal to --bind but ignores non-existent SRC\n"
	"    --dev-bind SRC DEST          Bind mount the host path SRC on DEST, allowing device access\n"
	"    --dev-bind-try SRC DEST      Equal to --dev-bind but ignores non-existent SRC\n"
	"    --ro-bind SRC DEST           Bind mount the host path SRC readonly on DEST\n"
	"    --ro-bind-try SRC DEST       Equal to --ro-bind but ignores non-existent SRC\n"
	"    --bind-fd FD DEST            Bind open directory or path fd on DEST\n"
	"    --ro-bind-fd FD DEST         Bind open directory or path fd read-only on DEST\n"
	"    --remount-ro DEST            Remount DEST as readonly; does not recursively remount\n"
	"    --overlay-src SRC            Read files from SRC in the following overlay\n"
	"    --overlay RWSRC WORKDIR DEST Mount overlayfs on DEST, with RWSRC as the host path for writes and\n"
	"                                 WORKDIR an empty directory on the same filesystem as RWSRC\n"
	"    --tmp-overlay DEST           Mount overlayfs on DEST, with writes going to an invisible tmpfs\n"
	"    --ro-overlay DEST            Mount overlayfs read-only on DEST\n"
	"    --exec-label LABEL           Exec label for the sandbox\n"
	"    --file-label LABEL           File label for temporary sandbox content\n"
	"    --proc DEST                  Mount new procfs on DEST\n"
	"    --dev DEST                   Mount new dev on DEST\n"
	"    --tmpfs DEST                 Mount new tmpfs on DEST\n"
	"    --mqueue DEST                Mount new mqueue on DEST\n"
	"    --dir DEST                   Create dir at DEST\n"
	"    --file FD DEST               Copy from FD to destination DEST\n"
	"    --bind-data FD DEST          Copy from FD to file which is bind-mounted on DEST\n"
	"    --ro-bind-data FD DEST       Copy from FD to file which is readonly bind-mounted on DEST\n"
	"    --symlink SRC DEST           Create symlink at DEST with target SRC\n"
	"    --seccomp FD                 Load and use seccomp rules from FD (not repeatable)\n"
	"    --add-seccomp-fd FD          Load and use seccomp rules from FD (repeatable)\n"
	"    --block-fd FD                Block on FD until some data to read is available\n"
	"    --userns-block-fd FD         Block on FD until the user namespace is ready\n"
	"    --info-fd FD                 Write information about the running container to FD\n"
	"    --json-status-fd FD          Write container status to FD as multiple JSON documents\n"
	"    --new-session                Create a new terminal session\n"
	"    --die-with-parent            Kills with SIGKILL child process (COMMAND) when bwrap or bwrap's parent dies.\n"
	"    --as-pid-1                   Do not install a reaper process with PID=1\n"
	"    --cap-add CAP                Add cap CAP when running as privileged user\n"
	"    --cap-drop CAP               Drop cap CAP when running as privileged user\n"
	"    --perms OCTAL                Set permissions of next argument (--bind-data, --file, etc.)\n"
	"    --size BYTES                 Set size of next argument (only for --tmpfs)\n"
	"    --chmod OCTAL PATH           Change permissions of PATH (must already exist)\n"
	"    --status-fd FD               Write events (JSON lines, see vb-events(7)) to FD\n"
	"    --memory SIZE                Limit memory (cgroup), e.g. 64M\n"
	"    --memory-swap SIZE           Limit swap on top of --memory (cgroup)\n"
	"    --cpus N.N                   Limit CPU time to N.N cores (cgroup)\n"
	"    --cpu-weight N               CPU weight, 1..10000 (cgroup)\n"
	"    --pids-max N                 Limit the number of processes (cgroup)\n"
	"    --io-weight N                IO weight, 1..10000 (cgroup)\n"
	"    --cgroup-parent PATH         Create the sandbox's cgroup beneath PATH\n"
	"    --rlimit NAME=SOFT[:HARD]    Set a resource limit (RLIMIT_NAME) for the command\n"
	"    --timeout DURATION           Signal the command after DURATION; exit status 124\n"
	"    --timeout-signal SIG         Signal for --timeout (default TERM)\n"
	"    --kill-after DURATION        SIGKILL everything DURATION after the timeout signal\n"
	"    --net none|bridge[:NAME]|pasta|ns:PATH  Give the sandbox a network (see vb(1))\n"
	"    --subnet CIDR                Bridge subnet (default 10.88.0.0/16, gateway .1)\n"
	"    --ip ADDR                    Use this address (only if free)\n"
	"    --mac ADDR                   MAC address of the sandbox's eth0\n"
	"    --mtu N                      MTU of the sandbox's link\n"
	"    --no-nat                     Do not masquerade the sandbox's traffic\n"
	"    --ipv6                       Also give an IPv6 address (--subnet6, default a ULA /64)\n"
	"    --subnet6 CIDR               IPv6 subnet of the bridge (implies --ipv6)\n"
	"    --publish [HOSTIP:]HOSTPORT:PORT[/tcp|/udp]  Forward a host port to the sandbox\n"
	"    --dns ADDR                   Nameserver for the sandbox's resolv.conf (repeatable)\n"
	"    --net-prune                  Remove voidbox's idle bridges and NAT rules, then exit\n"
	"    --seccomp-policy NAME|FILE   Apply a seccomp policy (default, minimal, build, network, or a file)\n"
	"    --seccomp-allow NAME|@GROUP  Allow a system call or group, after the policy\n"
	"    --seccomp-deny NAME|@GROUP[:ERRNO] Deny a system call or group, after the policy\n"
	"    --seccomp-default-action ACT For calls no rule names: enosys, eperm, kill, log or allow\n"
	"    --seccomp-policy-dump NAME   Print a policy or group and exit\n"
	"    --seccomp-learn FILE         Write the system calls the command made to FILE, as a policy\n"
	"    --landlock[=strict]          Restrict the sandbox to the paths its options made visible\n"
	"    --landlock-scope SCOPES      Landlock scoping: signal, abstract-unix\n"
	"    --pty                        Run the command on a private pseudo-terminal\n"
	"    --check-host                 Report what this host offers each mode and feature, then exit\n";

__attribute__((noreturn)) static void usage(int status, FILE *out)
{
	fprintf(out, "usage: %s [OPTIONS...] [--] COMMAND [ARGS...]\n\n", prog_full);
	fputs(usage_text, out);
	exit(status);
}

/* ---- argument conversion (bwrap's rules and messages) ----------------------- */

static int parse_fd(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (s[0] == '\0' || *end != '\0' || errno || v < 0 || v > INT_MAX)
		die("Invalid fd: %s", s);
	return (int)v;
}

static bool parse_octal(const char *s, unsigned long *ret)
{
	char *end;

	errno = 0;
	*ret = strtoul(s, &end, 8);
	return s[0] != '\0' && *end == '\0' && errno == 0 && s[0] != '-' && *ret <= 07777;
}

static unsigned long parse_id(const char *s, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (s[0] == '\0' || *end != '\0' || errno || v < 0 || v >= UINT32_MAX)
		die("Invalid %s: %s", what, s);
	return (unsigned long)v;
}

/* ---- the option table ----------------------------------------------------------- */

struct cli {
	vb_config *cfg;
	vb_error err;
	int total_args; /* argv and every --args list, capped as in bwrap */
	int depth;      /* 0: argv, 1: inside --args / --profile */
	/* Modifiers given and not yet consumed, for bwrap's checks at the end
	 * of options that make no library call (--args, --level-prefix). */
	bool pend_perms, pend_size, pend_overlay_src;
	bool saw_dashdash; /* the last parse_list() ended at "--" */
};

struct opt;
typedef void (*opt_fn)(struct cli *cli, const struct opt *o, char **a);

struct opt {
	const char *name;
	int nargs;
	const char *missing; /* bwrap's message when arguments are missing */
	opt_fn fn;
	int type;  /* op type, namespace mask, ... per handler */
	bool flag; /* a boolean for handlers that take one */
};

#define CALL(cli, expr)                       \
	do {                                  \
		if ((expr) < 0)               \
			die_err(&(cli)->err); \
	} while (0)

static void do_unshare(struct cli *c, const struct opt *o, char **a)
{
	CALL(c, vb_config_unshare(c->cfg, (unsigned)o->type, o->flag, &c->err));
}
static void do_unshare_all(struct cli *c, const struct opt *o, char **a)
{
	CALL(c, vb_config_unshare(c->cfg, VB_NS_USER | VB_NS_CGROUP, true, &c->err));
	CALL(c, vb_config_unshare(c->cfg, VB_NS_IPC | VB_NS_PID | VB_NS_UTS | VB_NS_NET, false,
				  &c->err));
}
static void do_share_net(struct cli *c, const struct opt *o, char **a)
{
	CALL(c, vb_config_share(c->cfg, VB_NS_NET, &c->err));
}
static void do_op2(struct cli *c, const struct opt *o, char **a)
{
	CALL(c, vb_config_add_op(c->cfg, (enum vb_op_type)o->type, a[0], a[1], &c->err));
}
static void do_op1(struct cli *c, const struct opt *o, char **a)
{
	CALL(c, vb_config_add_op(c->cfg, (enum vb_op_type)o->type, NULL, a[0], &c->err));
}
static void do_overlay_src(struct cli *c, const struct opt *o, char **a)
{
	CALL(c, vb_config_add_op(c->cfg, VB_OP_OVERLAY_SRC, a[0], NULL, &c->err));
}
static void do_op_fd(struct cli *c, const struct opt *o, char **a)
{
	int fd = parse_fd(a[0]);

	CALL(c, vb_config_add_op_fd(c->cfg, (enum vb_op_type)o->type, fd, a[1], &c->err));
}
static void do_overlay(struct cli *c, const struct opt *o, char **a)
{
	if (o->type == VB_OP_OVERLAY)
		CALL(c, vb_config_add_overlay(c->cfg, VB_OP_OVERLAY, a[0], a[1], a[2], &c->err));
	else
		CALL(c, vb_config_add_overlay(c->cfg, (enum vb_op_type)o->type, NULL, NULL, a[0],
					      &c->err));
}
static void do_chmod(struct cli *c, const struct opt *o, char **a)
{
	unsigned long mode;

	if (!parse_octal(a[0], &mode))
		die("--chmod takes an octal argument <= 07777");
	CALL(c, vb_config_add_chmod(c->cfg, (mode_t)mode, a[1], &c->err));
}
static void do_perms(struct cli *c, const struct opt *o, char **a)
{
	unsigned long mode;

	if (!parse_octal(a[0], &mode))
		die("--perms takes an octal argument <= 07777");
	CALL(c, vb_config_set_perms(c->cfg, (mode_t)mode, &c->err));
}
static void do_size(struct cli *c, const struct opt *o, char **a)
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
	CALL(c, vb_config_set_size(c->cfg, v, &c->err));
}
static void do_fd(struct cli *c, const struct opt *o, char **a)
{
	static int (*const setters[])(vb_config *, int, vb_error *) = {
		vb_config_set_userns_fd,  vb_config_set_userns2_fd,
		vb_config_set_pidns_fd,   vb_config_set_sync_fd,
		vb_config_set_block_fd,   vb_config_set_userns_block_fd,
		vb_config_set_info_fd,    vb_config_set_json_status_fd,
		vb_config_set_seccomp_fd, vb_config_add_seccomp_fd,
	};
	int fd = parse_fd(a[0]);

	CALL(c, setters[o->type](c->cfg, fd, &c->err));
}
static void do_bool(struct cli *c, const struct opt *o, char **a)
{
	switch (o->type) {
	case 0:
		CALL(c, vb_config_set_new_session(c->cfg, true, &c->err));
		break;
	case 1:
		CALL(c, vb_config_set_die_with_parent(c->cfg, true, &c->err));
		break;
	case 2:
		CALL(c, vb_config_set_as_pid_1(c->cfg, true, &c->err));
		break;
	case 3:
		CALL(c, vb_config_disable_userns(c->cfg, &c->err));
		break;
	case 4:
		CALL(c, vb_config_assert_userns_disabled(c->cfg, &c->err));
		break;
	case 5:
		CALL(c, vb_config_clearenv(c->cfg, &c->err));
		break;
	}
}
static void do_string(struct cli *c, const struct opt *o, char **a)
{
	switch (o->type) {
	case 0:
		CALL(c, vb_config_set_hostname(c->cfg, a[0], &c->err));
		break;
	case 1:
		CALL(c, vb_config_set_chdir(c->cfg, a[0], &c->err));
		break;
	case 2:
		CALL(c, vb_config_unsetenv(c->cfg, a[0], &c->err));
		break;
	case 3:
		CALL(c, vb_config_add_lock_file(c->cfg, a[0], &c->err));
		break;
	case 4:
		CALL(c, vb_config_cap_add(c->cfg, a[0], &c->err));
		break;
	case 5:
		CALL(c, vb_config_cap_drop(c->cfg, a[0], &c->err));
		break;
	case 6:
		CALL(c, vb_config_set_exec_label(c->cfg, a[0], &c->err));
		break;
	case 7:
		CALL(c, vb_config_set_file_label(c->cfg, a[0], &c->err));
		break;
	case 8:
		CALL(c, vb_config_set_argv0(c->cfg, a[0], &c->err));
		break;
	}
}
static void do_setenv(struct cli *c, const struct opt *o, char **a)
{
	CALL(c, vb_config_setenv(c->cfg, a[0], a[1], &c->err));
}
static void do_id(struct cli *c, const struct opt *o, char **a)
{
	if (o->type == 0)
		CALL(c, vb_config_set_uid(c->cfg, (uid_t)parse_id(a[0], "uid"), &c->err));
	else
		CALL(c, vb_config_set_gid(c->cfg, (gid_t)parse_id(a[0], "gid"), &c->err));
}
/* bwrap checks these after every option; the library does for each of
 * its calls, this covers the options that make none. */
static void cli_option_end(struct cli *c)
{
	if (c->pend_perms)
		die("--perms must be followed by an option that creates a file");
	if (c->pend_size)
		die("--size must be followed by --tmpfs");
	if (c->pend_overlay_src)
		die("--overlay-src must be followed by another --overlay-src or one of --overlay, "
		    "--tmp-overlay, or --ro-overlay");
}

static void do_level_prefix(struct cli *c, const struct opt *o, char **a)
{
	cli_option_end(c);
	level_prefix = true;
}

static void parse_list(struct cli *c, int argc, char **argv, int *ret_consumed);

static void count_args(struct cli *c, int n)
{
	c->total_args += n;
	if (c->total_args > VB_CLI_MAX_ARGS)
		die("Exceeded maximum number of arguments %u", (unsigned)VB_CLI_MAX_ARGS);
}

/* Reads fd to the end into a NUL-terminated buffer; NULL with errno set. */
static char *read_all(int fd, size_t *ret_len)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;

	for (;;) {
		ssize_t n;

		if (cap - len < 4096) {
			char *nb = realloc(buf, cap + 65536);

			if (!nb) {
				free(buf);
				errno = ENOMEM;
				return NULL;
			}
			buf = nb;
			cap += 65536;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			free(buf);
			errno = e;
			return NULL;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	*ret_len = len;
	return buf;
}

/* --args FD, as bwrap: NUL-separated options that end at the first
 * non-option or "--" of the list (the rest of the list is ignored), then
 * parsing goes on after --args FD on the command line.  Not nested. */
static void do_args(struct cli *c, const struct opt *o, char **a)
{
	int fd = parse_fd(a[0]), argc = 0, used = 0, r;
	char *data, **argv = NULL;
	size_t len = 0;

	if (c->depth > 0)
		die("--args not supported in arguments file");
	data = read_all(fd, &len);
	if (!data)
		die("Can't read --args data: %s", strerror(errno));
	(void)close(fd);
	r = vb_args_parse(data, len, &argv, &argc);
	free(data);
	if (r < 0)
		die("Can't read --args data: %s", strerror(-r));
	count_args(c, argc);
	c->depth++;
	parse_list(c, argc, argv, &used);
	c->depth--;
	vb_strv_free(argv);
	cli_option_end(c);
}

/* --profile NAME|FILE: a built-in profile, else a file read with the
 * invoking user's rights (even when vb is installed setuid).  Options
 * only: a command or "--" in a profile is an error. */
static void do_profile(struct cli *c, const struct opt *o, char **a)
{
	const char *text = vb_profile_builtin(a[0]);
	char *buf = NULL, **argv = NULL;
	int argc = 0, used = 0, r;

	if (c->depth > 0)
		die("--profile not supported in arguments file");
	if (!text) {
		uid_t euid = geteuid();
		gid_t egid = getegid();
		bool drop = euid != getuid() || egid != getgid();
		size_t len = 0;
		int fd, e;

		if (drop && (setegid(getgid()) < 0 || seteuid(getuid()) < 0))
			die("Can't drop privileges to read %s: %s", a[0], strerror(errno));
		fd = open(a[0], O_RDONLY | O_CLOEXEC | O_NOCTTY);
		e = errno;
		if (drop && (seteuid(euid) < 0 || setegid(egid) < 0))
			die("Can't regain privileges: %s", strerror(errno));
		if (fd < 0)
			die("Can't open profile %s: %s", a[0], strerror(e));
		buf = read_all(fd, &len);
		if (!buf)
			die("Can't read profile %s: %s", a[0], strerror(errno));
		(void)close(fd);
		if (strlen(buf) != len)
			die("Can't parse profile %s: %s", a[0], strerror(EINVAL));
		text = buf;
	}
	r = vb_profile_parse(text, &argv, &argc);
	free(buf);
	if (r < 0)
		die("Can't parse profile %s: %s", a[0], strerror(-r));
	count_args(c, argc);
	c->depth++;
	parse_list(c, argc, argv, &used);
	c->depth--;
	if (used < argc || c->saw_dashdash)
		die("--profile %s: unexpected argument '%s' (only options belong in a profile)",
		    a[0], c->saw_dashdash ? "--" : argv[used]);
	vb_strv_free(argv);
	cli_option_end(c);
}

/* Supervision (lib/supervise.c, lib/cgroup.c): values parsed by the
 * library's parsers so vb and the library accept the same text. */
static void do_sup(struct cli *c, const struct opt *o, char **a)
{
	uint64_t v = 0, hard = 0;
	int sig = 0, res = 0, r = 0;
	char *end;
	double d;

	switch (o->type) {
	case 0:
		CALL(c, vb_config_status_fd(c->cfg, parse_fd(a[0]), &c->err));
		return;
	case 1:
	case 2:
	case 5:
		if (vb_parse_size(a[0], &v) < 0)
			die("%s: invalid size '%s' (bytes, or with a K, M, G or T suffix)", o->name,
			    a[0]);
		if (o->type == 1)
			CALL(c, vb_config_memory(c->cfg, v, &c->err));
		else if (o->type == 2)
			CALL(c, vb_config_memory_swap(c->cfg, v, &c->err));
		else
			CALL(c, vb_config_pids_max(c->cfg, v, &c->err));
		return;
	case 3:
		errno = 0;
		d = strtod(a[0], &end);
		if (a[0][0] == '\0' || *end || errno)
			die("--cpus: invalid number '%s'", a[0]);
		CALL(c, vb_config_cpus(c->cfg, d, &c->err));
		return;
	case 4:
	case 6:
		errno = 0;
		v = strtoull(a[0], &end, 10);
		if (a[0][0] < '0' || a[0][0] > '9' || *end || errno || v > 100000)
			die("%s: invalid number '%s'", o->name, a[0]);
		if (o->type == 4)
			CALL(c, vb_config_cpu_weight(c->cfg, (unsigned)v, &c->err));
		else
			CALL(c, vb_config_io_weight(c->cfg, (unsigned)v, &c->err));
		return;
	case 7:
		CALL(c, vb_config_cgroup_parent(c->cfg, a[0], &c->err));
		return;
	case 8:
		r = vb_parse_rlimit(a[0], &res, &v, &hard);
		if (r == -ERANGE)
			die("--rlimit: soft limit above hard limit in '%s'", a[0]);
		if (r < 0)
			die("--rlimit: invalid limit '%s' (NAME=SOFT[:HARD], e.g. NOFILE=1024:4096)",
			    a[0]);
		CALL(c, vb_config_rlimit(c->cfg, res, v, hard, &c->err));
		return;
	case 9:
	case 11:
		if (vb_parse_duration(a[0], &v) < 0)
			die("%s: invalid duration '%s' (e.g. 10, 1.5s, 500ms, 2m)", o->name, a[0]);
		if (o->type == 9)
			CALL(c, vb_config_timeout(c->cfg, v, &c->err));
		else
			CALL(c, vb_config_kill_after(c->cfg, v, &c->err));
		return;
	case 10:
		if (vb_parse_signal(a[0], &sig) < 0)
			die("--timeout-signal: invalid signal '%s'", a[0]);
		CALL(c, vb_config_timeout_signal(c->cfg, sig, &c->err));
		return;
	}
}

/* Networking (lib/net.c): one library call per flag. */
static void do_net(struct cli *c, const struct opt *o, char **a)
{
	unsigned long v;
	char *end;

	switch (o->type) {
	case 0:
		CALL(c, vb_config_net(c->cfg, a[0], &c->err));
		return;
	case 1:
		CALL(c, vb_config_net_subnet(c->cfg, a[0], &c->err));
		return;
	case 2:
		CALL(c, vb_config_net_ip(c->cfg, a[0], &c->err));
		return;
	case 3:
		CALL(c, vb_config_net_mac(c->cfg, a[0], &c->err));
		return;
	case 4:
		errno = 0;
		v = strtoul(a[0], &end, 10);
		if (a[0][0] < '0' || a[0][0] > '9' || *end || errno || v > 65535)
			die("--mtu: invalid number '%s'", a[0]);
		CALL(c, vb_config_net_mtu(c->cfg, (unsigned)v, &c->err));
		return;
	case 5:
		CALL(c, vb_config_net_no_nat(c->cfg, &c->err));
		return;
	case 6:
		CALL(c, vb_config_net_ipv6(c->cfg, &c->err));
		return;
	case 7:
		CALL(c, vb_config_net_subnet6(c->cfg, a[0], &c->err));
		return;
	case 8:
		CALL(c, vb_config_net_publish(c->cfg, a[0], &c->err));
		return;
	case 9:
		CALL(c, vb_config_net_dns(c->cfg, a[0], &c->err));
		return;
	case 10:
		CALL(c, vb_net_prune(&c->err));
		exit(EXIT_SUCCESS);
	}
}

/* Security depth (lib/seccomp.c, lib/landlock.c, lib/pty.c, lib/doctor.c). */
static void do_sec(struct cli *c, const struct opt *o, char **a)
{
	static char buf[65536];
	int r;

	switch (o->type) {
	case 0:
		CALL(c, vb_config_seccomp_policy(c->cfg, a[0], &c->err));
		return;
	case 1:
		CALL(c, vb_config_seccomp_allow(c->cfg, a[0], &c->err));
		return;
	case 2:
		CALL(c, vb_config_seccomp_deny(c->cfg, a[0], &c->err));
		return;
	case 3:
		CALL(c, vb_config_seccomp_default_action(c->cfg, a[0], &c->err));
		return;
	case 4:
		CALL(c, vb_config_landlock(c->cfg, o->flag, &c->err));
		return;
	case 5:
		CALL(c, vb_config_landlock_scope(c->cfg, a[0], &c->err));
		return;
	case 6:
		CALL(c, vb_config_pty(c->cfg, &c->err));
		return;
	case 7:
		CALL(c, vb_seccomp_policy_dump(a[0], buf, sizeof(buf), &c->err));
		fputs(buf, stdout);
		exit(EXIT_SUCCESS);
	case 9:
		CALL(c, vb_config_seccomp_learn(c->cfg, a[0], &c->err));
		return;
	case 8: /* --check-host [--json] */
		r = vb_check_host(a[0] && strcmp(a[0], "--json") == 0 ? VB_CHECK_JSON : 0,
				  prog_full, buf, sizeof(buf), &c->err);
		if (r < 0)
			die_err(&c->err);
		fputs(buf, stdout);
		exit(r > 0 ? EXIT_FAILURE : EXIT_SUCCESS);
	}
}

static const struct opt options[] = {
	{ "--args", 1, "--args takes an argument", do_args },
	{ "--argv0", 1, "--argv0 takes one argument", do_string, 8 },
	{ "--level-prefix", 0, NULL, do_level_prefix },
	{ "--profile", 1, "--profile takes an argument", do_profile },
	{ "--unshare-all", 0, NULL, do_unshare_all },
	{ "--share-net", 0, NULL, do_share_net },
	{ "--unshare-user", 0, NULL, do_unshare, VB_NS_USER, false },
	{ "--unshare-user-try", 0, NULL, do_unshare, VB_NS_USER, true },
	{ "--unshare-ipc", 0, NULL, do_unshare, VB_NS_IPC, false },
	{ "--unshare-pid", 0, NULL, do_unshare, VB_NS_PID, false },
	{ "--unshare-net", 0, NULL, do_unshare, VB_NS_NET, false },
	{ "--unshare-uts", 0, NULL, do_unshare, VB_NS_UTS, false },
	{ "--unshare-cgroup", 0, NULL, do_unshare, VB_NS_CGROUP, false },
	{ "--unshare-cgroup-try", 0, NULL, do_unshare, VB_NS_CGROUP, true },
	{ "--userns", 1, "--userns takes an argument", do_fd, 0 },
	{ "--userns2", 1, "--userns2 takes an argument", do_fd, 1 },
	{ "--pidns", 1, "--pidns takes an argument", do_fd, 2 },
	{ "--disable-userns", 0, NULL, do_bool, 3 },
	{ "--assert-userns-disabled", 0, NULL, do_bool, 4 },
	{ "--uid", 1, "--uid takes an argument", do_id, 0 },
	{ "--gid", 1, "--gid takes an argument", do_id, 1 },
	{ "--hostname", 1, "--hostname takes an argument", do_string, 0 },
	{ "--chdir", 1, "--chdir takes one argument", do_string, 1 },
	{ "--clearenv", 0, NULL, do_bool, 5 },
	{ "--setenv", 2, "--setenv takes two arguments", do_setenv },
	{ "--unsetenv", 1, "--unsetenv takes an argument", do_string, 2 },
	{ "--lock-file", 1, "--lock-file takes an argument", do_string, 3 },
	{ "--sync-fd", 1, "--sync-fd takes an argument", do_fd, 3 },
	{ "--bind", 2, "--bind takes two arguments", do_op2, VB_OP_BIND },
	{ "--bind-try", 2, "--bind-try takes two arguments", do_op2, VB_OP_BIND_TRY },
	{ "--dev-bind", 2, "--dev-bind takes two arguments", do_op2, VB_OP_DEV_BIND },
	{ "--dev-bind-try", 2, "--dev-bind-try takes two arguments", do_op2, VB_OP_DEV_BIND_TRY },
	{ "--ro-bind", 2, "--ro-bind takes two arguments", do_op2, VB_OP_RO_BIND },
	{ "--ro-bind-try", 2, "--ro-bind-try takes two arguments", do_op2, VB_OP_RO_BIND_TRY },
	/* bwrap says --bind-fd for both. */
	{ "--bind-fd", 2, "--bind-fd takes two arguments", do_op_fd, VB_OP_BIND_FD },
	{ "--ro-bind-fd", 2, "--bind-fd takes two arguments", do_op_fd, VB_OP_RO_BIND_FD },
	{ "--remount-ro", 1, "--remount-ro takes one argument", do_op1, VB_OP_REMOUNT_RO },
	{ "--overlay-src", 1, "--overlay-src takes an argument", do_overlay_src },
	{ "--overlay", 3, "--overlay takes three arguments", do_overlay, VB_OP_OVERLAY },
	{ "--tmp-overlay", 1, "--tmp-overlay takes an argument", do_overlay, VB_OP_TMP_OVERLAY },
	{ "--ro-overlay", 1, "--ro-overlay takes an argument", do_overlay, VB_OP_RO_OVERLAY },
	{ "--exec-label", 1, "--exec-label takes an argument", do_string, 6 },
	{ "--file-label", 1, "--file-label takes an argument", do_string, 7 },
	{ "--proc", 1, "--proc takes an argument", do_op1, VB_OP_PROC },
	{ "--dev", 1, "--dev takes an argument", do_op1, VB_OP_DEV },
	{ "--tmpfs", 1, "--tmpfs takes an argument", do_op1, VB_OP_TMPFS },
	{ "--mqueue", 1, "--mqueue takes an argument", do_op1, VB_OP_MQUEUE },
	{ "--dir", 1, "--dir takes an argument", do_op1, VB_OP_DIR },
	{ "--file", 2, "--file takes two arguments", do_op_fd, VB_OP_FILE },
	{ "--bind-data", 2, "--bind-data takes two arguments", do_op_fd, VB_OP_BIND_DATA },
	{ "--ro-bind-data", 2, "--ro-bind-data takes two arguments", do_op_fd, VB_OP_RO_BIND_DATA },
	{ "--symlink", 2, "--symlink takes two arguments", do_op2, VB_OP_SYMLINK },
	{ "--seccomp", 1, "--seccomp takes an argument", do_fd, 8 },
	{ "--add-seccomp-fd", 1, "--add-seccomp-fd takes an argument", do_fd, 9 },
	{ "--block-fd", 1, "--block-fd takes an argument", do_fd, 4 },
	{ "--userns-block-fd", 1, "--userns-block-fd takes an argument", do_fd, 5 },
	{ "--info-fd", 1, "--info-fd takes an argument", do_fd, 6 },
	{ "--json-status-fd", 1, "--json-status-fd takes an argument", do_fd, 7 },
	{ "--new-session", 0, NULL, do_bool, 0 },
	{ "--die-with-parent", 0, NULL, do_bool, 1 },
	{ "--as-pid-1", 0, NULL, do_bool, 2 },
	{ "--cap-add", 1, "--cap-add takes an argument", do_string, 4 },
	{ "--cap-drop", 1, "--cap-drop takes an argument", do_string, 5 },
	{ "--perms", 1, "--perms takes an argument", do_perms },
	{ "--size", 1, "--size takes an argument", do_size },
	{ "--chmod", 2, "--chmod takes two arguments", do_chmod },
	{ "--status-fd", 1, "--status-fd takes an argument", do_sup, 0 },
	{ "--memory", 1, "--memory takes an argument", do_sup, 1 },
	{ "--memory-swap", 1, "--memory-swap takes an argument", do_sup, 2 },
	{ "--cpus", 1, "--cpus takes an argument", do_sup, 3 },
	{ "--cpu-weight", 1, "--cpu-weight takes an argument", do_sup, 4 },
	{ "--pids-max", 1, "--pids-max takes an argument", do_sup, 5 },
	{ "--io-weight", 1, "--io-weight takes an argument", do_sup, 6 },
	{ "--cgroup-parent", 1, "--cgroup-parent takes an argument", do_sup, 7 },
	{ "--rlimit", 1, "--rlimit takes an argument", do_sup, 8 },
	{ "--timeout", 1, "--timeout takes an argument", do_sup, 9 },
	{ "--timeout-signal", 1, "--timeout-signal takes an argument", do_sup, 10 },
	{ "--kill-after", 1, "--kill-after takes an argument", do_sup, 11 },
	{ "--net", 1, "--net takes an argument", do_net, 0 },
	{ "--subnet", 1, "--subnet takes an argument", do_net, 1 },
	{ "--ip", 1, "--ip takes an argument", do_net, 2 },
	{ "--mac", 1, "--mac takes an argument", do_net, 3 },
	{ "--mtu", 1, "--mtu takes an argument", do_net, 4 },
	{ "--no-nat", 0, NULL, do_net, 5 },
	{ "--ipv6", 0, NULL, do_net, 6 },
	{ "--subnet6", 1, "--subnet6 takes an argument", do_net, 7 },
	{ "--publish", 1, "--publish takes an argument", do_net, 8 },
	{ "--dns", 1, "--dns takes an argument", do_net, 9 },
	{ "--net-prune", 0, NULL, do_net, 10 },
	{ "--seccomp-policy", 1, "--seccomp-policy takes an argument", do_sec, 0 },
	{ "--seccomp-allow", 1, "--seccomp-allow takes an argument", do_sec, 1 },
	{ "--seccomp-deny", 1, "--seccomp-deny takes an argument", do_sec, 2 },
	{ "--seccomp-default-action", 1, "--seccomp-default-action takes an argument", do_sec, 3 },
	{ "--landlock", 0, NULL, do_sec, 4, false },
	{ "--landlock=strict", 0, NULL, do_sec, 4, true },
	{ "--landlock-scope", 1, "--landlock-scope takes an argument", do_sec, 5 },
	{ "--pty", 0, NULL, do_sec, 6 },
	{ "--seccomp-policy-dump", 1, "--seccomp-policy-dump takes an argument", do_sec, 7 },
	{ "--seccomp-learn", 1, "--seccomp-learn takes an argument", do_sec, 9 },
	{ "--check-host", 0, NULL, do_sec, 8 },
};

static const struct opt *find_option(const char *name)
{
	for (size_t i = 0; i < sizeof(options) / sizeof(options[0]); i++)
		if (strcmp(options[i].name, name) == 0)
			return &options[i];
	return NULL;
}

/* Parses options until the first non-option or "--"; *ret_consumed is how
 * many elements of argv were options (and the "--"). */
static void parse_list(struct cli *c, int argc, char **argv, int *ret_consumed)
{
	int i = 0;

	c->saw_dashdash = false;
	while (i < argc) {
		const char *arg = argv[i];
		const struct opt *o;

		if (strcmp(arg, "--help") == 0)
			usage(EXIT_SUCCESS, stdout);
		if (strcmp(arg, "--version") == 0) {
			printf("voidbox %s\n", vb_version());
			exit(EXIT_SUCCESS);
		}
		if (strcmp(arg, "--") == 0) {
			c->saw_dashdash = true;
			i++;
			break;
		}
		if (arg[0] != '-')
			break;
		o = find_option(arg);
		if (!o)
			die("Unknown option %s", arg);
		/* bwrap refuses --size in setuid mode before it looks for
		 * the argument; the library says so for any size. */
		if (argc - i - 1 < o->nargs && o->fn == do_size && getuid() != 0 && geteuid() == 0)
			CALL(c, vb_config_set_size(c->cfg, 1, &c->err));
		if (argc - i - 1 < o->nargs)
			die("%s", o->missing);
		o->fn(c, o, argv + i + 1);
		i += 1 + o->nargs;
		/* The library checked this option against the modifiers
		 * before it; track what is left pending for cli_option_end(). */
		if (o->fn == do_perms) {
			c->pend_perms = true;
		} else if (o->fn == do_size) {
			c->pend_size = true;
		} else if (o->fn == do_overlay_src) {
			c->pend_overlay_src = true;
		} else {
			c->pend_perms = c->pend_size = c->pend_overlay_src = false;
		}
	}
	*ret_consumed = i;
}

int main(int argc, char **argv)
{
	struct cli c = { 0 };
	vb_error err = { 0 };
	int used = 0, status = 0;
	const char *slash;

	if (argc > 0 && argv[0]) {
		prog_full = argv[0];
		slash = strrchr(argv[0], '/');
		prog = slash ? slash + 1 : argv[0];
	}
	c.cfg = vb_config_new();
	if (!c.cfg)
		die("Out of memory");
	vb_config_set_log_fn(c.cfg, log_cb, NULL);

	count_args(&c, argc > 0 ? argc - 1 : 0);
	parse_list(&c, argc - 1, argv + 1, &used);
	if (argc - 1 - used <= 0) {
		/* bwrap makes some checks before it notices there is no
		 * command; then it prints its usage. */
		if (vb_config_validate(c.cfg, &err) != -ENOEXEC)
			die_err(&err);
		usage(EXIT_SETUP, stderr);
	}
	if (vb_config_set_command(c.cfg, argc - 1 - used, argv + 1 + used, &err) < 0 ||
	    vb_config_validate(c.cfg, &err) < 0 || vb_run(c.cfg, &status, &err) < 0)
		die_err(&err);
	c.cfg = vb_config_free(c.cfg);
	return status;
}
