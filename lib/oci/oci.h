/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* vb oci (lib/oci/): the OCI runtime interface.  spec.c maps a bundle's
 * config.json (runtime spec 1.1/1.2) onto a vb_config and keeps what the
 * runtime itself must do (id maps, umask, groups, sysctls, hooks);
 * runtime.c is the command line (create, start, state, ...).  Not part of
 * libvoidbox: linked into vb only. */
#ifndef VB_OCI_H
#define VB_OCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "voidbox.h"

/* Caps on input: a config.json beyond these is refused, not truncated. */
#define OCI_MAX_CONFIG (4u << 20) /* bytes of config.json */
#define OCI_MAX_ARRAY 4096u       /* entries of any one array */
#define OCI_MAX_IDMAPS 64u        /* uidMappings / gidMappings entries */
#define OCI_MAX_GROUPS 64u        /* additionalGids */

struct oci_idmap {
	uint32_t container, host, size;
};

struct oci_hook {
	char *path;
	char **args; /* NULL-terminated, may be NULL */
	char **env;  /* NULL-terminated, may be NULL */
	int timeout; /* seconds, 0 = none */
};

enum oci_hook_kind {
	OCI_HOOK_PRESTART,
	OCI_HOOK_CREATE_RUNTIME,
	OCI_HOOK_CREATE_CONTAINER,
	OCI_HOOK_START_CONTAINER,
	OCI_HOOK_POSTSTART,
	OCI_HOOK_POSTSTOP,
	OCI_HOOK_MAX,
};

/* What config.json asks of the runtime beyond the vb_config. */
struct oci_spec {
	char *oci_version;
	char *root; /* absolute: the bundle's root.path resolved */
	bool root_readonly;
	bool terminal;
	bool userns;      /* a new user namespace */
	char *ns_path[8]; /* joined namespaces, by OCI_NS_* index */
	struct oci_idmap uid_maps[OCI_MAX_IDMAPS], gid_maps[OCI_MAX_IDMAPS];
	size_t n_uid_maps, n_gid_maps;
	uid_t uid;
	gid_t gid;
	gid_t groups[OCI_MAX_GROUPS];
	size_t n_groups;
	bool have_umask;
	mode_t umask;
	bool have_oom_score_adj;
	int oom_score_adj;
	char **sysctl; /* "key", "value", ... NULL-terminated */
	size_t n_sysctl;
	struct oci_hook *hooks[OCI_HOOK_MAX];
	size_t n_hooks[OCI_HOOK_MAX];
	char *cgroups_path;
	/* Mounts whose nosuid, nodev or noexec vb's ops do not give: create
	 * remounts them (MS_* flags to add). */
	struct oci_remount {
		char *dest;
		unsigned long flags;
	} * remounts;
	size_t n_remounts;
};

/* Namespace indexes for ns_path (runtime spec names). */
enum {
	OCI_NS_PID,
	OCI_NS_NET,
	OCI_NS_MOUNT,
	OCI_NS_IPC,
	OCI_NS_UTS,
	OCI_NS_USER,
	OCI_NS_CGROUP,
	OCI_NS_TIME
};

/* Parses config.json text (len bytes) of the bundle at bundle_dir (an
 * absolute path) into cfg (a fresh vb_config) and *ret (the caller's,
 * oci_spec_free()).  For exec, process_only: text is a process.json (the
 * "process" object alone) and only the process fields are applied.
 * -EINVAL with err holding a one-line message naming the field. */
int oci_spec_parse(const char *text, size_t len, const char *bundle_dir, bool process_only,
		   vb_config *cfg, struct oci_spec **ret, vb_error *err);
/* Reads bundle_dir/config.json (at most OCI_MAX_CONFIG bytes) and parses it. */
int oci_spec_load(const char *bundle_dir, vb_config *cfg, struct oci_spec **ret, vb_error *err);
struct oci_spec *oci_spec_free(struct oci_spec *spec);

/* vb oci ...: argv[0] is "oci" (or vb-oci's own name).  Returns the exit status. */
int vb_oci_main(const char *prog, int argc, char **argv);

#endif
