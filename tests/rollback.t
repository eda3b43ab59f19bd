#!/bin/bash
# Rollback: make every setup step fail in turn (the fault-injection build,
# $VB_FAULT) and prove each failure leaves nothing behind: status 1, one
# message line, the command never ran, no process, the caller's mounts,
# files in the temp dirs and our fds unchanged.
. "$(dirname "$0")/lib.sh"

# lib.sh copied it into the scratch tree (the original may be hidden now).
if [ ! -x "$T/bin/vb-fault" ]; then
	skip "no fault-injection build at $VB_FAULT" "rollback"
	exit 0
fi
set_vb "$T/bin/vb-fault"

echo data >"$T/fix/data"; chmod 644 "$T/fix/data"

# rb_args MODE DIR: a representative command line; DIR is bound at the same
# path inside, so steps after pivot_root can still append to the log there.
rb_args() {
	local d=$2 sz=(--size 65536)
	[ "$1" = setuid ] && sz=()   # refused in setuid mode
	RB_ARGS=("${SB[@]}" --unshare-all --die-with-parent "${sz[@]}" --tmpfs /tmp --dir /a/b --perms 0600 --file 5 /a/f
		--symlink /a /l --bind "$d" "$d" --ro-bind "$T/fix" /fix --remount-ro /fix --lock-file "$d/lock"
		--proc /proc --dev /dev --mqueue /dev/mqueue --hostname rb --setenv X y --chdir /a
		--info-fd 3 --json-status-fd 4 sh -c "echo ran >$d/ran")
}

rb_dir() {
	local d; d=$(mkw rb-$1)
	chmod 777 "$d"; : >"$d/lock"; chmod 666 "$d/lock"
	echo "$d"
}

# steps MODE DIR: the "N" of every step a successful run reaches, in order.
steps() {
	rm -f "$2/log"
	VB_FAULT_LOG=$2/log run_mode "$1" -- "${RB_ARGS[@]}" 3>"$T/io/info" 4>"$T/io/json" 5<"$T/fix/data"
	if [ "$rc" != 0 ] || [ ! -e "$2/ran" ]; then
		diag "the unfaulted run failed"; show_run; return 1
	fi
	awk '{print $1}' "$2/log" | sort -n -u
}

for_mode() {
	local m=$1 d n list step bad=0 count=0 more
	d=$(rb_dir "$m")
	rb_args "$m" "$d"
	if ! list=$(steps "$m" "$d"); then
		printf '%s\n' "$list"
		not_ok "rollback [$m]: the unfaulted run succeeds and logs its steps"
		return
	fi
	ok "rollback [$m]: the unfaulted run succeeds and logs $(echo $list | wc -w) steps"
	# Steps nobody logged (a process that could not reach the log) follow
	# the last logged number of each series: probe on until a run succeeds.
	more=
	for n in $(printf '%s\n' $list | awk '{s=int($1/1000); last[s]=$1} END {for (k in last) print last[k]}'); do
		for step in $(seq $((n + 1)) $((n + 30))); do
			rm -f "$d/ran"
			VB_FAULT_STEP=$step run_mode "$m" -- "${RB_ARGS[@]}" 3>"$T/io/info" 4>"$T/io/json" 5<"$T/fix/data"
			[ "$rc" = 0 ] && break
			more="$more $step"
		done
	done
	[ -z "$more" ] || diag "[$m] steps past the log: $more"
	for step in $list $more; do
		rm -f "$d/ran" "$d/log"
		residue_snap
		VB_FAULT_STEP=$step run_mode "$m" -- "${RB_ARGS[@]}" 3>"$T/io/info" 4>"$T/io/json" 5<"$T/fix/data"
		count=$((count + 1))
		if [ "$rc" != 1 ] || [ -n "$out" ] || [ "$(printf '%s\n' "$err" | wc -l)" != 1 ] ||
			! printf '%s' "$err" | grep -q "^$PROG: "; then
			diag "step $step ($(grep "^$step " "$d/log" 2>/dev/null | cut -d' ' -f3)): want status 1 and one '$PROG: ' line"
			show_run; bad=$((bad + 1)); continue
		fi
		if [ -e "$d/ran" ]; then
			diag "step $step: the command ran although setup failed"; bad=$((bad + 1)); continue
		fi
		residue_check || { diag "step $step left the above behind ($err)"; bad=$((bad + 1)); }
	done
	if [ $bad = 0 ]; then
		ok "rollback [$m]: each of $count failing steps leaves no residue"
	else
		not_ok "rollback [$m]: $bad of $count failing steps misbehaved"
	fi
}
for m in $MODES; do
	if mode_available "$m"; then
		for_mode "$m"
	else
		skip "${MODE_SKIP[$m]}" "rollback [$m]"; skip "${MODE_SKIP[$m]}" "rollback [$m]"
	fi
done

# An injected failure reports the errno the fault stands for (EIO), not
# whatever errno an earlier call left behind.
t_fault_errno() {
	local d step name
	d=$(rb_dir errno-$1)
	for name in net-loopback net-setns; do
		local -a args=("${SB[@]}" --net none true)
		[ "$name" = net-setns ] && args=("${SB[@]}" --net ns:/proc/self/ns/net true)
		[ "$name" = net-setns ] && [ "$1" != root ] && continue
		rm -f "$d/log"
		VB_FAULT_LOG=$d/log run_mode "$1" -- "${args[@]}"
		step=$(awk -v n="$name" '$3 == n { print $1; exit }' "$d/log" 2>/dev/null)
		[ -n "$step" ] || { diag "no $name step logged"; show_run; return 1; }
		VB_FAULT_STEP=$step run_mode "$1" -- "${args[@]}"
		expect_rc 1 && expect_err_like ': Input/output error$' || { diag "at $name"; return 1; }
	done
}
mcase "an injected network fault reports EIO, not a stale errno" t_fault_errno

done_testing
