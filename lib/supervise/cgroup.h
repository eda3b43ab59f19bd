/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup limits (lib/cgroup.c): the config the setters fill, the state of
 * one sandbox's cgroups, and what the supervision module reads back. */
#ifndef VB_CG_INTERNAL_H
#define VB_CG_INTERNAL_H
#include <limits.h>

#include "fault.h"
#include "hooks.h"

/* Controllers, as bits. */
enum {
	CG_MEMORY = 1u << 0,
	CG_CPU = 1u << 1,
	CG_PIDS = 1u << 2,
	CG_IO = 1u << 3,
};

struct vb_cg_config {
	uint64_t memory, memory_swap, pids_max; /* VB_UNLIMITED when unset */
	bool have_memory, have_swap, have_pids;
	unsigned cpus_milli; /* --cpus * 1000, 0 when unset */
	unsigned cpu_weight; /* 0 when unset */
	unsigned io_weight;  /* 0 when unset */
	char *parent;        /* --cgroup-parent, NULL: the caller's cgroup */
};

/* One directory the sandbox has in one hierarchy. */
struct cg_dir {
	int version;         /* 1 or 2 */
	unsigned ctrls;      /* controllers limited here */
	char path[PATH_MAX]; /* the sandbox's cgroup */
	char base[PATH_MAX]; /* its parent */
};

struct vb_cg_state {
	struct cg_dir dirs[6];
	size_t n_dirs;
	int v2;                     /* index of the v2 directory, -1 when none */
	int by_ctrl[4];             /* index of the directory for each CG_* bit, -1 */
	int oom_fd;                 /* cg_oom_watch()'s fd, closed with the state */
	char v2_rel[PATH_MAX + 80]; /* the v2 cgroup as /proc/PID/cgroup shows it */
	/* What cg_v2_enable() changed, for cg_state_free() to put back. */
	char enabled[8][16]; /* controllers vb enabled in enabled_base */
	size_t n_enabled;
	char enabled_base[PATH_MAX];
	char leaf[PATH_MAX + 64]; /* vb's own leaf (no-internal-process rule) */
	char leaf_base[PATH_MAX];
	bool moved; /* vb moved itself into leaf */
};

/* What a finished sandbox used, as far as its cgroups tell. */
struct cg_stats {
	bool have_peak, have_cpu, have_oom;
	uint64_t peak_bytes;
	uint64_t cpu_user_usec, cpu_system_usec;
	uint64_t oom_kills; /* since creation */
};
int cg_read_stats(struct vb_sandbox *sb, struct cg_stats *st);
/* An fd that becomes readable (POLLIN) or signals POLLPRI when the memory
 * controller reports an OOM; -ENOENT when there is no memory limit. */
int cg_oom_watch(struct vb_sandbox *sb, short *ret_events);
/* Kills every process in the sandbox's cgroups (cgroup.kill, else one
 * SIGKILL per pid listed).  Returns how many directories were handled. */
int cg_kill_all(struct vb_sandbox *sb);
/* The v2 cgroup path relative to its hierarchy ("/x/vb-1-0"), for events. */
const char *cg_v2_path(const struct vb_sandbox *sb);

/* Enables the v2 controllers names (flags: the options asking, for
 * messages) in base's cgroup.subtree_control; with may_move, moves vb into
 * a leaf of base when base's processes are vb alone.  Exposed for tests. */
int cg_v2_enable(struct vb_cg_state *cs, const char *base, const char *const *names,
		 const char *const *flags, size_t n, bool may_move, vb_error *err);
void cg_v2_restore(struct vb_cg_state *cs);
/* Exposed for unit tests: where the caller's cgroup is in each hierarchy. */
int cg_self_path(const char *controller, char *buf, size_t size);
#endif
