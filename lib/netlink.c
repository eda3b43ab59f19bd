/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * rtnetlink through libmnl: one request at a time, each acked, its reply
 * checked against the request's sequence number and our port id, the
 * kernel's extended-ack text kept for the error message.  nl_parse() is
 * the only code that reads what the kernel sent; it trusts nothing in it
 * (tests/unit-netlink.c and tests/fuzz-netlink.c feed it garbage).
 */
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>

#include "net-internal.h"

int nl_open(struct nl_sock *nl)
{
	struct mnl_socket *sk;
	struct timeval tv = { .tv_sec = 10 };
	int one = 1, r;

	sk = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!sk)
		return -errno;
	if (mnl_socket_bind(sk, 0, MNL_SOCKET_AUTOPID) < 0) {
		r = -errno;
		mnl_socket_close(sk);
		return r;
	}
	/* Best effort: older kernels lack them and still work. */
	(void)mnl_socket_setsockopt(sk, NETLINK_EXT_ACK, &one, sizeof(one));
	(void)mnl_socket_setsockopt(sk, NETLINK_CAP_ACK, &one, sizeof(one));
	/* A kernel that never answers must not hang vb forever. */
	(void)setsockopt(mnl_socket_get_fd(sk), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	nl->mnl = sk;
	nl->portid = mnl_socket_get_portid(sk);
	nl->seq = (uint32_t)time(NULL);
	return 0;
}

void nl_close(struct nl_sock *nl)
{
	if (nl->mnl)
		mnl_socket_close(nl->mnl);
	nl->mnl = NULL;
}

static void copy_text(char *msg, size_t size, const char *s, size_t len)
{
	if (!msg || size == 0)
		return;
	if (len >= size)
		len = size - 1;
	memcpy(msg, s, len);
	msg[len] = '\0';
}

/* Extended-ack TLVs after an nlmsgerr: only the message text is used. */
static void parse_ext_ack(const uint8_t *p, size_t len, char *msg, size_t msg_size)
{
	while (len >= sizeof(struct nlattr)) {
		const struct nlattr *a = (const void *)p;
		size_t alen = a->nla_len, step;

		if (alen < sizeof(*a) || alen > len)
			return;
		if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG) {
			const char *s = (const char *)(a + 1);
			size_t slen = strnlen(s, alen - sizeof(*a));

			copy_text(msg, msg_size, s, slen);
		}
		step = MNL_ALIGN(alen);
		if (step >= len)
			return;
		p += step;
		len -= step;
	}
}

static int parse_error(const struct nlmsghdr *nlh, char *msg, size_t msg_size)
{
	const struct nlmsgerr *e;
	size_t payload = nlh->nlmsg_len - sizeof(*nlh), off;
	int error;

	if (payload < sizeof(*e))
		return -EBADMSG;
	e = mnl_nlmsg_get_payload(nlh);
	error = e->error;
	if (error > 0 || error < -4095)
		return -EBADMSG;
	if (error == 0)
		return 0;
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		/* Without NLM_F_CAPPED the whole request is echoed first. */
		off = sizeof(*e);
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
			size_t echoed = e->msg.nlmsg_len;

			if (echoed < sizeof(struct nlmsghdr) || echoed > payload - off + sizeof(struct nlmsghdr))
				return error;
			off += MNL_ALIGN(echoed) - sizeof(struct nlmsghdr);
		}
		if (off < payload)
			parse_ext_ack((const uint8_t *)e + off, payload - off, msg, msg_size);
	}
	return error;
}

/* libmnl's mnl_nlmsg_ok() casts nlmsg_len to int, so a length above
 * INT_MAX passes it and mnl_nlmsg_next() jumps far out of the buffer (found
 * by tests/fuzz-netlink.c): the walk is done here, in size_t. */
static bool msg_ok(const struct nlmsghdr *nlh, size_t left)
{
	return left >= sizeof(*nlh) && nlh->nlmsg_len >= sizeof(*nlh) && nlh->nlmsg_len <= left;
}

static const struct nlmsghdr *msg_next(const struct nlmsghdr *nlh, size_t *left)
{
	size_t step = MNL_ALIGN(nlh->nlmsg_len);

	if (step >= *left) {
		*left = 0;
		return nlh;
	}
	*left -= step;
	return (const struct nlmsghdr *)((const uint8_t *)nlh + step);
}

int nl_parse(const void *buf, size_t len, uint32_t seq, uint32_t portid, nl_msg_fn fn,
	     void *data, char *msg, size_t msg_size)
{
	const struct nlmsghdr *nlh = buf;
	size_t left = len;
	int r;

	if (msg && msg_size)
		msg[0] = '\0';
	if (left == 0)
		return -EBADMSG;
	while (msg_ok(nlh, left)) {
		if (nlh->nlmsg_seq != seq || nlh->nlmsg_pid != portid) {
			/* A late reply to an earlier request: not ours. */
			nlh = msg_next(nlh, &left);
			continue;
		}
		switch (nlh->nlmsg_type) {
		case NLMSG_NOOP:
			break;
		case NLMSG_OVERRUN:
			return -ENOBUFS;
		case NLMSG_ERROR:
			return parse_error(nlh, msg, msg_size);
		case NLMSG_DONE:
			/* A dump's end; it may carry the dump's error. */
			if (nlh->nlmsg_len - sizeof(*nlh) >= sizeof(int)) {
				int e;

				memcpy(&e, mnl_nlmsg_get_payload(nlh), sizeof(e));
				if (e < 0 && e >= -4095) {
					size_t pl = nlh->nlmsg_len - sizeof(*nlh);

					if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) && pl > sizeof(int))
						parse_ext_ack((const uint8_t *)mnl_nlmsg_get_payload(nlh) +
								      sizeof(int),
							      pl - sizeof(int), msg, msg_size);
					return e;
				}
			}
			return 0;
		default:
			if (nlh->nlmsg_type < NLMSG_MIN_TYPE)
				break; /* reserved control types: ignore */
			if (fn && (r = fn(nlh, data)) < 0)
				return r;
			break;
		}
		nlh = msg_next(nlh, &left);
	}
	/* Bytes left over that do not form a message: truncated. */
	if (left > 0)
		return -EBADMSG;
	return 1;
}

/* Reads one datagram into *buf (grown when the kernel's is bigger). */
static ssize_t nl_recv(int fd, uint8_t **buf, size_t *size, uint8_t *stack)
{
	struct sockaddr_nl sa;
	struct iovec iov;
	struct msghdr mh = { .msg_name = &sa, .msg_namelen = sizeof(sa), .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	for (;;) {
		iov = (struct iovec){ .iov_base = *buf, .iov_len = *size };
		n = recvmsg(fd, &mh, MSG_PEEK | MSG_TRUNC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if ((size_t)n <= *size)
			break;
		/* MSG_TRUNC: the datagram is larger than the buffer. */
		{
			size_t want = (size_t)n;
			uint8_t *nb = *buf == stack ? malloc(want) : realloc(*buf, want);

			if (!nb)
				return -ENOMEM;
			*buf = nb;
			*size = want;
		}
	}
	do {
		mh.msg_namelen = sizeof(sa);
		n = recvmsg(fd, &mh, 0);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (mh.msg_flags & MSG_TRUNC)
		return -EMSGSIZE;
	if (sa.nl_pid != 0)
		return 0; /* not from the kernel: ignore */
	return n;
}

int nl_talk(struct nl_sock *nl, struct nlmsghdr *nlh, nl_msg_fn fn, void *data, char *msg,
	    size_t msg_size)
{
	uint8_t stack[16384];
	uint8_t *buf = stack;
	size_t size = sizeof(stack);
	int fd = mnl_socket_get_fd(nl->mnl), r;

	nlh->nlmsg_seq = ++nl->seq;
	/* NLM_F_DUMP's bits mean CREATE/EXCL on a NEW request: only a GET
	 * (rtnetlink types ...2 mod 4) is a dump, ended by NLMSG_DONE. */
	if (!((nlh->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP && (nlh->nlmsg_type & 3) == 2))
		nlh->nlmsg_flags |= NLM_F_ACK;
	if (msg && msg_size)
		msg[0] = '\0';
	if (mnl_socket_sendto(nl->mnl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		ssize_t n = nl_recv(fd, &buf, &size, stack);

		if (n < 0) {
			r = (int)n;
			break;
		}
		if (n == 0) {
			r = 1;
			continue;
		}
		r = nl_parse(buf, (size_t)n, nl->seq, nl->portid, fn, data, msg, msg_size);
	} while (r > 0);
	if (buf != stack)
		free(buf);
	return r;
}

/* ---- rtnetlink requests ------------------------------------------------ */

static struct nlmsghdr *put_link_msg(void *buf, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	return nlh;
}

static int link_index_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifinfomsg *ifi;

	if (nlh->nlmsg_type != RTM_NEWLINK || nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(*ifi))
		return 0;
	ifi = mnl_nlmsg_get_payload(nlh);
	*(int *)data = ifi->ifi_index;
	return 0;
}

int rt_link_index(struct nl_sock *nl, const char *name, int *ret_index, char *msg, size_t n)
{
	uint8_t buf[512];
	struct nlmsghdr *nlh = put_link_msg(buf, RTM_GETLINK, 0);
	int idx = 0, r;

	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	r = nl_talk(nl, nlh, link_index_cb, &idx, msg, n);
	if (r < 0)
		return r;
	if (idx <= 0)
		return -ENODEV;
	*ret_index = idx;
	return 0;
}

int rt_bridge_create(struct nl_sock *nl, const char *name, unsigned mtu, char *msg, size_t n)
{
	uint8_t buf[512];
	struct nlmsghdr *nlh = put_link_msg(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	struct nlattr *info;

	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	if (mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "bridge");
	mnl_attr_nest_end(nlh, info);
	return nl_talk(nl, nlh, NULL, NULL, msg, n);
}

int rt_veth_create(struct nl_sock *nl, const char *name, const char *peer, int peer_ns_fd,
		   int peer_index, int master, unsigned mtu, const uint8_t *peer_mac, char *msg,
		   size_t n)
{
	uint8_t buf[1024];
	struct nlmsghdr *nlh = put_link_msg(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	struct nlattr *info, *idata, *pinfo;
	struct ifinfomsg *pifi;

	/* Neither end can be made up here: veth_open() refuses (ENOTCONN)
	 * until the pair is joined, which happens after the flags apply. */

	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	if (mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	if (master > 0)
		mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)master);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	idata = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	pinfo = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	/* The peer's own ifinfomsg, then its attributes. */
	pifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*pifi));
	memset(pifi, 0, sizeof(*pifi));
	pifi->ifi_index = peer_index; /* 0: the kernel picks */
	mnl_attr_put_strz(nlh, IFLA_IFNAME, peer);
	if (peer_ns_fd >= 0)
		mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)peer_ns_fd);
	if (mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	if (peer_mac)
		mnl_attr_put(nlh, IFLA_ADDRESS, 6, peer_mac);
	mnl_attr_nest_end(nlh, pinfo);
	mnl_attr_nest_end(nlh, idata);
	mnl_attr_nest_end(nlh, info);
	return nl_talk(nl, nlh, NULL, NULL, msg, n);
}

int rt_link_up(struct nl_sock *nl, int index, char *msg, size_t n)
{
	uint8_t buf[256];
	struct nlmsghdr *nlh = put_link_msg(buf, RTM_NEWLINK, 0);
	struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);

	ifi->ifi_index = index;
	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	return nl_talk(nl, nlh, NULL, NULL, msg, n);
}

int rt_link_up_name(struct nl_sock *nl, const char *name, char *msg, size_t n)
{
	uint8_t buf[256];
	struct nlmsghdr *nlh = put_link_msg(buf, RTM_NEWLINK, 0);
	struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);

	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return nl_talk(nl, nlh, NULL, NULL, msg, n);
}

int rt_link_del(struct nl_sock *nl, const char *name, char *msg, size_t n)
{
	uint8_t buf[256];
	struct nlmsghdr *nlh = put_link_msg(buf, RTM_DELLINK, 0);

	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return nl_talk(nl, nlh, NULL, NULL, msg, n);
}

int rt_addr_add(struct nl_sock *nl, int family, int index, const void *addr, unsigned prefix,
		char *msg, size_t n)
{
	uint8_t buf[256];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifaddrmsg *ifa;
	size_t alen = family == AF_INET ? 4 : 16;

	nlh->nlmsg_type = RTM_NEWADDR;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = (uint8_t)family;
	ifa->ifa_prefixlen = (uint8_t)prefix;
	ifa->ifa_index = (uint32_t)index;
	/* No duplicate address detection: IPAM already made it unique, and
	 * DAD would hold the address back for a second or more. */
	if (family == AF_INET6)
		ifa->ifa_flags = IFA_F_NODAD;
	mnl_attr_put(nlh, IFA_LOCAL, alen, addr);
	mnl_attr_put(nlh, IFA_ADDRESS, alen, addr);
	if (family == AF_INET6)
		mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_NODAD);
	return nl_talk(nl, nlh, NULL, NULL, msg, n);
}

int rt_route_default(struct nl_sock *nl, int family, int index, const void *gw, char *msg,
		     size_t n)
{
	uint8_t buf[256];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm;

	nlh->nlmsg_type = RTM_NEWROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (uint8_t)family;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_BOOT;
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put(nlh, RTA_GATEWAY, family == AF_INET ? 4 : 16, gw);
	mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)index);
	return nl_talk(nl, nlh, NULL, NULL, msg, n);
}

struct link_each {
	const char *prefix;
	void (*fn)(const char *, void *);
	void *data;
	char names[256][IFNAMSIZ];
	size_t n;
};

static int link_each_cb(const struct nlmsghdr *nlh, void *data)
{
	struct link_each *le = data;
	const struct nlattr *a;

	if (nlh->nlmsg_type != RTM_NEWLINK || nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(struct ifinfomsg))
		return 0;
	mnl_attr_for_each(a, nlh, sizeof(struct ifinfomsg)) {
		if (mnl_attr_get_type(a) != IFLA_IFNAME)
			continue;
		if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) < 0)
			return 0;
		if (strncmp(mnl_attr_get_str(a), le->prefix, strlen(le->prefix)) == 0 &&
		    le->n < ARRAY_SIZE(le->names)) {
			snprintf(le->names[le->n], IFNAMSIZ, "%s", mnl_attr_get_str(a));
			le->n++;
		}
	}
	return 0;
}

int rt_link_each(struct nl_sock *nl, const char *prefix, void (*fn)(const char *, void *),
		 void *data, char *msg, size_t n)
{
	uint8_t buf[256];
	struct nlmsghdr *nlh = put_link_msg(buf, RTM_GETLINK, NLM_F_DUMP);
	struct link_each *le = calloc(1, sizeof(*le));
	int r;

	if (!le)
		return -ENOMEM;
	le->prefix = prefix;
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	r = nl_talk(nl, nlh, link_each_cb, le, msg, n);
	/* Called after the dump: fn may send requests of its own. */
	if (r >= 0)
		for (size_t i = 0; i < le->n; i++)
			fn(le->names[i], data);
	free(le);
	return r;
}
