#!/bin/bash
# Overlays (bwrap 0.10+): --overlay-src with --overlay / --tmp-overlay / --ro-overlay.
. "$(dirname "$0")/lib.sh"

# Two layers: "both" is in each (the last source given must win).
mkdir -p "$T/fix/lower1" "$T/fix/lower2" "$T/fix/odd,dir:x"
echo one >"$T/fix/lower1/both"; echo only1 >"$T/fix/lower1/only1"
echo two >"$T/fix/lower2/both"; echo only2 >"$T/fix/lower2/only2"
echo odd >"$T/fix/odd,dir:x/f"
chmod -R a+rX "$T/fix"
# owned by the test user: a copy-up of a file whose owner is not mapped in
# the user namespace fails with EOVERFLOW, in any overlay user
[ "$MYUID" = 0 ] && chown "$TUID:$TGID" "$T/fix/lower1/both" "$T/fix/lower2/both"
L1=$T/fix/lower1 L2=$T/fix/lower2

setuid_refused() {
	[ "$1" = setuid ] || return 1
	expect_fail "The --overlay-src option is not permitted in setuid mode"
}

t_tmp_overlay() {
	vb_only || return 77
	run_mode "$1" -- "${SB[@]}" --overlay-src "$L1" --overlay-src "$L2" --tmp-overlay /o \
		sh -c 'cat /o/both /o/only1 /o/only2; echo new >/o/new && echo w >/o/both && cat /o/new /o/both'
	setuid_refused "$1" && return 0
	expect_ok "$(printf 'two\nonly1\nonly2\nnew\nw')" || return 1
	[ ! -e "$L1/new" ] && [ ! -e "$L2/new" ] && [ "$(cat "$L2/both")" = two ] ||
		{ diag "a write reached a lower layer"; return 1; }
}
mcase "--tmp-overlay: last source wins, writes stay in the sandbox" t_tmp_overlay

t_rw_overlay() {
	vb_only || return 77
	local up wk
	up=$(mkw upper-$1); wk=$(mkw work-$1)
	run_mode "$1" -- "${SB[@]}" --overlay-src "$L1" --overlay "$up" "$wk" /o \
		sh -c 'echo new >/o/new; echo changed >/o/both; cat /o/only1'
	setuid_refused "$1" && return 0
	expect_ok only1 || return 1
	[ "$(cat "$up/new")" = new ] && [ "$(cat "$up/both")" = changed ] && [ "$(cat "$L1/both")" = one ] ||
		{ diag "upper: $(ls -l "$up")"; return 1; }
}
mcase "--overlay: writes land in the host's upper dir" t_rw_overlay

t_ro_overlay() {
	vb_only || return 77
	run_mode "$1" -- "${SB[@]}" --overlay-src "$L1" --overlay-src "$L2" --ro-overlay /o \
		sh -c 'cat /o/both; (echo x >/o/new) 2>&1 | grep -c "Read-only file system"'
	setuid_refused "$1" && return 0
	expect_ok "$(printf 'two\n1')"
}
mcase "--ro-overlay: a read-only union" t_ro_overlay

t_overlay_escape() {
	vb_only || return 77
	run_mode "$1" -- "${SB[@]}" --overlay-src "$T/fix/odd,dir:x" --overlay-src "$L1" --ro-overlay /o cat /o/f /o/only1
	setuid_refused "$1" && return 0
	expect_ok "$(printf 'odd\nonly1')"
}
mcase "overlay sources with ',' and ':' in their paths" t_overlay_escape

t_overlay_errors() {
	vb_only || return 77
	if [ "$1" = setuid ]; then
		run_mode "$1" -- "${SB[@]}" --tmp-overlay /o true
		expect_fail "The --tmp-overlay option is not permitted in setuid mode" || return 1
		run_mode "$1" -- "${SB[@]}" --ro-overlay /o true
		expect_fail "The --ro-overlay option is not permitted in setuid mode" || return 1
		run_mode "$1" -- "${SB[@]}" --overlay /a /b /o true
		expect_fail "The --overlay option is not permitted in setuid mode"
		return
	fi
	run_mode "$1" -- "${SB[@]}" --tmp-overlay /o true
	expect_fail "--tmp-overlay requires at least one --overlay-src" || return 1
	run_mode "$1" -- "${SB[@]}" --overlay /a /b /o true
	expect_fail "--overlay requires at least one --overlay-src" || return 1
	run_mode "$1" -- "${SB[@]}" --overlay-src "$L1" --ro-overlay /o true
	expect_fail "--ro-overlay requires at least two --overlay-src" || return 1
	run_mode "$1" -- "${SB[@]}" --overlay-src "$L1" --tmpfs /t true
	expect_fail "--overlay-src must be followed by another --overlay-src or one of --overlay, --tmp-overlay, or --ro-overlay" || return 1
	run_mode "$1" -- "${SB[@]}" --overlay-src "$L1" --overlay /a /b
	expect_fail "--overlay takes three arguments" || return 1
	run_mode "$1" -- --tmp-overlay
	expect_fail "--tmp-overlay takes an argument"
}
mcase "overlay argument errors, bwrap's messages" t_overlay_errors

done_testing
