/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* --net: the module's shared state and its three layers, rtnetlink
 * (net/netlink.c), address leases (net/ipam.c) and nftables (net/nat.c),
 * which net/bridge.c strings together. */
#ifndef VB_NET_INTERNAL_H
#define VB_NET_INTERNAL_H

#include <limits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdint.h>

#include "fault.h"
#include "hooks.h"

struct nlmsghdr;

#define NET_DEFAULT_BRIDGE "vb0"
#define NET_RUN_DIR "/run/voidbox/net"
#define NET_POLICY_FILE "/etc/voidbox/network.conf"
#define NET_NFT_TABLE "voidbox"
#define NET_MAX_PUBLISH 64
#define NET_MAX_DNS 8
#define NET_ETH0_INDEX 2 /* the peer's ifindex in the sandbox (lo is 1) */

enum net_mode { NET_MODE_NONE = 1, NET_MODE_BRIDGE, NET_MODE_PASTA, NET_MODE_NS };

struct net_publish {
	int proto;               /* IPPROTO_TCP or IPPROTO_UDP */
	int host_family;         /* AF_INET, AF_INET6, or 0 for any address */
	struct in6_addr host_ip; /* v4 mapped into the first 4 bytes */
	uint16_t host_port, port;
};

struct vb_net_config {
	enum net_mode mode;
	char bridge[IFNAMSIZ];
	char *ns_path;
	struct in_addr subnet; /* network address, host order bits cleared */
	unsigned prefix;
	bool have_ip, have_mac, have_subnet6;
	struct in_addr ip;
	uint8_t mac[6];
	unsigned mtu; /* 0: the kernel's default */
	bool no_nat, ipv6;
	struct in6_addr subnet6;
	unsigned prefix6;
	struct net_publish publish[NET_MAX_PUBLISH];
	size_t n_publish;
	char dns[NET_MAX_DNS][INET6_ADDRSTRLEN];
	size_t n_dns;
};

/* ---- net/netlink.c: requests, acks and dumps over libmnl ---------------- */

struct nl_sock {
	int fd;    /* 0: not open (fd 0 is never a netlink socket here) */
	int proto; /* NETLINK_ROUTE or NETLINK_NETFILTER */
	uint32_t portid;
	uint32_t seq;
};

/* What one sandbox holds while it runs (sb->net): made by net_prepare(),
 * freed by the last of its undo steps.  The configuration stays read-only,
 * so that one process can run several sandboxes at once. */
struct vb_net_state {
	const struct vb_net_config *net; /* the sandbox's configuration */
	struct vb_sandbox *sb;           /* the sandbox all this is for */
	struct nl_sock host_nl;          /* bridge: rtnetlink in the caller's namespace */
	struct in_addr addr;             /* leased IPv4 address */
	struct in6_addr addr6;           /* with --ipv6: prefix + the same host index */
	char lease_path[PATH_MAX];
	char veth[IFNAMSIZ]; /* host end, "vb" + 8 hex digits of addr */
	int bridge_index;
	char tag[16];      /* 8 hex digits of addr: names nft objects */
	int ns_fd;         /* ns:PATH, opened in net_prepare */
	char resolv[2048]; /* the sandbox's resolv.conf, copied by the child */
	size_t resolv_len;
	pid_t pasta_pid;
	bool setuid; /* leases carry the user's uid and a limit */
	uid_t lease_uid;
	unsigned lease_max;
	int hold_fd[NET_MAX_PUBLISH * 2]; /* --publish: the host ports, held */
	size_t n_hold;
};

/* Called for each data message of a reply; < 0 stops with that error. */
typedef int (*nl_msg_fn)(const struct nlmsghdr *nlh, void *data);

/* Opens a NETLINK_ROUTE socket in the calling thread's network namespace
 * (where it then stays), with extended acks on.  -errno. */
int nl_open(struct nl_sock *nl);
int nl_open_proto(struct nl_sock *nl, int proto);
void nl_close(struct nl_sock *nl);

/* Parses one datagram of replies to request (seq, portid): calls fn for each
 * data message, skips messages of other requests and unknown attributes.
 * Returns 1 when more datagrams belong to the reply (a multipart dump not
 * done yet, or no ack seen), 0 when the ack or NLMSG_DONE arrived, -errno
 * for the kernel's error (its extended-ack text copied to msg, "" when none)
 * and -EBADMSG for a malformed or truncated datagram. */
int nl_parse(const void *buf, size_t len, uint32_t seq, uint32_t portid, nl_msg_fn fn, void *data,
	     char *msg, size_t msg_size);

/* Sends nlh (NLM_F_ACK is added unless it is a dump) and reads until the
 * reply is complete, handling MSG_TRUNC by sizing the buffer first. */
int nl_talk(struct nl_sock *nl, struct nlmsghdr *nlh, nl_msg_fn fn, void *data, char *msg,
	    size_t msg_size);

/* Requests sent together: built into one buffer, sent with one sendmsg()
 * (the kernel handles them in order, each acked), acks read together. */
#define NL_BATCH_MAX 8
struct nl_batch {
	uint8_t buf[NL_BATCH_MAX * 512] __attribute__((aligned(4)));
	size_t len;
	unsigned n;
	int tolerate[NL_BATCH_MAX]; /* an errno that counts as success */
};

/* The acks of a batch of n requests numbered seq0... */
struct nl_acks {
	uint32_t seq0;
	unsigned n, n_acked;
	bool acked[NL_BATCH_MAX];
	int err[NL_BATCH_MAX];
	int tolerate[NL_BATCH_MAX];
	int first;     /* the first request that failed (not tolerated), or -1 */
	char msg[256]; /* its extended-ack text, "" when the kernel sent none */
};

/* Parses one datagram for a batch's acks (a->seq0, a->n, a->tolerate and
 * a->first = -1 set by the caller): records each ack of a request of the
 * batch, skips everything else.  1: acks still missing, 0: all there,
 * -EBADMSG for a malformed or truncated datagram, -ENOBUFS for an overrun. */
int nl_parse_acks(const void *buf, size_t len, uint32_t portid, struct nl_acks *a);

void nl_batch_init(struct nl_batch *b);
/* The request appended last succeeds also when it fails with -error. */
void nl_batch_tolerate(struct nl_batch *b, int error);
/* Sends b and collects every ack.  0 when all succeeded; else the error of
 * the first request that failed, its index in *ret_failed (if non-NULL)
 * and its extended-ack text in msg.  Later requests were still tried. */
int nl_batch_send(struct nl_sock *nl, struct nl_batch *b, unsigned *ret_failed, char *msg,
		  size_t msg_size);

/* Appenders: -ENOSPC when the batch is full. */
int rt_put_bridge(struct nl_batch *b, const char *name, unsigned mtu, const uint8_t *mac);
int rt_put_veth(struct nl_batch *b, const char *name, const char *peer, int peer_ns_fd,
		int peer_index, int master, unsigned mtu, const uint8_t *peer_mac);
/* Up or down, by index (name NULL) or by name (index 0). */
int rt_put_link_flags(struct nl_batch *b, int index, const char *name, bool up);
int rt_put_link_del(struct nl_batch *b, const char *name);
int rt_put_addr(struct nl_batch *b, int family, int index, const void *addr, unsigned prefix);
int rt_put_route_default(struct nl_batch *b, int family, int index, const void *gw);

/* Single rtnetlink requests (a batch of one, or nl_talk for a GET). */
int rt_link_get(struct nl_sock *nl, const char *name, int *ret_index, unsigned *ret_flags,
		char *msg, size_t n);
int rt_link_index(struct nl_sock *nl, const char *name, int *ret_index, char *msg, size_t n);
/* The link's IFLA_INFO_KIND ("" for lo and other kindless devices) and its
 * alias ("" when none); -ENODEV when there is no such link. */
int rt_link_kind(struct nl_sock *nl, const char *name, char *kind, size_t kind_size, char *alias,
		 size_t alias_size, char *msg, size_t n);
int rt_link_set_alias(struct nl_sock *nl, int index, const char *alias, char *msg, size_t n);
/* The alias vb gives the bridges it makes: a bridge without it is not vb's
 * (lib/net/bridge.c bridge_check_own(), lib/net/prune.c). */
#define NET_BRIDGE_ALIAS "voidbox bridge"
int rt_bridge_create(struct nl_sock *nl, const char *name, unsigned mtu, char *msg, size_t n);
/* The peer in peer_ns_fd (-1: here) with ifindex peer_index (0: any). */
int rt_veth_create(struct nl_sock *nl, const char *name, const char *peer, int peer_ns_fd,
		   int peer_index, int master, unsigned mtu, const uint8_t *peer_mac, char *msg,
		   size_t n);
int rt_link_up(struct nl_sock *nl, int index, char *msg, size_t n);
int rt_link_up_name(struct nl_sock *nl, const char *name, char *msg, size_t n);
int rt_link_del(struct nl_sock *nl, const char *name, char *msg, size_t n);
int rt_addr_add(struct nl_sock *nl, int family, int index, const void *addr, unsigned prefix,
		char *msg, size_t n);
int rt_route_default(struct nl_sock *nl, int family, int index, const void *gw, char *msg,
		     size_t n);
/* Names of links whose name starts with prefix, via a dump (for the sweep):
 * calls fn(name, data) for each. */
int rt_link_each(struct nl_sock *nl, const char *prefix, void (*fn)(const char *, void *),
		 void *data, char *msg, size_t n);

/* Whether chain (of table inet table; NULL: any chain of it) has, for each
 * string of want (at most 8), a rule whose comment contains it: one
 * nf_tables dump over nl, a NETLINK_NETFILTER socket.  A missing table or
 * chain is "no". */
int nft_rules_present(struct nl_sock *nl, const char *table, const char *chain,
		      const char *const *want, size_t n_want, bool *ret_present);

/* ---- net/ipam.c: leases under /run/voidbox/net/<bridge>/ ---------------- */

/* Parses "A.B.C.D/N" (IPv4) into the network address and prefix (8..30). */
int ipam_parse_cidr4(const char *s, struct in_addr *ret_net, unsigned *ret_prefix);
int ipam_parse_cidr6(const char *s, struct in6_addr *ret_net, unsigned *ret_prefix);
/* The gateway: network + 1. */
struct in_addr ipam_gateway(struct in_addr net);
struct in6_addr ipam_gateway6(struct in6_addr net);
/* The IPv6 address of host index idx (addr - net of the IPv4 lease). */
struct in6_addr ipam_addr6(struct in6_addr net, uint32_t idx);

/* Stale lease found by the sweep: the caller removes what it named (its
 * note, as ipam_set_note wrote it, "" if none). */
#define IPAM_NOTE_MAX 192
typedef void (*ipam_stale_fn)(const char *bridge, struct in_addr addr, const char *note,
			      void *data);

/* Takes the lock of bridge's lease directory (creating it), sweeps leases
 * whose owners are gone (calling stale for each, under the lock), then
 * leases want (if non-NULL, only if free) or the next free address after
 * the one handed out last (round-robin).
 * *ret_first says whether no other live lease exists on the bridge.
 * The lease names this process as owner; ipam_set_owner adds the sandbox. */
/* Setuid mode: the lease records user's uid ("uid=N" in its note, which
 * ipam_set_note must keep), and user may hold at most max live leases. */
struct ipam_user {
	uid_t uid;
	unsigned max;
};
int ipam_lease(const char *bridge, struct in_addr net, unsigned prefix, const struct in_addr *want,
	       const struct ipam_user *user, ipam_stale_fn stale, void *data,
	       struct in_addr *ret_addr, char *ret_path, size_t path_size, bool *ret_first,
	       vb_error *err);
int ipam_set_owner(const char *path, pid_t sandbox_pid);
/* Records what a sweep of this lease must remove, before it is made. */
int ipam_set_note(const char *path, const char *note);
void ipam_release(const char *path);
/* Whether any live lease exists on bridge (sweeping the stale ones).  The
 * lock is held on return (ret_lock_fd) so that no start races a prune. */
int ipam_busy(const char *bridge, ipam_stale_fn stale, void *data, bool *ret_busy,
	      int *ret_lock_fd);

/* ---- net/nat.c: one nftables table "inet voidbox" ----------------------- */

/* Per bridge: masquerade of the subnet leaving through any other interface,
 * except the addresses in the bridge's no-nat sets; idempotent. */
int nat_bridge_setup(const char *bridge, struct in_addr net, unsigned prefix,
		     const struct in6_addr *net6, unsigned prefix6, vb_error *err);
int nat_bridge_remove(const char *bridge, vb_error *err);
/* The comments nat_bridge_setup puts on its rules (at most NAT_MAX_MARKERS):
 * all present means the bridge's NAT is in place as this version makes it. */
#define NAT_MAX_MARKERS 4
#define NAT_MARKER_MAX 96
size_t nat_bridge_markers(const char *bridge, struct in_addr net, unsigned prefix,
			  const struct in6_addr *net6, unsigned prefix6, char (*m)[NAT_MARKER_MAX]);
/* --no-nat: the sandbox's addresses go into the no-nat sets. */
int nat_nonat_add(const char *bridge, struct in_addr addr, const struct in6_addr *addr6,
		  vb_error *err);
void nat_nonat_del(const char *bridge, struct in_addr addr, const struct in6_addr *addr6);
/* Per sandbox: DNAT chains named after tag. */
int nat_publish_add(const char *tag, const struct net_publish *p, size_t n, struct in_addr addr,
		    const struct in6_addr *addr6, vb_error *err);
void nat_publish_del(const char *tag);
/* Whether nftables support was built in. */
bool nat_available(void);

/* ---- net/config.c, net/resolv.c ----------------------------------------------------- */

/* Parses --publish's [HOSTIP:]HOSTPORT:PORT[/tcp|/udp] ([v6]:... too). */
int net_parse_publish(const char *s, struct net_publish *ret);
/* Builds resolv.conf text: dns servers if any, else the host's resolvers
 * (from resolv_path) without loopback ones, which are replaced by those of
 * upstream_path (systemd-resolved's list).  -ENOSPC when it does not fit. */
int net_build_resolv(const char (*dns)[INET6_ADDRSTRLEN], size_t n_dns, const char *resolv_path,
		     const char *upstream_path, char *buf, size_t size, size_t *ret_len);

/* ---- the module's own pieces (lib/net/) ------------------------------------ */

#define NET_ERR(err, e, ...) vb_err((err), VB_STAGE_NETWORK, -1, (e), __VA_ARGS__)

/* net/policy.c: setuid mode's grants, and root for the module's fixed
 * operations (see net_priv_enter). */
struct net_grant {
	char bridge[IFNAMSIZ];
	struct in_addr subnet;
	unsigned prefix;
	bool have_subnet6; /* without it, no IPv6 at all */
	struct in6_addr subnet6;
	unsigned prefix6;
	unsigned max; /* leases per user; 0: the default, see net_grant_max */
};
int net_check_policy(const vb_config *cfg, const struct vb_net_config *net, struct net_grant *ret,
		     vb_error *err);
/* Calls fn for each line of the policy file that grants something to uid
 * (or a group of uid/gid), until fn returns non-zero (returned).  Else the
 * number of such lines; -errno when the file cannot be read. */
int net_grants_each(uid_t uid, gid_t gid, int (*fn)(const struct net_grant *g, void *data),
		    void *data);
/* The per-user lease limit of a grant: its max, or half its addresses. */
unsigned net_grant_max(const struct net_grant *g);
struct net_priv {
	int kind; /* 0: nothing changed, 1: fs ids, 2: effective ids */
	uid_t fsuid;
	gid_t fsgid;
};
struct net_priv net_priv_enter(const struct vb_sandbox *sb);
void net_priv_leave(const struct vb_sandbox *sb, struct net_priv p);
/* An undo step with the module's privileges. */
#define WITH_PRIV(st, stmt)                                    \
	do {                                                   \
		struct net_priv _p = net_priv_enter((st)->sb); \
		stmt;                                          \
		net_priv_leave((st)->sb, _p);                  \
	} while (0)

/* net/config.c: a name fit for a bridge (also an nft identifier and a
 * directory name). */
bool net_valid_ifname(const char *s);

/* net/resolv.c, child: binds st->resolv over newroot's /etc/resolv.conf. */
int net_bind_resolv(const struct vb_net_state *st, const char *newroot, vb_error *err);

/* net/bridge.c */
int bridge_prepare(struct vb_net_state *st, vb_error *err);
int bridge_setup_parent(struct vb_net_state *st, vb_error *err);
int bridge_setup_child(const struct vb_net_state *st, vb_error *err);
/* The supervision stream's "network" event: eth0 and what it was given. */
void bridge_event(const struct vb_net_state *st);
/* The sweep's callback (ipam_stale_fn): removes what a dead sandbox's lease
 * names; data is an rtnetlink socket in the caller's namespace, or NULL. */
void bridge_sweep_stale(const char *bridge, struct in_addr addr, const char *note, void *data);

/* net/pasta.c */
const char *pasta_find(void);
/* What keeps pasta from working for the caller (real ids), as one phrase
 * with its cause and fix, in buf; NULL when nothing is known to. */
const char *pasta_problem(char *buf, size_t size);
/* Runs pasta as the caller in a throwaway namespace of its own (pasta
 * --config-net -- true), bounded by timeout_ms.  0 when it worked; else
 * -errno or the exit status' 128+N / N > 0, with why (one line, pasta's own
 * words when they add something) in buf. */
int pasta_try(int timeout_ms, char *buf, size_t size);
/* pasta's stderr, read after its first process exited: one line, the
 * lines joined with "; ", syslog's complaints dropped. */
void pasta_read_stderr(int fd, char *buf, size_t size);
int pasta_setup_parent(struct vb_net_state *st, vb_error *err);

#endif
