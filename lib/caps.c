/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The command's final credentials, through libcap.
 *
 * By default nothing is left: no capability in any set, the bounding set
 * emptied so that a uid-0 sandbox gains nothing at exec either.  With
 * --cap-add (as root, or inside a user namespace) exactly the requested
 * set stays permitted, effective, inheritable and ambient, so it also
 * survives exec as a non-zero uid.  Root keeps its own effective set by
 * default, in a user namespace too (bwrap's rule).  In setuid mode the
 * real uid and gid are restored and the drop is verified: regaining uid 0
 * must fail.
 */
#include <grp.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "fault.h"
#include "sandbox.h"

#define FAIL(c, e, ...) vb_child_fail((c), VB_STAGE_PRIVS, -1, (e), __VA_ARGS__)

uint64_t caps_all_mask(void)
{
	int bits = cap_max_bits();

	if (bits <= 0 || bits > 64)
		bits = 64;
	return bits == 64 ? ~UINT64_C(0) : (UINT64_C(1) << bits) - 1;
}

/* Built in the parent: libcap allocates, the child must not. */
int caps_prepare(struct vb_child *c)
{
	const vb_config *cfg = c->cfg;
	uint64_t keep = cfg->caps_add;
	cap_t caps;

	/* As bwrap: run by root (not setuid), the sandbox keeps the caller's
	 * effective set unless --cap-drop says otherwise. */
	if (cfg->real_uid == 0 && !c->setuid_mode) {
		cap_t cur = cap_get_proc();

		if (cur) {
			for (int i = 0; i < 64 && i < cap_max_bits(); i++) {
				cap_flag_value_t v = CAP_CLEAR;

				if (cap_get_flag(cur, i, CAP_EFFECTIVE, &v) == 0 && v == CAP_SET)
					keep |= UINT64_C(1) << i;
			}
			cap_free(cur);
		}
	}
	keep &= ~cfg->caps_drop & caps_all_mask();
	c->keep_mask = keep;

	caps = cap_init();
	if (!caps)
		return -ENOMEM;
	c->caps_keep = cap_init();
	if (!c->caps_keep) {
		cap_free(caps);
		return -ENOMEM;
	}
	for (int i = 0; i < 64 && i < cap_max_bits(); i++) {
		cap_value_t v = i;

		if (!(keep & (UINT64_C(1) << i)))
			continue;
		if (cap_set_flag(caps, CAP_PERMITTED, 1, &v, CAP_SET) < 0 ||
		    cap_set_flag(caps, CAP_EFFECTIVE, 1, &v, CAP_SET) < 0 ||
		    ((!cfg->caps_exact || (cfg->caps_inheritable & (UINT64_C(1) << i))) &&
		     cap_set_flag(caps, CAP_INHERITABLE, 1, &v, CAP_SET) < 0)) {
			int e = errno;

			cap_free(caps);
			return -e;
		}
	}
	cap_free(c->caps_keep);
	c->caps_keep = caps;
	c->caps_none = cap_init();
	if (!c->caps_none)
		return -ENOMEM;
	return 0;
}

void caps_release(struct vb_child *c)
{
	if (c->caps_keep)
		cap_free(c->caps_keep);
	if (c->caps_none)
		cap_free(c->caps_none);
	c->caps_keep = c->caps_none = NULL;
}

int caps_drop_privileges(struct vb_child *c, bool keep_requested)
{
	const vb_config *cfg = c->cfg;
	uint64_t keep = keep_requested ? c->keep_mask : 0;
	int r;

	if (c->setuid_mode) {
		/* Empty the bounding set while CAP_SETPCAP is still ours, then
		 * back to the invoking user; without KEEPCAPS that clears every
		 * other capability set. */
		for (int i = 0; i < cap_max_bits() && i < 64; i++)
			if (prctl(PR_CAPBSET_DROP, (unsigned long)i, 0, 0, 0) < 0 &&
			    errno != EINVAL)
				return FAIL(c, errno, "capset failed");
		if (setresgid(cfg->real_gid, cfg->real_gid, cfg->real_gid) < 0)
			return FAIL(c, errno, "unable to switch to gid");
		if (setresuid(cfg->real_uid, cfg->real_uid, cfg->real_uid) < 0)
			return FAIL(c, errno, "unable to switch to uid");
		if (setuid(0) == 0 || seteuid(0) == 0)
			return FAIL(c, EPERM, "Privileges could be regained after dropping them");
		return 0;
	}

	/* Root with no --cap-add/--cap-drop: bwrap leaves every set as it
	 * is (no_new_privs still stops any gain at exec).  In a user
	 * namespace the kernel gave us every capability in it and a full
	 * bounding set again: as bwrap, trim the bounding set back to the
	 * caller's effective set, which is then all that exec grants uid 0
	 * (and a non-zero --uid gets nothing). */
	if (keep_requested && !cfg->caps_set && cfg->real_uid == 0) {
		for (int i = 0; c->userns && i < cap_max_bits() && i < 64; i++)
			if (!(keep & (UINT64_C(1) << i)) &&
			    prctl(PR_CAPBSET_DROP, (unsigned long)i, 0, 0, 0) < 0 &&
			    errno != EINVAL)
				return FAIL(c, errno, "capset failed");
		return 0;
	}
	/* The bounding set is trimmed in a user namespace or for an ordinary
	 * user (needs CAP_SETPCAP, which goes last); root outside a user
	 * namespace keeps it, as in bwrap: no_new_privs caps what exec can
	 * grant at what the process holds. */
	if (c->userns || cfg->real_uid != 0) {
		for (int i = 0; i < cap_max_bits() && i < 64; i++) {
			if (keep & (UINT64_C(1) << i))
				continue;
			if (prctl(PR_CAPBSET_DROP, (unsigned long)i, 0, 0, 0) < 0 &&
			    errno != EINVAL)
				return FAIL(c, errno, "capset failed");
		}
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return FAIL(c, errno, "capset failed");
	r = cap_set_proc(keep_requested ? c->caps_keep : c->caps_none);
	if (r < 0)
		return FAIL(c, errno, "capset failed");
	/* Ambient, so a non-zero uid keeps them across exec too. */
	for (int i = 0; i < cap_max_bits() && i < 64; i++) {
		if (!(keep & (UINT64_C(1) << i)) ||
		    (cfg->caps_exact && !(cfg->caps_ambient & (UINT64_C(1) << i))))
			continue;
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, (unsigned long)i, 0, 0) < 0 &&
		    errno != EINVAL)
			return FAIL(c, errno, "capset failed");
	}
	return 0;
}
