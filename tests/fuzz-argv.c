/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer target for vb's command line: the option table's parser, the
 * --args list, the library setters each option calls and
 * vb_config_validate(), exactly as main() drives them (vb.c is included
 * with VB_CLI_NO_MAIN: the parser returns errors, it never exits).
 *
 * Input: the command line after argv[0], NUL-separated; an optional
 * "\0\0\0" (three NULs) ends it and what follows is the data every --args
 * FD reads (NUL-separated too).  Built and run by tests/libfuzzer.t.
 *
 * What the parser would do to the fuzzer's own process is fenced off: an
 * fd argument (parsed as parse_fd() would) is replaced by a fresh memfd
 * (holding the --args data for --args), since vb_config_free() closes the
 * fds the configuration took; --profile and --seccomp-policy files are
 * replaced by built-in names (tests/fuzz-profile.c and fuzz-policy.c fuzz
 * the files).  After each input the lowest free fd must be what it was:
 * a leaked fd aborts.
 */
#define VB_CLI_NO_MAIN
#include "../vb.c"

#include <fcntl.h>
#include <sys/mman.h>

#define FUZZ_MAX_FDS 256

static int fds[FUZZ_MAX_FDS];
static int n_fds;

static int fuzz_fd(const void *data, size_t len)
{
	int fd;

	if (n_fds >= FUZZ_MAX_FDS)
		return -1;
	fd = memfd_create("vb-fuzz", MFD_CLOEXEC);
	if (fd < 0)
		return -1;
	if (len && write(fd, data, len) != (ssize_t)len) {
		(void)close(fd);
		return -1;
	}
	(void)lseek(fd, 0, SEEK_SET);
	fds[n_fds++] = fd;
	return fd;
}

static bool valid_fd_text(const char *s)
{
	struct cli c = { 0 };
	int fd;

	return parse_fd(&c, s, &fd) == 0;
}

/* Replaces, in place, what would reach outside the process (see above).
 * Walks argv as parse_list() does, and past its end: a rewrite the parser
 * never reaches is harmless. */
static void fence(char **argv, int argc, const char *args_data, size_t args_len, char *spare,
		  size_t spare_size)
{
	size_t used = 0;

	for (int i = 0; i < argc;) {
		const struct opt *o = argv[i][0] == '-' ? find_option(argv[i]) : NULL;
		int nargs;

		if (!o) {
			i++;
			continue;
		}
		nargs = (int)strlen(o->args);
		for (int k = 0; k < nargs && i + 1 + k < argc; k++) {
			char **a = &argv[i + 1 + k];
			int fd;

			if (o->args[k] == 'f' && valid_fd_text(*a)) {
				bool is_args = strcmp(o->name, "--args") == 0;

				fd = fuzz_fd(is_args ? args_data : NULL, is_args ? args_len : 0);
				if (fd < 0 || used + 16 > spare_size) {
					*a = (char *)"-1";
					continue;
				}
				*a = spare + used;
				used += (size_t)snprintf(*a, 16, "%d", fd) + 1;
			} else if (o->args[k] == 'P' && !vb_profile_builtin(*a)) {
				*a = (char *)"host-ro";
			} else if (o->args[k] == 'L' && strchr(*a, '/')) {
				*a = (char *)"default";
			}
		}
		i += 1 + nargs;
	}
}

static void quiet(void *userdata, int level, const char *message)
{
	(void)userdata;
	(void)level;
	(void)message;
}

/* The lowest free fd: what a leak would move. */
static int lowest_free_fd(void)
{
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

	if (fd >= 0)
		(void)close(fd);
	return fd;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char spare[FUZZ_MAX_FDS * 16];
	char **args = NULL, **argv = NULL, *joined = NULL;
	const uint8_t *sep = memmem(data, size, "\0\0\0", 3);
	size_t cmd_len = sep ? (size_t)(sep - data) : size, args_len = 0;
	int argc = 0, n_args = 0, used = 0, before = lowest_free_fd();
	struct cli c = { 0 };

	n_fds = 0;
	if (vb_args_parse((const char *)data, cmd_len, &argv, &argc) < 0)
		return 0;
	/* The --args data, fenced as the command line is, then joined again. */
	if (sep && vb_args_parse((const char *)sep + 3, size - cmd_len - 3, &args, &n_args) == 0) {
		/* A view: the vector's strings stay the vector's to free. */
		char **view = calloc((size_t)n_args + 1, sizeof(char *));
		size_t at = 0;

		if (!view)
			goto out;
		memcpy(view, args, (size_t)n_args * sizeof(char *));
		fence(view, n_args, NULL, 0, spare + sizeof(spare) / 2, sizeof(spare) / 2);
		for (int i = 0; i < n_args; i++)
			args_len += strlen(view[i]) + 1;
		joined = malloc(args_len + 1);
		for (int i = 0; joined && i < n_args; i++) {
			size_t l = strlen(view[i]) + 1;

			memcpy(joined + at, view[i], l);
			at += l;
		}
		free(view);
	}
	/* argv[0] first, as main() sees it. */
	{
		char **full = calloc((size_t)argc + 2, sizeof(char *));

		if (!full)
			goto out;
		full[0] = (char *)"vb";
		memcpy(full + 1, argv, (size_t)argc * sizeof(char *));
		fence(full + 1, argc, joined, joined ? args_len : 0, spare, sizeof(spare) / 2);

		c.cfg = vb_config_new();
		if (c.cfg) {
			vb_error err = { 0 };
			int r;

			vb_config_set_log_fn(c.cfg, quiet, NULL);
			r = cli_parse(&c, argc + 1, full, &used);
			if (r == 0 && cli_check_action(&c, argc + 1 - used, full + used) == 0 &&
			    !c.action) {
				if (argc + 1 - used > 0)
					(void)vb_config_set_command(c.cfg, argc + 1 - used,
								    full + used, &err);
				(void)vb_config_validate(c.cfg, &err);
			}
			/* Every message is terminated inside its buffer. */
			if (r < 0 &&
			    strnlen(c.err.message, sizeof(c.err.message)) >= sizeof(c.err.message))
				abort();
			c.cfg = vb_config_free(c.cfg);
		}
		free(full);
	}
out:
	/* What the configuration did not close (it closes what it took). */
	for (int i = 0; i < n_fds; i++)
		if (fcntl(fds[i], F_GETFD) >= 0)
			(void)close(fds[i]);
	vb_strv_free(argv);
	vb_strv_free(args);
	free(joined);
	if (lowest_free_fd() != before)
		abort(); /* an fd leaked */
	return 0;
}
