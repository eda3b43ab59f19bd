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
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/veth.h>
#include <stdio.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>

#include "net/net.h"

/* <linux/netfilter.h>'s, which clashes with <netinet/in.h>. */
#ifndef NFPROTO_INET
#define NFPROTO_INET 1
#endif

/* The socket is a plain fd (libmnl's mnl_socket_open() would malloc its
 * struct): the sandbox's child opens one between clone and exec, where
 * nothing may allocate.  libmnl builds and walks the messages. */
int nl_open_proto(struct nl_sock *nl, int proto)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	socklen_t len = sizeof(sa);
	struct timeval tv = { .tv_sec = 10 };
	int one = 1, fd, r;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, proto);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) < 0) {
		r = -errno;
		(void)close(fd);
		return r;
	}
	/* Best effort: older kernels lack them and still work. */
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	/* A kernel that never answers must not hang vb forever. */
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	nl->fd = fd;
	nl->proto = proto;
	nl->portid = sa.nl_pid;
	nl->seq = (uint32_t)time(NULL);
	return 0;
}

/* To the kernel (portid 0), the whole buffer in one datagram. */
static int nl_send(const struct nl_sock *nl, const void *buf, size_t len)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	ssize_t n;

	do
		n = sendto(nl->fd, buf, len, 0, (const struct sockaddr *)&sa, sizeof(sa));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EMSGSIZE;
}

int nl_open(struct nl_sock *nl)
{
	return nl_open_proto(nl, NETLINK_ROUTE);
}

void nl_close(struct nl_sock *nl)
{
	if (nl->fd > 0)
		(void)close(nl->fd);
	nl->fd = 0;
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

	/* msg is always written: "" unless the kernel sent a text (the
	 * caller's message then ends in strerror of the error alone). */
	copy_text(msg, msg_size, "", 0);
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

			if (echoed < sizeof(struct nlmsghdr) ||
			    echoed > payload - off + sizeof(struct nlmsghdr))
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

int nl_parse(const void *buf, size_t len, uint32_t seq, uint32_t portid, nl_msg_fn fn, void *data,
	     char *msg, size_t msg_size)
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
						parse_ext_ack(
							(const uint8_t *)mnl_nlmsg_get_payload(
								nlh) +
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

int nl_parse_acks(const void *buf, size_t len, uint32_t portid, struct nl_acks *a)
{
	const struct nlmsghdr *nlh = buf;
	size_t left = len;

	if (left == 0)
		return -EBADMSG;
	while (msg_ok(nlh, left)) {
		uint32_t i = nlh->nlmsg_seq - a->seq0; /* wraps: out of range */

		if (nlh->nlmsg_pid != portid || i >= a->n || i >= NL_BATCH_MAX) {
			nlh = msg_next(nlh, &left);
			continue;
		}
		if (nlh->nlmsg_type == NLMSG_OVERRUN)
			return -ENOBUFS;
		if (nlh->nlmsg_type == NLMSG_ERROR && !a->acked[i]) {
			char text[sizeof(a->msg)] = "";
			const struct nlmsgerr *me = mnl_nlmsg_get_payload(nlh);
			int e;

			if (nlh->nlmsg_len - sizeof(*nlh) < sizeof(*me) || me->error > 0 ||
			    me->error < -4095)
				return -EBADMSG;
			e = parse_error(nlh, text, sizeof(text));
			a->acked[i] = true;
			a->n_acked++;
			a->err[i] = e;
			/* The text of the first request that failed is kept. */
			if (e < 0 && e != -a->tolerate[i] &&
			    (a->first < 0 || i < (uint32_t)a->first)) {
				a->first = (int)i;
				memcpy(a->msg, text, sizeof(a->msg));
			}
		}
		/* Anything else (data of a GET, NOOP): not asked for here. */
		nlh = msg_next(nlh, &left);
	}
	if (left > 0)
		return -EBADMSG;
	return a->n_acked < a->n ? 1 : 0;
}

/* Reads one datagram into *buf (grown when the kernel's is bigger). */
static ssize_t nl_recv(int fd, uint8_t **buf, size_t *size, uint8_t *stack)
{
	struct sockaddr_nl sa;
	struct iovec iov;
	struct msghdr mh = {
		.msg_name = &sa, .msg_namelen = sizeof(sa), .msg_iov = &iov, .msg_iovlen = 1
	};
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
	int fd = nl->fd, r;

	nlh->nlmsg_seq = ++nl->seq;
	/* NLM_F_DUMP's bits mean CREATE/EXCL on a NEW request: only a GET
	 * (rtnetlink types ...2 mod 4; nf_tables ones are only ever dumped
	 * here) is a dump, ended by NLMSG_DONE. */
	if (!((nlh->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP &&
	      (nl->proto != NETLINK_ROUTE || (nlh->nlmsg_type & 3) == 2)))
		nlh->nlmsg_flags |= NLM_F_ACK;
	if (msg && msg_size)
		msg[0] = '\0';
	r = nl_send(nl, nlh, nlh->nlmsg_len);
	if (r < 0)
		return r;
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

/* ---- batches ------------------------------------------------------------ */

void nl_batch_init(struct nl_batch *b)
{
	b->len = 0;
	b->n = 0;
	memset(b->tolerate, 0, sizeof(b->tolerate));
}

void nl_batch_tolerate(struct nl_batch *b, int error)
{
	if (b->n > 0)
		b->tolerate[b->n - 1] = error;
}

/* Room for one more request of at most NL_MSG_MAX bytes. */
#define NL_MSG_MAX 512

static struct nlmsghdr *batch_put(struct nl_batch *b, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh;

	if (b->n >= NL_BATCH_MAX || sizeof(b->buf) - b->len < NL_MSG_MAX)
		return NULL;
	nlh = mnl_nlmsg_put_header(b->buf + b->len);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	return nlh;
}

static int batch_end(struct nl_batch *b, struct nlmsghdr *nlh)
{
	b->len += MNL_ALIGN(nlh->nlmsg_len);
	b->n++;
	return 0;
}

int nl_batch_send(struct nl_sock *nl, struct nl_batch *b, unsigned *ret_failed, char *msg,
		  size_t msg_size)
{
	/* Acks are small (NETLINK_CAP_ACK; else they echo a request of at
	 * most NL_MSG_MAX bytes): 2 KiB each holds one with its text.  On
	 * the stack: the child must not allocate. */
	uint8_t bufs[NL_BATCH_MAX][2048] __attribute__((aligned(4)));
	struct mmsghdr mm[NL_BATCH_MAX];
	struct iovec iov[NL_BATCH_MAX];
	struct sockaddr_nl sa[NL_BATCH_MAX];
	struct nl_acks a = { .first = -1 };
	int fd = nl->fd, r = 1;
	size_t off = 0;

	if (msg && msg_size)
		msg[0] = '\0';
	if (b->n == 0)
		return 0;
	a.seq0 = nl->seq + 1;
	a.n = b->n;
	memcpy(a.tolerate, b->tolerate, sizeof(a.tolerate));
	for (unsigned i = 0; i < b->n; i++) {
		struct nlmsghdr *nlh = (struct nlmsghdr *)(b->buf + off);

		nlh->nlmsg_seq = ++nl->seq;
		off += MNL_ALIGN(nlh->nlmsg_len);
	}
	/* One sendmsg: the kernel handles the requests in order, each with
	 * its own ack, all queued by the time it returns. */
	r = nl_send(nl, b->buf, b->len);
	if (r < 0)
		return r;
	r = 1;
	while (r > 0) {
		int got;

		for (unsigned i = 0; i < NL_BATCH_MAX; i++) {
			iov[i] = (struct iovec){ .iov_base = bufs[i], .iov_len = sizeof(bufs[i]) };
			mm[i] = (struct mmsghdr){ .msg_hdr = { .msg_name = &sa[i],
							       .msg_namelen = sizeof(sa[i]),
							       .msg_iov = &iov[i],
							       .msg_iovlen = 1 } };
		}
		got = recvmmsg(fd, mm, a.n - a.n_acked, MSG_WAITFORONE, NULL);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return -errno;
		for (int i = 0; i < got && r > 0; i++) {
			if (mm[i].msg_hdr.msg_flags & MSG_TRUNC)
				return -EMSGSIZE;
			if (sa[i].nl_pid != 0)
				continue; /* not from the kernel */
			r = nl_parse_acks(bufs[i], mm[i].msg_len, nl->portid, &a);
		}
	}
	if (r < 0)
		return r;
	if (a.first >= 0) {
		if (msg && msg_size) {
			size_t n = strnlen(a.msg, sizeof(a.msg));

			if (n >= msg_size)
				n = msg_size - 1;
			memcpy(msg, a.msg, n);
			msg[n] = '\0';
		}
		if (ret_failed)
			*ret_failed = (unsigned)a.first;
		return a.err[a.first];
	}
	return 0;
}

/* ---- rtnetlink requests ------------------------------------------------ */

static struct nlmsghdr *put_link_msg(struct nl_batch *b, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh = batch_put(b, type, flags);
	struct ifinfomsg *ifi;

	if (!nlh)
		return NULL;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	return nlh;
}

static int link_index_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifinfomsg *ifi;
	struct {
		int index;
		unsigned flags;
	} *ret = data;

	if (nlh->nlmsg_type != RTM_NEWLINK || nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(*ifi))
		return 0;
	ifi = mnl_nlmsg_get_payload(nlh);
	ret->index = ifi->ifi_index;
	ret->flags = ifi->ifi_flags;
	return 0;
}

int rt_link_get(struct nl_sock *nl, const char *name, int *ret_index, unsigned *ret_flags,
		char *msg, size_t n)
{
	uint8_t buf[512];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;
	struct {
		int index;
		unsigned flags;
	} got = { 0, 0 };
	int r;

	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	r = nl_talk(nl, nlh, link_index_cb, &got, msg, n);
	if (r < 0)
		return r;
	if (got.index <= 0)
		return -ENODEV;
	*ret_index = got.index;
	if (ret_flags)
		*ret_flags = got.flags;
	return 0;
}

struct link_kind {
	int index;
	char kind[32];
	char alias[64];
};

static int link_kind_cb(const struct nlmsghdr *nlh, void *data)
{
	struct link_kind *lk = data;
	const struct ifinfomsg *ifi;
	const struct nlattr *a, *i;

	if (nlh->nlmsg_type != RTM_NEWLINK || nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(*ifi))
		return 0;
	ifi = mnl_nlmsg_get_payload(nlh);
	lk->index = ifi->ifi_index;
	mnl_attr_for_each(a, nlh, sizeof(*ifi))
	{
		if (mnl_attr_get_type(a) == IFLA_IFALIAS &&
		    mnl_attr_validate(a, MNL_TYPE_STRING) == 0) {
			size_t len = mnl_attr_get_payload_len(a);

			if (len >= sizeof(lk->alias))
				len = sizeof(lk->alias) - 1;
			memcpy(lk->alias, mnl_attr_get_payload(a), len);
			lk->alias[len] = '\0';
			lk->alias[strcspn(lk->alias, "\n")] = '\0';
		}
		if (mnl_attr_get_type(a) != IFLA_LINKINFO ||
		    mnl_attr_validate(a, MNL_TYPE_NESTED) < 0)
			continue;
		mnl_attr_for_each_nested(i, a)
		{
			if (mnl_attr_get_type(i) == IFLA_INFO_KIND &&
			    mnl_attr_validate(i, MNL_TYPE_STRING) == 0) {
				size_t len = mnl_attr_get_payload_len(i);

				if (len >= sizeof(lk->kind))
					len = sizeof(lk->kind) - 1;
				memcpy(lk->kind, mnl_attr_get_payload(i), len);
				lk->kind[len] = '\0';
			}
		}
	}
	return 0;
}

int rt_link_kind(struct nl_sock *nl, const char *name, char *kind, size_t kind_size, char *alias,
		 size_t alias_size, char *msg, size_t n)
{
	uint8_t buf[512];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;
	struct link_kind lk = { 0 };
	int r;

	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	r = nl_talk(nl, nlh, link_kind_cb, &lk, msg, n);
	if (r < 0)
		return r;
	if (lk.index <= 0)
		return -ENODEV;
	snprintf(kind, kind_size, "%s", lk.kind);
	snprintf(alias, alias_size, "%s", lk.alias);
	return 0;
}

int rt_link_set_alias(struct nl_sock *nl, int index, const char *alias, char *msg, size_t n)
{
	struct nl_batch _b;
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;

	nl_batch_init(&_b);
	nlh = put_link_msg(&_b, RTM_NEWLINK, 0);
	if (!nlh)
		return -ENOSPC;
	ifi = mnl_nlmsg_get_payload(nlh);
	ifi->ifi_index = index;
	mnl_attr_put_strz(nlh, IFLA_IFALIAS, alias);
	if (batch_end(&_b, nlh) < 0)
		return -ENOSPC;
	return nl_batch_send(nl, &_b, NULL, msg, n);
}

int rt_link_index(struct nl_sock *nl, const char *name, int *ret_index, char *msg, size_t n)
{
	return rt_link_get(nl, name, ret_index, NULL, msg, n);
}

int rt_put_bridge(struct nl_batch *b, const char *name, unsigned mtu, const uint8_t *mac)
{
	struct nlmsghdr *nlh = put_link_msg(b, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	struct nlattr *info;

	if (!nlh)
		return -ENOSPC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	if (mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	/* A bridge without an address of its own takes the lowest of its
	 * ports', changing as sandboxes come and go, and the sandboxes'
	 * neighbour entries for the gateway go stale: give it one. */
	if (mac)
		mnl_attr_put(nlh, IFLA_ADDRESS, 6, mac);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "bridge");
	mnl_attr_nest_end(nlh, info);
	return batch_end(b, nlh);
}

int rt_put_veth(struct nl_batch *b, const char *name, const char *peer, int peer_ns_fd,
		int peer_index, int master, unsigned mtu, const uint8_t *peer_mac)
{
	struct nlmsghdr *nlh = put_link_msg(b, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	struct nlattr *info, *idata, *pinfo;
	struct ifinfomsg *pifi;

	if (!nlh)
		return -ENOSPC;
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
	return batch_end(b, nlh);
}

int rt_put_link_flags(struct nl_batch *b, int index, const char *name, bool up)
{
	struct nlmsghdr *nlh = put_link_msg(b, RTM_NEWLINK, 0);
	struct ifinfomsg *ifi;

	if (!nlh)
		return -ENOSPC;
	ifi = mnl_nlmsg_get_payload(nlh);
	ifi->ifi_index = index;
	ifi->ifi_flags = up ? IFF_UP : 0;
	ifi->ifi_change = IFF_UP;
	if (name)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return batch_end(b, nlh);
}

int rt_put_link_del(struct nl_batch *b, const char *name)
{
	struct nlmsghdr *nlh = put_link_msg(b, RTM_DELLINK, 0);

	if (!nlh)
		return -ENOSPC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return batch_end(b, nlh);
}

int rt_put_addr(struct nl_batch *b, int family, int index, const void *addr, unsigned prefix)
{
	struct nlmsghdr *nlh = batch_put(b, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
	struct ifaddrmsg *ifa;
	size_t alen = family == AF_INET ? 4 : 16;

	if (!nlh)
		return -ENOSPC;
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
	return batch_end(b, nlh);
}

int rt_put_route_default(struct nl_batch *b, int family, int index, const void *gw)
{
	struct nlmsghdr *nlh = batch_put(b, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL);
	struct rtmsg *rtm;

	if (!nlh)
		return -ENOSPC;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (uint8_t)family;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_BOOT;
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put(nlh, RTA_GATEWAY, family == AF_INET ? 4 : 16, gw);
	mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)index);
	return batch_end(b, nlh);
}

/* The one-request forms: a batch of one. */
#define ONE(nl, msg, n, put)                                              \
	({                                                                \
		struct nl_batch _b;                                       \
		int _r;                                                   \
		nl_batch_init(&_b);                                       \
		_r = (put);                                               \
		_r < 0 ? _r : nl_batch_send((nl), &_b, NULL, (msg), (n)); \
	})

int rt_bridge_create(struct nl_sock *nl, const char *name, unsigned mtu, char *msg, size_t n)
{
	uint8_t mac[6];

	/* Random, locally administered, unicast. */
	if (getrandom(mac, sizeof(mac), 0) != sizeof(mac))
		return -errno;
	mac[0] = (uint8_t)((mac[0] & 0xfe) | 0x02);
	return ONE(nl, msg, n, rt_put_bridge(&_b, name, mtu, mac));
}

int rt_veth_create(struct nl_sock *nl, const char *name, const char *peer, int peer_ns_fd,
		   int peer_index, int master, unsigned mtu, const uint8_t *peer_mac, char *msg,
		   size_t n)
{
	return ONE(nl, msg, n,
		   rt_put_veth(&_b, name, peer, peer_ns_fd, peer_index, master, mtu, peer_mac));
}

int rt_link_up(struct nl_sock *nl, int index, char *msg, size_t n)
{
	return ONE(nl, msg, n, rt_put_link_flags(&_b, index, NULL, true));
}

int rt_link_up_name(struct nl_sock *nl, const char *name, char *msg, size_t n)
{
	return ONE(nl, msg, n, rt_put_link_flags(&_b, 0, name, true));
}

int rt_link_del(struct nl_sock *nl, const char *name, char *msg, size_t n)
{
	return ONE(nl, msg, n, rt_put_link_del(&_b, name));
}

int rt_addr_add(struct nl_sock *nl, int family, int index, const void *addr, unsigned prefix,
		char *msg, size_t n)
{
	return ONE(nl, msg, n, rt_put_addr(&_b, family, index, addr, prefix));
}

int rt_route_default(struct nl_sock *nl, int family, int index, const void *gw, char *msg, size_t n)
{
	return ONE(nl, msg, n, rt_put_route_default(&_b, family, index, gw));
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

	if (nlh->nlmsg_type != RTM_NEWLINK ||
	    nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(struct ifinfomsg))
		return 0;
	mnl_attr_for_each(a, nlh, sizeof(struct ifinfomsg))
	{
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
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;
	struct link_each *le = calloc(1, sizeof(*le));
	int r;

	if (!le)
		return -ENOMEM;
	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
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

/* ---- nf_tables: is a rule there? ------------------------------------------ */

struct rule_find {
	const char *const *want;
	size_t n;
	bool found[8];
};

static int rule_find_cb(const struct nlmsghdr *nlh, void *data)
{
	struct rule_find *f = data;
	const struct nlattr *a;

	if ((nlh->nlmsg_type & 0xff) != NFT_MSG_NEWRULE ||
	    nlh->nlmsg_type >> 8 != NFNL_SUBSYS_NFTABLES ||
	    nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(struct nfgenmsg))
		return 0;
	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg))
	{
		const char *ud;
		size_t len;

		if (mnl_attr_get_type(a) != NFTA_RULE_USERDATA)
			continue;
		ud = mnl_attr_get_payload(a);
		len = mnl_attr_get_payload_len(a);
		for (size_t i = 0; i < f->n; i++)
			if (!f->found[i] && memmem(ud, len, f->want[i], strlen(f->want[i])))
				f->found[i] = true;
	}
	return 0;
}

int nft_rules_present(struct nl_sock *nl, const char *table, const char *chain,
		      const char *const *want, size_t n_want, bool *ret_present)
{
	uint8_t buf[512];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *g;
	struct rule_find f = { .want = want, .n = n_want };
	int r;

	if (n_want > ARRAY_SIZE(f.found))
		return -EINVAL;
	nlh->nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_GETRULE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->nfgen_family = NFPROTO_INET;
	g->version = NFNETLINK_V0;
	g->res_id = 0;
	mnl_attr_put_strz(nlh, NFTA_RULE_TABLE, table);
	if (chain)
		mnl_attr_put_strz(nlh, NFTA_RULE_CHAIN, chain);
	r = nl_talk(nl, nlh, rule_find_cb, &f, NULL, 0);
	if (r == -ENOENT) {
		*ret_present = false; /* no table or no chain */
		return 0;
	}
	if (r < 0)
		return r;
	*ret_present = true;
	for (size_t i = 0; i < n_want; i++)
		if (!f.found[i])
			*ret_present = false;
	return 0;
}
