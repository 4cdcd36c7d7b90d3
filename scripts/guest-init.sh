#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
# guest-init.sh: PID 1 of the pinbench guest: modules, 9p shares, pinbench.ko, then the host's command.
#
# The host passes what to do in guest.conf on the writable share:
#   PB_CMD    run | test | shell
#   PB_KO     absolute host path of pinbench.ko
#   PB_EXEC   absolute host path of the program to run (run/test)
# and its arguments in guest.args, one per line (so spaces survive).
#   PB_CWD    directory the shell starts in
# Everything the guest runs comes from the host root (read-only 9p) through
# chroot, as virtme does, so host binaries (fio, ndctl, our own) run as is.
/bin/busybox --install -s /bin
export PATH=/bin
# The boot timeline (results.json run.boot_timeline): each stage's guest uptime, on the console.
stage() { read -r up _ < /proc/uptime; echo "PINBENCH-STAGE $1 $up"; }
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
# Every sysrq key: before it stops a hung guest, the host asks through the
# emulated keyboard where its tasks wait (sysrq-w, sysrq-t; bench/host/vm.c).
echo 1 > /proc/sys/kernel/sysrq
stage init

say() { echo "pinbench-init: $*"; }
finish() {
	sync
	poweroff -f
	sleep 5
}

load_modules() {
	while read -r m args; do
		# shellcheck disable=SC2086
		insmod "/lib/modules/$m" $args || say "insmod $m failed"
	done < "$1"
}
# What the mounts need, then the rest (null_blk, pmem, ext4) beside them:
# the host's program starts only once both are in.
load_modules /modules.load
stage modules
load_modules /modules.later &
later=$!

if grep -q 'pinbench.probe' /proc/cmdline; then
	echo "PINBENCH-PROBE-OK"
	finish
fi

# writable_over DIR MODE: the host's DIR under a writable overlay.
writable_over() {
	mkdir -p "/scratch$1/upper" "/scratch$1/work"
	chmod "$2" "/scratch$1/upper"
	mount -t overlay overlay -o "lowerdir=/host$1,upperdir=/scratch$1/upper,workdir=/scratch$1/work" "/host$1" && return
	say "no overlayfs: the guest's $1 is empty, host files under $1 are not visible"
	mount -t tmpfs -o "mode=$2" tmpfs "/host$1"
}

# The host root over 9p (read-only) and the result share (writable).
mount_host() {
	mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose,msize=262144 hostroot /host || {
		say "cannot mount the host root over 9p"; finish; }
	stage hostroot
	# /tmp and /run must be writable in the guest, yet what the host has
	# there must stay visible: a clone (CI's, say) may live under either.
	# An overlay gives both; a kernel without overlayfs gets a plain tmpfs
	# and is told what it hides.
	writable_over /tmp 1777
	writable_over /run 0755
	mkdir -p "$share"
	mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 share "$share" || {
		say "cannot mount the result share"; finish; }
	stage share
}

# Sealed (deterministic runs; bench/host/seal.c): the host put the share's
# inputs under /pinbench-seal and the files the program runs under
# /sealroot at their host paths; nothing goes over 9p, and each share file
# the host reads goes back over ttyS1 too ("PBFILE <name> <length>").
# /sealroot is part of the initramfs's root, which is writable already:
# /tmp and /run are made, never mounted over, since the host files under
# them (a checkout in /tmp, say) are in the archive at their host paths.
seal_root() {
	for d in proc sys dev tmp run; do mkdir -p "$root/$d"; done
	chmod 1777 "$root/tmp"
	mkdir -p "$share"
	cp -r /pinbench-seal/. "$share/"
	stty -F "$channel" raw -echo || { say "no $channel for the sealed guest's results"; finish; }
	stage sealed
}

if [ -r /pinbench-seal/guest.conf ]; then
	root=/sealroot channel=/dev/ttyS1
	share=$root/run/pinbench
	seal_root
else
	root=/host channel=
	share=$root/run/pinbench
	mount_host
fi
mount -t proc proc "$root/proc"
mount -t sysfs sysfs "$root/sys"
mount -t devtmpfs devtmpfs "$root/dev"
mount -t debugfs debugfs "$root/sys/kernel/debug" 2>/dev/null
# cgroup v2, for cells that reclaim under a cgroup's memory.high (mm_churn source=reclaim).
mount -t cgroup2 cgroup2 "$root/sys/fs/cgroup" 2>/dev/null

# Test hook (make check): the first boot of a share hangs before PINBENCH-READY, as QEMU 7.2's
# multi-threaded TCG once hung a boot under load; the host must boot again.
if [ -z "$channel" ] && grep -q 'pinbench.test_hang_boot=1' /proc/cmdline && [ ! -e "$share/hang-once" ]; then
	: > "$share/hang-once"
	say "pinbench.test_hang_boot=1: this boot hangs before the guest is ready (a test)"
	while :; do sleep 3600; done
fi

# shellcheck disable=SC1091
. "$share/guest.conf"

status() {
	echo "$1" > "$share/$2.tmp" && mv "$share/$2.tmp" "$share/$2"
	[ -z "$channel" ] || printf 'PBFILE %s %d\n%s\n\n' "$2" $((${#1} + 1)) "$1" > "$channel"
}

# The program and its libraries into the page cache while the modules load (session.c).
if [ -r "$share/guest.preload" ]; then
	(while IFS= read -r f; do cat "$root$f" > /dev/null; done < "$share/guest.preload") 2> /dev/null &
fi
if ! insmod "$root$PB_KO"; then
	say "insmod $PB_KO failed"
	status "insmod failed" init-error
	finish
fi
wait $later
stage modules_later
echo "PINBENCH-READY uptime=$(cut -d' ' -f1 /proc/uptime)"

export HOME=/root TERM=${TERM:-linux} PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
case "$PB_CMD" in
shell)
	echo "pinbench shell: /dev/pinbench is loaded; the host root is / (read-only), /tmp is writable; 'exit' powers off"
	# No login profile: the host's would run against a read-only root.
	setsid cttyhack chroot "$root" /bin/sh -c \
		"cd '${PB_CWD:-/}' && PS1='pinbench-guest:\\w# ' exec bash --norc --noprofile -i"
	rc=$?
	;;
run|test)
	set --
	while IFS= read -r a; do
		set -- "$@" "$a"
	done < "$share/guest.args"
	PINBENCH_CHANNEL=$channel chroot "$root" "$PB_EXEC" "$@"
	rc=$?
	;;
*)
	say "unknown PB_CMD '$PB_CMD'"
	rc=2
	;;
esac
status "$rc" exit-status

# Unloading must work once every file is closed; a failure is a verdict.
if rmmod pinbench; then
	status ok unload
else
	status failed unload
fi
finish
