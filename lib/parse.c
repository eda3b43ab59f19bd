/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The value parsers vb(1) and the library share (voidbox.h: sizes,
 * durations, signals, rlimits), so that both accept the same text. */
#include <ctype.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <strings.h>
#include <sys/resource.h>

#include "base.h"

static int parse_u64(const char *s, uint64_t *ret, const char **end)
{
	uint64_t v = 0;
	const char *p = s;

	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	for (; isdigit((unsigned char)*p); p++) {
		if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return -ERANGE;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	*ret = v;
	*end = p;
	return 0;
}

VB_EXPORT int vb_parse_size(const char *s, uint64_t *ret)
{
	static const struct {
		const char *suffix;
		unsigned shift;
	} units[] = {
		{ "", 0 },     { "B", 0 },   { "K", 10 },   { "KB", 10 },  { "KiB", 10 },
		{ "M", 20 },   { "MB", 20 }, { "MiB", 20 }, { "G", 30 },   { "GB", 30 },
		{ "GiB", 30 }, { "T", 40 },  { "TB", 40 },  { "TiB", 40 },
	};
	const char *end;
	uint64_t v;
	int r;

	if (!s || !ret)
		return -EINVAL;
	if (strcmp(s, "max") == 0 || strcmp(s, "infinity") == 0 || strcmp(s, "unlimited") == 0) {
		*ret = VB_UNLIMITED;
		return 0;
	}
	r = parse_u64(s, &v, &end);
	if (r < 0)
		return r;
	for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
		if (strcasecmp(end, units[i].suffix) != 0)
			continue;
		if (units[i].shift && v > (UINT64_MAX >> units[i].shift))
			return -ERANGE;
		*ret = v << units[i].shift;
		return 0;
	}
	return -EINVAL;
}

VB_EXPORT int vb_parse_duration(const char *s, uint64_t *ret_usec)
{
	static const struct {
		const char *suffix;
		uint64_t usec;
	} units[] = {
		{ "", 1000000 },   { "s", 1000000 },    { "ms", 1000 },       { "us", 1 },
		{ "m", 60000000 }, { "h", 3600000000 }, { "d", 86400000000 },
	};
	const char *end;
	uint64_t whole, frac = 0, frac_div = 1;
	int r;

	if (!s || !ret_usec)
		return -EINVAL;
	r = parse_u64(s, &whole, &end);
	if (r < 0)
		return r;
	if (*end == '.') {
		end++;
		if (!isdigit((unsigned char)*end))
			return -EINVAL;
		for (; isdigit((unsigned char)*end); end++) {
			if (frac_div < 1000000000) {
				frac = frac * 10 + (uint64_t)(*end - '0');
				frac_div *= 10;
			}
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
		if (strcmp(end, units[i].suffix) != 0)
			continue;
		uint64_t u = units[i].usec;

		if (whole > UINT64_MAX / u / 2)
			return -ERANGE;
		/* frac * u / frac_div without the product, which overflows
		 * for a day and nine digits: frac < frac_div, so the first
		 * term is below u, the second below 1e18. */
		*ret_usec = whole * u + frac * (u / frac_div) + frac * (u % frac_div) / frac_div;
		return 0;
	}
	return -EINVAL;
}

VB_EXPORT int vb_parse_signal(const char *s, int *ret)
{
	const char *end;
	uint64_t v;

	if (!s || !ret)
		return -EINVAL;
	if (parse_u64(s, &v, &end) == 0) {
		if (*end || v < 1 || v >= (uint64_t)NSIG)
			return -EINVAL;
		*ret = (int)v;
		return 0;
	}
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (int sig = 1; sig < SIGRTMIN; sig++) {
		const char *name = sigabbrev_np(sig);

		if (name && strcasecmp(name, s) == 0) {
			*ret = sig;
			return 0;
		}
	}
	return -EINVAL;
}

static const struct {
	const char *name;
	int resource;
} rlimit_names[] = {
	{ "AS", RLIMIT_AS },
	{ "CORE", RLIMIT_CORE },
	{ "CPU", RLIMIT_CPU },
	{ "DATA", RLIMIT_DATA },
	{ "FSIZE", RLIMIT_FSIZE },
	{ "LOCKS", RLIMIT_LOCKS },
	{ "MEMLOCK", RLIMIT_MEMLOCK },
	{ "MSGQUEUE", RLIMIT_MSGQUEUE },
	{ "NICE", RLIMIT_NICE },
	{ "NOFILE", RLIMIT_NOFILE },
	{ "NPROC", RLIMIT_NPROC },
	{ "RSS", RLIMIT_RSS },
	{ "RTPRIO", RLIMIT_RTPRIO },
	{ "RTTIME", RLIMIT_RTTIME },
	{ "SIGPENDING", RLIMIT_SIGPENDING },
	{ "STACK", RLIMIT_STACK },
};

const char *vb_rlimit_name(int resource)
{
	for (size_t i = 0; i < ARRAY_SIZE(rlimit_names); i++)
		if (rlimit_names[i].resource == resource)
			return rlimit_names[i].name;
	return "?";
}

static int parse_limit_value(const char *s, size_t n, uint64_t *ret)
{
	char buf[64];
	int r;

	if (n == 0 || n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	r = vb_parse_size(buf, ret);
	/* -ERANGE is vb_parse_rlimit()'s for soft above hard. */
	return r == -ERANGE ? -EOVERFLOW : r;
}

VB_EXPORT int vb_parse_rlimit(const char *spec, int *ret_resource, uint64_t *ret_soft,
			      uint64_t *ret_hard)
{
	const char *eq, *name, *colon;
	size_t nlen;
	uint64_t soft, hard;
	int resource = -1, r;

	if (!spec || !ret_resource || !ret_soft || !ret_hard)
		return -EINVAL;
	eq = strchr(spec, '=');
	if (!eq)
		return -EINVAL;
	name = spec;
	if (strncasecmp(name, "RLIMIT_", 7) == 0)
		name += 7;
	nlen = (size_t)(eq - name);
	for (size_t i = 0; i < ARRAY_SIZE(rlimit_names); i++)
		if (strlen(rlimit_names[i].name) == nlen &&
		    strncasecmp(rlimit_names[i].name, name, nlen) == 0)
			resource = rlimit_names[i].resource;
	if (resource < 0)
		return -EINVAL;
	colon = strchr(eq + 1, ':');
	r = parse_limit_value(eq + 1, colon ? (size_t)(colon - eq - 1) : strlen(eq + 1), &soft);
	if (r < 0)
		return r;
	hard = soft;
	if (colon && (r = parse_limit_value(colon + 1, strlen(colon + 1), &hard)) < 0)
		return r;
	if (soft != VB_UNLIMITED && hard != VB_UNLIMITED && soft > hard)
		return -ERANGE;
	if (hard == VB_UNLIMITED && soft != VB_UNLIMITED)
		; /* fine */
	else if (soft == VB_UNLIMITED && hard != VB_UNLIMITED)
		return -ERANGE;
	*ret_resource = resource;
	*ret_soft = soft;
	*ret_hard = hard;
	return 0;
}
