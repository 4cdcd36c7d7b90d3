#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# extract-vmlinux.sh: the kernel ELF inside an x86 bzImage, for QEMU's PVH boot.
#
# usage: extract-vmlinux.sh BZIMAGE OUT
#   exit 0: OUT is the kernel's ELF image and it has a PVH entry point
#           (CONFIG_PVH: the Xen note XEN_ELFNOTE_PHYS32_ENTRY, 18)
#   exit 1: it cannot be used (no PVH entry, a compression not handled
#           here, not a bzImage); OUT is not written, boot the bzImage.
#
# Why: under TCG, a bzImage spends most of its time before the kernel runs
# decompressing itself in emulated code (6.4 s of a 13 s boot for Debian's
# xz-compressed 6.1, measured on a 2-core EPYC host). QEMU boots an ELF
# with a PVH note directly (-kernel vmlinux): the decompression runs once,
# here, natively. The payload's place is in the boot protocol's header
# (2.08+): setup_sects at 0x1f1, payload_offset at 0x248, payload_length at
# 0x24c; the payload is the compressed vmlinux.bin (an ELF stripped with
# objcopy -S) followed by its 4-byte decompressed size. Like the
# decompressor it replaces, a PVH boot does not randomise the kernel's
# address (no KASLR), which deterministic mode wants anyway.
set -eu
in=$1
out=$2

u8() { od -An -tu1 -j "$1" -N1 "$in" | tr -d ' '; }
u32() { od -An -tu4 -j "$1" -N4 "$in" | tr -d ' '; }

[ "$(od -An -c -j 0x202 -N4 "$in" | tr -d ' ')" = "HdrS" ] || { echo "$in: not a bzImage" >&2; exit 1; }
setup=$(u8 0x1f1)
[ "$setup" -ne 0 ] || setup=4
off=$(u32 0x248)
len=$(u32 0x24c)
start=$(((setup + 1) * 512 + off))
magic=$(od -An -tx1 -j "$start" -N4 "$in" | tr -d ' ')
case $magic in
fd377a58) dec="xz -dc --single-stream" ;;
28b52ffd) dec="zstd -dcq" ;;
1f8b*) dec="gzip -dc" ;;
*) echo "$in: payload compressed as '$magic', not xz, zstd or gzip" >&2; exit 1 ;;
esac
tmp=$out.tmp.$$
trap 'rm -f "$tmp"' EXIT
# shellcheck disable=SC2086
tail -c +$((start + 1)) "$in" | head -c $((len - 4)) | $dec > "$tmp" 2>/dev/null || {
	echo "$in: the payload does not decompress" >&2; exit 1; }
[ "$(od -An -c -N4 "$tmp" | tr -d ' ')" = "177ELF" ] || { echo "$in: the payload is not an ELF" >&2; exit 1; }
readelf -n "$tmp" 2>/dev/null | grep -q 'Xen.*(0x00000012)' ||
	{ echo "$in: no PVH entry point (CONFIG_PVH is off)" >&2; exit 1; }
mv "$tmp" "$out"
trap - EXIT
