/* tap.h: the one TAP helper of the C unit tests.
 *
 *   ok(cond, "what %s", ...)   one test point; a failure is counted
 *   skip(why, "what %s", ...)  a test point the host cannot offer
 *   is_str(got, want, "what")  ok() with both strings shown on failure
 *   diag("...")                a comment line
 *   return tap_end();          the plan line; exit status 1 if anything failed
 *
 * Header-only on purpose: each unit test is one program. */
#ifndef VB_TESTS_TAP_H
#define VB_TESTS_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

static void tap_vline(const char *prefix, const char *fmt, va_list ap, const char *suffix)
{
	printf("%s %d - ", prefix, ++tap_n);
	vprintf(fmt, ap);
	printf("%s\n", suffix);
	fflush(stdout);
}

__attribute__((format(printf, 2, 3), unused)) static bool ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vline(cond ? "ok" : "not ok", fmt, ap, "");
	va_end(ap);
	if (!cond)
		tap_failed++;
	return cond;
}

__attribute__((format(printf, 2, 3), unused)) static void skip(const char *why, const char *fmt,
							       ...)
{
	va_list ap;

	printf("ok %d - ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" # SKIP %s\n", why);
	fflush(stdout);
}

__attribute__((format(printf, 1, 2), unused)) static void diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

__attribute__((unused)) static bool is_str(const char *got, const char *want, const char *what)
{
	bool same = got && want && strcmp(got, want) == 0;

	ok(same, "%s", what);
	if (!same)
		diag("  got:  '%s'\n#   want: '%s'", got ? got : "(null)", want ? want : "(null)");
	return same;
}

__attribute__((unused)) static int tap_end(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
