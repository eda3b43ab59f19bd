/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* --net: the module's shared state and its three layers, rtnetlink
 * (lib/netlink.c), address leases (lib/ipam.c) and nftables (lib/nat.c),
 * which lib/net.c strings together. */
#ifndef VB_NET_INTERNAL_H
#define VB_NET_INTERNAL_H

#include <limits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdint.h>

#include "vb-internal.h"

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

/* What a sandbox holds while it runs (reset by each net_prepare). */
struct net_runtime {
	struct in_addr addr;      /* leased IPv4 address */
	struct in6_addr addr6;    /* with --ipv6: prefix + the same host index */
	char lease_path[PATH_MAX];
	char veth[IFNAMSIZ];      /* host end, "vb" + 8 hex digits of addr */
	int bridge_index;
	char tag[16];             /* 8 hex digits of addr: names nft objects */
	int ns_fd;                /* ns:PATH, opened in net_prepare */
	int resolv_fd;            /* prepared resolv.conf text (memfd) */
	char resolv[2048];        /* the same text, copied by the child */
	size_t resolv_len;
	pid_t pasta_pid;
	bool setuid;              /* setuid mode: our files need root's fs ids */
	bool nonat_elem;          /* the address is in the no-nat set */
	bool published;           /* per-sandbox DNAT chains exist */
};

struct vb_net_config {
	enum net_mode mode;
	char bridge[IFNAMSIZ];
	char *ns_path;
	struct in_addr subnet;    /* network address, host order bits cleared */
	unsigned prefix;
	bool have_ip, have_mac, have_subnet6;
	struct in_addr ip;
	uint8_t mac[6];
	unsigned mtu;             /* 0: the kernel's default */
	bool no_nat, ipv6;
	struct in6_addr subnet6;
	unsigned prefix6;
	struct net_publish publish[NET_MAX_PUBLISH];
	size_t n_publish;
	char dns[NET_MAX_DNS][INET6_ADDRSTRLEN];
	size_t n_dns;
	struct net_runtime rt;
};

/* ---- lib/netlink.c: requests, acks and dumps over libmnl ---------------- */

struct nl_sock {
	void *mnl;        /* struct mnl_socket */
	uint32_t portid;
	uint32_t seq;
};

/* Called for each data message of a reply; < 0 stops with that error. */
typedef int (*nl_msg_fn)(const struct nlmsghdr *nlh, void *data);

/* Opens a NETLINK_ROUTE socket in the calling thread's network namespace
 * (where it then stays), with extended acks on.  -errno. */
int nl_open(struct nl_sock *nl);
void nl_close(struct nl_sock *nl);

/* Parses one datagram of replies to request (seq, portid): calls fn for each
 * data message, skips messages of other requests and unknown attributes.
 * Returns 1 when more datagrams belong to the reply (a multipart dump not
 * done yet, or no ack seen), 0 when the ack or NLMSG_DONE arrived, -errno
 * for the kernel's error (its extended-ack text copied to msg, "" when none)
 * and -EBADMSG for a malformed or truncated datagram. */
int nl_parse(const void *buf, size_t len, uint32_t seq, uint32_t portid, nl_msg_fn fn,
	     void *data, char *msg, size_t msg_size);

/* Sends nlh (NLM_F_ACK is added unless it is a dump) and reads until the
 * reply is complete, handling MSG_TRUNC by sizing the buffer first. */
int nl_talk(struct nl_sock *nl, struct nlmsghdr *nlh, nl_msg_fn fn, void *data, char *msg,
	    size_t msg_size);

/* rtnetlink requests built on nl_talk (lib/netlink.c). */
int rt_link_index(struct nl_sock *nl, const char *name, int *ret_index, char *msg, size_t n);
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

/* ---- lib/ipam.c: leases under /run/voidbox/net/<bridge>/ ---------------- */

/* Parses "A.B.C.D/N" (IPv4) into the network address and prefix (8..30). */
int ipam_parse_cidr4(const char *s, struct in_addr *ret_net, unsigned *ret_prefix);
int ipam_parse_cidr6(const char *s, struct in6_addr *ret_net, unsigned *ret_prefix);
/* The gateway: network + 1. */
struct in_addr ipam_gateway(struct in_addr net);
struct in6_addr ipam_gateway6(struct in6_addr net);
/* The IPv6 address of host index idx (addr - net of the IPv4 lease). */
struct in6_addr ipam_addr6(struct in6_addr net, uint32_t idx);

/* Stale lease found by the sweep: the caller removes what it named. */
typedef void (*ipam_stale_fn)(const char *bridge, struct in_addr addr, void *data);

/* Takes the lock of bridge's lease directory (creating it), sweeps leases
 * whose owners are gone (calling stale for each, under the lock), then
 * leases want (if non-NULL, only if free) or the lowest free address.
 * *ret_first says whether no other live lease exists on the bridge.
 * The lease names this process as owner; ipam_set_owner adds the sandbox. */
int ipam_lease(const char *bridge, struct in_addr net, unsigned prefix, const struct in_addr *want,
	       ipam_stale_fn stale, void *data, struct in_addr *ret_addr, char *ret_path,
	       size_t path_size, bool *ret_first, vb_error *err);
int ipam_set_owner(const char *path, pid_t sandbox_pid);
void ipam_release(const char *path);
/* Whether any live lease exists on bridge (sweeping the stale ones).  The
 * lock is held on return (ret_lock_fd) so that no start races a prune. */
int ipam_busy(const char *bridge, ipam_stale_fn stale, void *data, bool *ret_busy,
	      int *ret_lock_fd);

/* ---- lib/nat.c: one nftables table "inet voidbox" ----------------------- */

/* Per bridge: masquerade of the subnet leaving through any other interface,
 * except the addresses in the bridge's no-nat sets; idempotent. */
int nat_bridge_setup(const char *bridge, struct in_addr net, unsigned prefix,
		     const struct in6_addr *net6, unsigned prefix6, vb_error *err);
int nat_bridge_remove(const char *bridge, vb_error *err);
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

/* ---- lib/net.c ----------------------------------------------------------- */

/* Parses --publish's [HOSTIP:]HOSTPORT:PORT[/tcp|/udp] ([v6]:... too). */
int net_parse_publish(const char *s, struct net_publish *ret);
/* Builds resolv.conf text: dns servers if any, else the host's resolvers
 * (from resolv_path) without loopback ones, which are replaced by those of
 * upstream_path (systemd-resolved's list).  -ENOSPC when it does not fit. */
int net_build_resolv(char (*dns)[INET6_ADDRSTRLEN], size_t n_dns, const char *resolv_path,
		     const char *upstream_path, char *buf, size_t size, size_t *ret_len);

#endif
