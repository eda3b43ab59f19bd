/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef VB_SEC_INTERNAL_H
#define VB_SEC_INTERNAL_H
#include <linux/filter.h>
#include <stdint.h>

#include "fault.h"
#include "hooks.h"

/* One BPF program, ready for prctl(PR_SET_SECCOMP). */
struct vb_bpf_prog {
	struct sock_filter *insns;
	unsigned short len;
};

/* Actions of a policy rule and of --seccomp-default-action. */
enum sec_action {
	SEC_UNSET = 0,
	SEC_ALLOW,
	SEC_ERRNO, /* with an errno */
	SEC_KILL,
	SEC_LOG,
};

/* One line of a policy, or one --seccomp-allow/--seccomp-deny: name is a
 * syscall or "@group", checked when the rule was added. */
struct sec_rule {
	enum sec_action action;
	int error; /* SEC_ERRNO */
	char name[40];
};

#define SEC_MAX_RULES 4096

/* Module state (cfg->sec).  Rules are kept in argv order: the policies'
 * lines, then the allow/deny options, last one wins per syscall.  The
 * filters are compiled by sec_validate() (vb_config_validate()), so that
 * sec_apply_child() only calls prctl()/landlock syscalls. */
struct vb_sec_config {
	struct sec_rule *rules;
	size_t n_rules, cap_rules;
	bool have_policy;               /* a policy or allow/deny was given */
	bool allow_tiocsti;             /* --allow-tiocsti: no default terminal filter */
	enum sec_action policy_default; /* last policy's "default" line */
	int policy_default_errno;
	enum sec_action default_action; /* --seccomp-default-action */
	int default_errno;

	/* Compiled: policy filters (loaded first), then bwrap's raw programs. */
	struct vb_bpf_prog *pol_progs;
	size_t n_pol_progs;
	struct vb_bpf_prog *progs;
	size_t n_progs;

	/* Landlock (lib/landlock.c). */
	bool landlock, landlock_strict;
	unsigned landlock_scope; /* SEC_LL_SCOPE_* */
	int landlock_abi;        /* found by sec_validate(), -1 until then */

	/* --seccomp-learn FILE (lib/seccomp-learn.c): FILE's directory,
	 * opened with the caller's rights, and FILE's name in it. */
	char *learn_path;
	char *learn_dir; /* opened by learn_validate() into learn_dirfd */
	int learn_dirfd;
	char learn_name[256];
};

#define SEC_LL_SCOPE_ABSTRACT_UNIX (1u << 0)
#define SEC_LL_SCOPE_SIGNAL (1u << 1)

struct vb_sec_config *sec_get(vb_config *cfg);
int sec_begin(vb_config *cfg, bool ok, vb_error *err, struct vb_sec_config **ret);
/* What a setter may change before it finds a problem (a policy file's
 * first lines): sec_undo() puts it back when r < 0, and drops a module
 * state the call made, so that a refused call changes nothing.  Returns r. */
struct sec_snap {
	bool existed;
	size_t n_rules;
	bool have_policy;
	enum sec_action policy_default;
	int policy_default_errno;
};
void sec_snap(const vb_config *cfg, struct sec_snap *s);
int sec_undo(vb_config *cfg, const struct sec_snap *s, int r);

/* security/policy.c: a name --seccomp-policy accepts; a @group by name
 * (NULL when there is none). */
bool sec_syscall_known(const char *name);
struct sec_group {
	const char *name;
	const char *members; /* space-separated syscalls and @groups */
};
const struct sec_group *sec_find_group(const char *name);
/* The io_uring syscalls, and whether a rule allows one by its name (or
 * as @io-uring): only then does a policy let it through. */
extern const char *const sec_io_uring_names[3];
bool sec_allowed_by_name(const struct vb_sec_config *sec, const char *name);
/* security/bpf.c: frees the compiled programs. */
void sec_free_progs(struct vb_sec_config *sec);

/* security/learn.c: sec_apply_child() loads the learning filter; the
 * engine calls the others (see lib/hooks.h). */
int learn_apply_child(struct vb_sandbox *sb, vb_error *err);
/* From sec_validate(): pins FILE's directory (after every fd named on the
 * command line was checked, so that this fd cannot take a closed one's
 * number). */
int learn_validate(vb_config *cfg, vb_error *err);

/* security/landlock.c */
int ll_abi(void);
int ll_validate(vb_config *cfg, vb_error *err);
int ll_apply_child(struct vb_sandbox *sb, vb_error *err);

#endif
