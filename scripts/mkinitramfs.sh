#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# mkinitramfs.sh: assemble the guest initramfs: busybox, our init, and the modules it needs.
#
# usage: mkinitramfs.sh OUT.cpio MODDIR
#   MODDIR is a /lib/modules/<release> directory (with modules.dep).
# The modules are resolved through MODDIR/modules.dep (each entry lists its
# whole dependency closure; loading the list from its end first is the
# order modprobe uses), so a kernel that builds something in, or names its
# modules differently, needs no change here. Soft dependencies that
# modules.dep cannot express (ext4 asks the crypto API for crc32c at mount
# time) are named explicitly.
set -eu

out=$1
moddir=$2
here=$(cd "$(dirname "$0")" && pwd)

# What the guest needs: virtio-pci and 9p (host root and the result share),
# overlayfs (a writable /tmp that still shows the host's),
# null_blk (block workloads), nvdimm/pmem (fsdax), ext4 and its crc32c.
# Optional ones may be missing on a custom kernel: the workloads that need
# them then report "unsupported" with the reason.
REQUIRED="virtio_pci 9pnet_virtio 9p"
OPTIONAL_FIRST="overlay"
OPTIONAL="null_blk nd_e820 nd_pmem nd_btt dax_pmem ext4 crc32c_generic"

[ -f "$moddir/modules.dep" ] || { echo "mkinitramfs: $moddir/modules.dep not found" >&2; exit 1; }
busybox=$(command -v busybox || true)
[ -n "$busybox" ] || { echo "mkinitramfs: busybox not found (apt-get install busybox-static)" >&2; exit 1; }
if ldd "$busybox" >/dev/null 2>&1; then
	echo "mkinitramfs: $busybox is dynamically linked; install busybox-static" >&2
	exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin" "$work/lib/modules" "$work/proc" "$work/sys" "$work/dev" "$work/host" "$work/tmp"
cp "$busybox" "$work/bin/busybox"
cp "$here/guest-init.sh" "$work/init"
chmod 755 "$work/init"

# modules.dep lines look like "kernel/fs/ext4/ext4.ko: dep1.ko dep2.ko".
# Module names treat '-' and '_' alike.
dep_line() {
	name=$(echo "$1" | tr '_' '-')
	name2=$(echo "$1" | tr '-' '_')
	grep -E "(^|/)($name|$name2)\.ko(\.xz|\.zst|\.gz)?:" "$moddir/modules.dep" | head -n 1
}
is_builtin() {
	[ -f "$moddir/modules.builtin" ] || return 1
	name=$(echo "$1" | tr '_' '-')
	name2=$(echo "$1" | tr '-' '_')
	grep -qE "(^|/)($name|$name2)\.ko$" "$moddir/modules.builtin"
}

order=""
add_path() {
	case " $order " in *" $1 "*) return ;; esac
	order="$order $1"
}
resolve() {
	line=$(dep_line "$1")
	if [ -z "$line" ]; then
		is_builtin "$1" && return 0
		return 1
	fi
	mod=${line%%:*}
	deps=${line#*:}
	rev=""
	for d in $deps; do rev="$d $rev"; done
	for d in $rev; do add_path "$d"; done
	add_path "$mod"
}

for m in $REQUIRED; do
	resolve "$m" || { echo "mkinitramfs: required module $m is neither built in nor in $moddir" >&2; exit 1; }
done
# What init needs before it can mount anything is loaded first; the rest
# (modules.later) loads beside the mounts, and init waits for it before
# the host's program runs.
for m in $OPTIONAL_FIRST; do
	resolve "$m" || echo "mkinitramfs: note: module $m not available for this kernel" >&2
done
nfirst=$(echo $order | wc -w)
for m in $OPTIONAL; do
	resolve "$m" || echo "mkinitramfs: note: module $m not available for this kernel" >&2
done

: > "$work/modules.load"
: > "$work/modules.later"
n=0
for p in $order; do
	base=$(basename "$p")
	case "$base" in
	*.ko.xz)  xz -dc "$moddir/$p" > "$work/lib/modules/${base%.xz}" ;;
	*.ko.zst) zstd -qdc "$moddir/$p" > "$work/lib/modules/${base%.zst}" ;;
	*.ko.gz)  gzip -dc "$moddir/$p" > "$work/lib/modules/${base%.gz}" ;;
	*)        cp "$moddir/$p" "$work/lib/modules/$base" ;;
	esac
	base=${base%.xz}; base=${base%.zst}; base=${base%.gz}
	# Without debug information and without the distribution's signature:
	# checking a signature is emulated RSA and SHA-512 work, 0.4 s of a
	# boot under TCG. An unsigned module taints the kernel (E), as
	# pinbench.ko does anyway (O, E); nothing is enforced on these kernels.
	strip --strip-debug "$work/lib/modules/$base"
	n=$((n + 1))
	list=modules.load
	[ "$n" -le "$nfirst" ] || list=modules.later
	# Load-time parameters: null_blk creates no device at boot; workloads
	# make theirs through configfs with the parameters they need.
	case "$base" in
	null_blk.ko) echo "$base nr_devices=0" ;;
	*)           echo "$base" ;;
	esac >> "$work/$list"
done

# Uncompressed: unpacking is cheaper than inflating under TCG.
# Reproducible: the same bytes from the same inputs (inodes renumbered, no
# device numbers, every time stamp 0). The kernel unpacks it beside its
# own start-up, so in deterministic mode a different inode or date would
# move everything after it (seen: two runs' first differing line at
# 0.59 s of the boot, with nothing else different).
find "$work" -exec touch -h -d @0 {} +
(cd "$work" && find . | LC_ALL=C sort | cpio -o -H newc --quiet --reproducible) > "$out.tmp"
mv "$out.tmp" "$out"
