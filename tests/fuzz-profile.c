/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer target for profile files: vb_profile_load() of a file holding
 * the input (a memfd, named by its /proc/self/fd path, read as --profile
 * FILE reads it), and vb_profile_parse() and vb_args_parse() of the same
 * bytes.  Built and run by tests/libfuzzer.t.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "voidbox.h"

/* Each argument is a terminated string; argc counts them; argv[argc] is
 * NULL. */
static void check(char **argv, int argc, size_t max_total)
{
	size_t total = 0;

	for (int i = 0; i < argc; i++) {
		if (!argv[i])
			abort();
		total += strlen(argv[i]);
	}
	if (argv[argc] || total > max_total)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	char path[64], **argv = NULL, *text;
	int argc = -1;
	vb_error err = { 0 };

	if (fd < 0 && (fd = memfd_create("vb-fuzz-profile", MFD_CLOEXEC)) < 0)
		abort();
	if (ftruncate(fd, 0) < 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (vb_profile_load(path, &argv, &argc, &err) == 0) {
		check(argv, argc, size);
		vb_strv_free(argv);
	} else if (strnlen(err.message, sizeof(err.message)) >= sizeof(err.message)) {
		abort();
	}

	/* The text parser on its own, on the input as a C string. */
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	argv = NULL;
	if (vb_profile_parse(text, &argv, &argc) == 0) {
		check(argv, argc, size);
		vb_strv_free(argv);
	}
	free(text);

	/* The --args format of the same bytes. */
	argv = NULL;
	if (vb_args_parse((const char *)data, size, &argv, &argc) == 0) {
		check(argv, argc, size);
		vb_strv_free(argv);
	}
	return 0;
}
