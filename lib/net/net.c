/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * --net: the module's hooks, which the engine calls (lib/hooks.h), and the
 * modes that need no file of their own:
 *   bridge[:NAME]  net/bridge.c
 *   pasta          net/pasta.c
 *   ns:PATH        child: setns() into an existing namespace opened before clone.
 *   none           a new namespace with loopback up (as --unshare-net).
 * Every mode but ns:PATH gets the sandbox's own resolv.conf (net/resolv.c).
 */
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <sys/ioctl.h>

#include "fault.h"
#include "net/net.h"

/* ---- the sandbox's state --------------------------------------------------- */

/* Pushed first, so that it runs last: every other undo step uses st. */
static void undo_free_state(void *data)
{
	struct vb_net_state *st = data;

	st->sb->net = NULL;
	free(st);
}

static void undo_close_ns(void *data)
{
	struct vb_net_state *st = data;

	if (st->ns_fd >= 0)
		(void)close(st->ns_fd);
	st->ns_fd = -1;
}

/* ---- the hooks ------------------------------------------------------------ */

int net_prepare(struct vb_sandbox *sb, vb_error *err)
{
	const vb_config *cfg = sb->cfg;
	const struct vb_net_config *net = cfg->net;
	struct vb_net_state *st;
	struct net_priv priv;
	struct net_grant grant = { 0 };
	int r = 0;

	if (!net)
		return 0;
	if (net->mode == 0)
		return vb_err(
			err, VB_STAGE_CONFIG, -1, 0,
			"--subnet, --ip, --mac, --mtu, --no-nat, --ipv6, --subnet6, --publish "
			"and --dns need --net");
	if (net->mode != NET_MODE_BRIDGE && (net->have_ip || net->have_mac || net->no_nat ||
					     (net->ipv6 && net->mode != NET_MODE_PASTA)))
		return vb_err(err, VB_STAGE_CONFIG, -1, 0,
			      "--ip, --mac, --no-nat and --ipv6 need --net bridge");
	if (net->n_publish && net->mode != NET_MODE_BRIDGE && net->mode != NET_MODE_PASTA)
		return vb_err(err, VB_STAGE_CONFIG, -1, 0, "--publish needs --net bridge or pasta");
	if (cfg->is_privileged && (r = net_check_policy(cfg, net, &grant, err)) < 0)
		return r;
	if (net->mode == NET_MODE_BRIDGE && getuid() != 0 && !cfg->is_privileged)
		return NET_ERR(err, EPERM,
			       "--net bridge needs root (or vb installed setuid and a "
			       "grant in %s); use --net pasta as an ordinary user",
			       NET_POLICY_FILE);

	st = calloc(1, sizeof(*st));
	if (!st)
		return NET_ERR(err, ENOMEM, "Out of memory");
	st->net = net;
	st->sb = sb;
	st->ns_fd = -1;
	if (cfg->is_privileged && net->mode == NET_MODE_BRIDGE) {
		st->setuid = true;
		st->lease_uid = cfg->real_uid;
		st->lease_max = net_grant_max(&grant);
	}
	r = vb_rollback_push(&sb->rb, undo_free_state, st, false);
	if (r < 0)
		return NET_ERR(err, -r, "Out of memory");
	sb->net = st;

	/* Text for the sandbox's own /etc/resolv.conf, copied by the child. */
	if (net->mode == NET_MODE_BRIDGE || net->mode == NET_MODE_PASTA || net->n_dns) {
		r = vb_fault("net-resolv");
		if (r == 0)
			r = net_build_resolv(net->dns, net->n_dns, "/etc/resolv.conf",
					     "/run/systemd/resolve/resolv.conf", st->resolv,
					     sizeof(st->resolv), &st->resolv_len);
		if (r < 0)
			return NET_ERR(err, -r, "Can't prepare resolv.conf");
	}

	switch (net->mode) {
	case NET_MODE_NS:
		r = vb_fault("net-ns-open");
		if (r < 0)
			return NET_ERR(err, EIO, "Can't open network namespace %s", net->ns_path);
		st->ns_fd = open(net->ns_path, O_RDONLY | O_CLOEXEC);
		if (st->ns_fd < 0)
			return NET_ERR(err, errno, "Can't open network namespace %s", net->ns_path);
		r = vb_rollback_push(&sb->rb, undo_close_ns, st, false);
		if (r < 0)
			return NET_ERR(err, -r, "Out of memory");
		r = ioctl(st->ns_fd, NS_GET_NSTYPE);
		if (r != CLONE_NEWNET)
			return NET_ERR(err, r < 0 ? errno : 0, "%s is not a network namespace",
				       net->ns_path);
		return 0;
	case NET_MODE_BRIDGE:
		priv = net_priv_enter(sb);
		r = bridge_prepare(st, err);
		net_priv_leave(sb, priv);
		return r;
	case NET_MODE_PASTA:
		if (!pasta_find())
			return NET_ERR(err, 0, "--net pasta needs pasta(1) (Debian package passt)");
		return 0;
	default:
		return 0;
	}
}

int net_setup_parent(struct vb_sandbox *sb, vb_error *err)
{
	struct vb_net_state *st = sb->net;
	struct net_priv priv;
	int r;

	if (!st)
		return 0;
	switch (st->net->mode) {
	case NET_MODE_BRIDGE:
		priv = net_priv_enter(sb);
		r = bridge_setup_parent(st, err);
		net_priv_leave(sb, priv);
		return r;
	case NET_MODE_PASTA:
		return pasta_setup_parent(st, err);
	default:
		return 0;
	}
}

void net_child_start(struct vb_sandbox *sb)
{
	struct vb_net_state *st = sb->net;

	/* Opened by the parent, with root in setuid mode: CLOEXEC would keep
	 * it up to the exec, and vb's PID 1 never execs. */
	if (st && st->host_nl.fd > 0) {
		(void)close(st->host_nl.fd);
		st->host_nl.fd = 0;
	}
}

/* After runtime_init_warnings, before spawned: the order vb-events(7)
 * gives, whatever the stage that made the network. */
void net_spawned(struct vb_sandbox *sb)
{
	if (sb->net && sb->net->net->mode == NET_MODE_BRIDGE)
		bridge_event(sb->net);
}

int net_setup_child(struct vb_sandbox *sb, const char *newroot, vb_error *err)
{
	struct vb_net_state *st = sb->net;

	if (!st)
		return 0;
	if (st->net->mode == NET_MODE_NS) {
		int r = vb_fault("net-setns");

		if (r == 0 && setns(st->ns_fd, CLONE_NEWNET) < 0)
			r = -errno;
		if (r < 0)
			return NET_ERR(err, -r, "Can't join network namespace %s",
				       st->net->ns_path);
		(void)close(st->ns_fd);
	} else if (st->net->mode == NET_MODE_BRIDGE) {
		int r = bridge_setup_child(st, err);

		if (r < 0)
			return r;
	} else if (st->net->mode == NET_MODE_NONE || st->net->mode == NET_MODE_PASTA) {
		/* The fault stands for the request, and says EIO: not whatever
		 * errno an earlier call left. */
		int r = vb_fault("net-loopback");

		if (r == 0)
			r = ns_loopback_up();
		if (r < 0)
			return NET_ERR(err, -r, "loopback: Failed RTM_NEWLINK");
	}
	if (st->resolv_len > 0)
		return net_bind_resolv(st, newroot, err);
	return 0;
}
