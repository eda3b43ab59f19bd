/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* --info-fd and --json-status-fd, byte for byte as bwrap writes them. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>

#include "fault.h"
#include "sandbox.h"

/* bwrap's order; only the namespaces the sandbox made are listed (the
 * mount namespace always is). */
static const struct {
	const char *name;
	unsigned ns;
} ns_list[] = {
	{ "cgroup", VB_NS_CGROUP }, { "ipc", VB_NS_IPC }, { "mnt", 0 },
	{ "net", VB_NS_NET },       { "pid", VB_NS_PID }, { "uts", VB_NS_UTS },
};

int status_write_info(struct vb_sandbox *sb, vb_error *err)
{
	vb_config *cfg = sb->cfg;
	char pretty[1024], line[1024], path[64];
	int pl, ll, r;

	if (cfg->info_fd < 0 && cfg->json_status_fd < 0)
		return 0;
	pl = snprintf(pretty, sizeof(pretty), "{\n    \"child-pid\": %i", (int)sb->pid);
	ll = snprintf(line, sizeof(line), "{ \"child-pid\": %i", (int)sb->pid);
	for (size_t i = 0; i < ARRAY_SIZE(ns_list); i++) {
		const char *name = ns_list[i].name;
		struct stat st;

		if (ns_list[i].ns && !(sb->ns & ns_list[i].ns))
			continue;
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)sb->pid, name);
		if (stat(path, &st) < 0)
			continue;
		pl += snprintf(pretty + pl, sizeof(pretty) - (size_t)pl,
			       ",\n    \"%s-namespace\": %ju", name, (uintmax_t)st.st_ino);
		ll += snprintf(line + ll, sizeof(line) - (size_t)ll, ", \"%s-namespace\": %ju",
			       name, (uintmax_t)st.st_ino);
	}
	snprintf(pretty + pl, sizeof(pretty) - (size_t)pl, "\n}\n");
	snprintf(line + ll, sizeof(line) - (size_t)ll, " }\n");

	if (cfg->info_fd >= 0) {
		r = vb_sandbox_write(sb, cfg->info_fd, pretty, strlen(pretty));
		/* Closed as bwrap does, so a reader sees EOF while the
		 * sandbox runs: the fd is the configuration's (voidbox.h). */
		(void)close(cfg->info_fd);
		cfg->info_fd = -1;
		if (r < 0)
			return vb_sandbox_cut(sb, r, err, "Write to info_fd");
	}
	if (cfg->json_status_fd >= 0) {
		r = vb_sandbox_write(sb, cfg->json_status_fd, line, strlen(line));
		if (r < 0)
			return vb_sandbox_cut(sb, r, err, "Write to json_status_fd");
	}
	return 0;
}

void status_write_exit(struct vb_sandbox *sb, int exit_code)
{
	char line[64];

	if (sb->cfg->json_status_fd < 0)
		return;
	snprintf(line, sizeof(line), "{ \"exit-code\": %i }\n", exit_code);
	(void)vb_sandbox_write(sb, sb->cfg->json_status_fd, line, strlen(line));
}
