/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer target for seccomp policy files (lib/security/policy.c):
 * vb_config_seccomp_policy() of a file holding the input (a memfd, named by
 * its /proc/self/fd path), then, when it is accepted, vb_config_validate()
 * with a command, which compiles the rules with libseccomp; and
 * vb_seccomp_policy_dump() of the same file.  Built and run by
 * tests/libfuzzer.t.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "voidbox.h"

static void quiet(void *userdata, int level, const char *message)
{
	(void)userdata;
	(void)level;
	(void)message;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char dump[1 << 18];
	char *const cmd[] = { (char *)"/bin/true", NULL };
	char path[64];
	vb_error err = { 0 };
	vb_config *cfg;
	int r;

	if (fd < 0 && (fd = memfd_create("vb-fuzz-policy", MFD_CLOEXEC)) < 0)
		abort();
	if (ftruncate(fd, 0) < 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);

	cfg = vb_config_new();
	if (!cfg)
		return 0;
	vb_config_set_log_fn(cfg, quiet, NULL);
	r = vb_config_seccomp_policy(cfg, path, &err);
	if (r == 0 && vb_config_set_command(cfg, 1, cmd, &err) == 0)
		(void)vb_config_validate(cfg, &err);
	if (strnlen(err.message, sizeof(err.message)) >= sizeof(err.message))
		abort();
	cfg = vb_config_free(cfg);

	r = vb_seccomp_policy_dump(path, dump, sizeof(dump), &err);
	if (r >= 0 && (size_t)r != strlen(dump))
		abort();
	return 0;
}
