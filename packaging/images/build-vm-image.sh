#!/usr/bin/env bash
# Builds Corral's built-in virtual-machine image from Debian packages (fetched with apt-get download):
#
#   build-vm-image.sh OUTDIR   ->  OUTDIR/busybox-vm.metadata.tar.gz + OUTDIR/busybox-vm.qcow2
#                                  (a split Incus VM image: `incus image import META DISK`)
#
# The disk (GPT) has two partitions:
#   1. an EFI system partition with EFI/BOOT/BOOTX64.EFI, a unified kernel image: systemd's EFI stub
#      (systemd-boot-efi) + Debian's cloud kernel + a small initramfs + the kernel command line. OVMF boots it
#      from the removable-media path without any boot entry.
#   2. an ext4 root (label corral-root) with busybox, qemu-guest-agent and its libraries, busybox init.
# The initramfs loads the virtio/ACPI modules the cloud kernel has as modules and switches to the root partition.
# In the guest: a shell on the serial console (ttyS0, `incus console`), qemu-ga on its virtio port (exec, files),
# busybox acpid turning the ACPI power button into a clean poweroff, /sbin/shutdown for qemu-ga's guest-shutdown.
#
# Nearly reproducible: every timestamp we control is SOURCE_DATE_EPOCH (default: the kernel's mtime), UUIDs, the
# FAT volume id and the ext4 hash seed are fixed, so the root file system and the UEFI image are byte for byte the
# same for the same package versions; only mtools stamps the ESP's directory entries with the current time, so the
# image's fingerprint still differs between builds.
# Downloaded packages are kept in ${CORRAL_IMAGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/corral-images}.
# Needs: apt-get, dpkg-deb, objcopy (binutils), mkfs.ext4 (e2fsprogs), mkfs.vfat (dosfstools), mtools, sfdisk
# (fdisk), qemu-img (qemu-utils), cpio; scripts/install-deps.sh installs them.
set -euo pipefail
export LC_ALL=C

if [ $# -ne 1 ]; then
  echo "usage: $0 OUTDIR" >&2
  exit 2
fi
outdir=$1
name=busybox-vm

die() { echo "build-vm-image: $*" >&2; exit 1; }

for tool in apt-get apt-cache dpkg-deb objcopy mkfs.ext4 debugfs mkfs.vfat mcopy sfdisk qemu-img cpio gzip; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is missing (run scripts/install-deps.sh)"
done
[ "$(dpkg --print-architecture)" = amd64 ] || die "only amd64 hosts are supported"

# --- packages ------------------------------------------------------------------------------------------------------
kernel_pkg=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[0-9].*\)$/\1/p')
kernel_pkg=${kernel_pkg%%$'\n'*}
[ -n "$kernel_pkg" ] || die "apt-cache knows no linux-image-cloud-amd64 (apt-get update?)"
# qemu-guest-agent and the libraries it (and glib) link against.
packages=("$kernel_pkg" busybox-static systemd-boot-efi qemu-guest-agent libc6 libglib2.0-0 libnuma1 libudev1
          liburing2 libpcre2-8-0 libffi8 libmount1 libblkid1 libselinux1)

cache=${CORRAL_IMAGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/corral-images}/debs
mkdir -p "$cache"
declare -A candidate=()
while read -r p v; do candidate[$p]=$v; done < <(apt-cache policy "${packages[@]}" \
  | awk '/^[^ ].*:$/ { sub(":$", ""); p = $0 } /^ *Candidate:/ { print p, $2 }')
want=()
for p in "${packages[@]}"; do
  v=${candidate[$p]:-}
  [ -n "$v" ] && [ "$v" != "(none)" ] || die "no candidate version for $p"
  f=$(compgen -G "$cache/${p}_${v//:/%3a}_*.deb" || true)
  [ -n "$f" ] || want+=("$p=$v")
done
if [ ${#want[@]} -gt 0 ]; then
  echo "build-vm-image: downloading ${want[*]}" >&2
  (cd "$cache" && apt-get download -q "${want[@]}" >&2 2>/dev/null) || die "apt-get download ${want[*]} failed"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/corral-vm-image.XXXXXX")
trap 'rm -rf "$work"' EXIT
umask 022
# The packages' files, extracted once per set of package versions (the kernel's take most of the build time).
debs=()
for p in "${packages[@]}"; do
  v=${candidate[$p]}
  f=$(compgen -G "$cache/${p}_${v//:/%3a}_*.deb")
  debs+=("${f%%$'\n'*}")
done
x=$cache/../tree-$(printf '%s\n' "${debs[@]##*/}" | sort | sha256sum | cut -c1-16)
if [ ! -e "$x/.complete" ]; then
  rm -rf "$x" "$x.tmp"
  mkdir -p "$x.tmp"
  for f in "${debs[@]}"; do dpkg-deb -x "$f" "$x.tmp"; done
  touch "$x.tmp/.complete"
  mv "$x.tmp" "$x"
fi

kver=${kernel_pkg#linux-image-}
vmlinuz=$x/boot/vmlinuz-$kver
[ -f "$vmlinuz" ] || die "the kernel package has no /boot/vmlinuz-$kver"
stub=$x/usr/lib/systemd/boot/efi/linuxx64.efi.stub
[ -f "$stub" ] || die "systemd-boot-efi has no linuxx64.efi.stub"
busybox=$x/bin/busybox
[ -x "$busybox" ] || die "busybox-static has no /bin/busybox"
qga=$x/usr/sbin/qemu-ga
[ -x "$qga" ] || die "qemu-guest-agent has no /usr/sbin/qemu-ga"
bb_version=$("$busybox" 2>&1 | sed -n '1s/^BusyBox v\([0-9][0-9.]*\).*/\1/p' || true)
epoch=${SOURCE_DATE_EPOCH:-$(stat -c %Y "$vmlinuz")}
export SOURCE_DATE_EPOCH=$epoch   # mkfs.vfat, mtools and mke2fs take their timestamps from it

# busybox and its applet links into a tree ($1).
install_busybox() {
  local root=$1 applet dir
  mkdir -p "$root/bin" "$root/sbin" "$root/usr/bin" "$root/usr/sbin"
  install -m 0755 "$busybox" "$root/bin/busybox"
  "$busybox" --list-full | while read -r applet; do
    case "$applet" in bin/busybox | linuxrc | */) continue ;; esac
    dir=${applet%/*}
    [ -e "$root/$applet" ] || [ -L "$root/$applet" ] || ln -s "/bin/busybox" "$root/$applet"
  done
}

# --- kernel modules (the cloud kernel has virtio, ACPI button and evdev as modules) ---------------------------------
moddir=$x/lib/modules/$kver
declare -A modpath=()
while read -r f; do
  b=${f##*/}; b=${b%.ko}; modpath[${b//-/_}]=$f
done < <(find "$moddir" -name '*.ko')
declare -A seen=()
order=()
add_module() {
  local m=${1//-/_} deps d
  [ -n "${seen[$m]:-}" ] && return 0
  seen[$m]=1
  [ -n "${modpath[$m]:-}" ] || die "kernel $kver has no module $m"
  deps=$(objcopy -O binary --only-section=.modinfo "${modpath[$m]}" /dev/stdout | tr '\0' '\n' | sed -n 's/^depends=//p')
  for d in ${deps//,/ }; do add_module "$d"; done
  order+=("$m")
}
for m in virtio_pci virtio_blk virtio_scsi sd_mod sr_mod isofs virtio_console virtio_net virtio_rng virtio_balloon \
         button evdev; do
  add_module "$m"
done

# --- initramfs: load modules, find the root partition, switch to it -------------------------------------------------
initrd=$work/initrd
install_busybox "$initrd"
mkdir -p "$initrd/proc" "$initrd/sys" "$initrd/dev" "$initrd/newroot" "$initrd/modules"
for m in "${order[@]}"; do cp "${modpath[$m]}" "$initrd/modules/$m.ko"; done
printf '%s\n' "${order[@]}" >"$initrd/modules/order"
cat >"$initrd/init" <<'EOF'
#!/bin/sh
# Corral busybox-vm initramfs: modules, then the ext4 root labelled corral-root.
export PATH=/sbin:/bin:/usr/sbin:/usr/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
while read -r m; do insmod "/modules/$m.ko" 2>/dev/null; done </modules/order
i=0
while [ $i -lt 100 ]; do
  root=$(findfs LABEL=corral-root 2>/dev/null) && break
  i=$((i + 1)); sleep 0.1
done
if [ -z "$root" ] || ! mount -t ext4 "$root" /newroot; then
  echo "initramfs: no root partition (LABEL=corral-root); a shell:"
  exec sh
fi
umount /proc /sys
mount --move /dev /newroot/dev 2>/dev/null || umount /dev
exec switch_root /newroot /sbin/init
EOF
chmod 0755 "$initrd/init"
find "$initrd" -exec touch -h -d "@$epoch" {} +
(cd "$initrd" && find . -mindepth 1 | sort | cpio -o -H newc -R 0:0 --quiet --reproducible) | gzip -9 -n >"$work/initrd.img"

# --- the root file system -------------------------------------------------------------------------------------------
root=$work/root
install_busybox "$root"
for d in etc etc/init.d etc/acpi/PWRF root tmp proc sys dev run var var/log var/tmp var/lib home mnt lib64 \
         usr/lib/x86_64-linux-gnu; do
  mkdir -p "$root/$d"
done
chmod 0700 "$root/root"
chmod 1777 "$root/tmp" "$root/var/tmp"
ln -s ../run "$root/var/run"
install -m 0755 "$qga" "$root/usr/sbin/qemu-ga"

# The shared-library closure of qemu-ga, from the extracted packages only.
declare -A libdone=()
copy_libs() {
  local elf=$1 lib src
  for lib in $(readelf -d "$elf" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
    [ -n "${libdone[$lib]:-}" ] && continue
    libdone[$lib]=1
    src=""
    for d in lib/x86_64-linux-gnu usr/lib/x86_64-linux-gnu; do
      [ -e "$x/$d/$lib" ] && { src=$x/$d/$lib; break; }
    done
    [ -n "$src" ] || die "no package provides $lib (needed by ${elf##*/})"
    cp -L "$src" "$root/usr/lib/x86_64-linux-gnu/$lib"
    copy_libs "$src"
  done
}
copy_libs "$qga"
cp -L "$x/lib64/ld-linux-x86-64.so.2" "$root/lib64/ld-linux-x86-64.so.2"
ln -s usr/lib "$root/lib"

cat >"$root/etc/inittab" <<'EOF'
# busybox init (Corral busybox-vm)
::sysinit:/etc/init.d/rcS
::respawn:/etc/init.d/qemu-ga
::askfirst:-/bin/sh
::shutdown:/etc/init.d/rcK
::ctrlaltdel:/sbin/reboot
EOF
cat >"$root/etc/init.d/rcS" <<'EOF'
#!/bin/sh
PATH=/usr/sbin:/usr/bin:/sbin:/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
grep -q ' /dev ' /proc/mounts || mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts -o gid=5,mode=620 devpts /dev/pts
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /dev/shm
mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /run
mount -o remount,rw /
[ -s /etc/hostname ] && hostname -F /etc/hostname
ip link set lo up 2>/dev/null
acpid -c /etc/acpi
for n in /sys/class/net/*; do
  i=${n##*/}
  [ "$i" = lo ] && continue
  ip link set "$i" up 2>/dev/null
  udhcpc -b -q -i "$i" >/dev/null 2>&1 &
done
echo "busybox-vm: up"
exit 0
EOF
cat >"$root/etc/init.d/qemu-ga" <<'EOF'
#!/bin/sh
# qemu-guest-agent on the virtio port named org.qemu.guest_agent.0 (busybox has no udev to make the link).
PATH=/usr/sbin:/usr/bin:/sbin:/bin
for p in /sys/class/virtio-ports/*; do
  [ "$(cat "$p/name" 2>/dev/null)" = org.qemu.guest_agent.0 ] || continue
  exec qemu-ga -m virtio-serial -p "/dev/${p##*/}" -f /run/qemu-ga.pid -t /run
done
sleep 5
EOF
cat >"$root/etc/init.d/rcK" <<'EOF'
#!/bin/sh
sync
exit 0
EOF
cat >"$root/etc/acpi/PWRF/00000080" <<'EOF'
#!/bin/sh
poweroff
EOF
# qemu-ga's guest-shutdown runs /sbin/shutdown -h|-r -P +0 "...".
rm -f "$root/sbin/shutdown"
cat >"$root/sbin/shutdown" <<'EOF'
#!/bin/sh
case " $* " in
  *" -r "*) exec reboot ;;
  *" -H "*) exec halt ;;
  *) exec poweroff ;;
esac
EOF
chmod 0755 "$root/etc/init.d/rcS" "$root/etc/init.d/qemu-ga" "$root/etc/init.d/rcK" "$root/etc/acpi/PWRF/00000080" \
  "$root/sbin/shutdown"
cat >"$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat >"$root/etc/group" <<'EOF'
root:x:0:
tty:x:5:
nogroup:x:65534:
EOF
echo "$name" >"$root/etc/hostname"
printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$root/etc/hosts"
: >"$root/etc/resolv.conf"
printf 'export PATH=/usr/sbin:/usr/bin:/sbin:/bin\nexport PS1='"'"'\\h:\\w\\$ '"'"'\n' >"$root/etc/profile"
ln -s ../proc/self/mounts "$root/etc/mtab"
printf 'NAME=busybox-vm\nID=busybox\nVERSION_ID=%s\nPRETTY_NAME="BusyBox %s (Corral VM)"\n' "$bb_version" \
  "$bb_version" >"$root/etc/os-release"

# --- unified kernel image on an EFI system partition ---------------------------------------------------------------
cmdline="console=ttyS0 quiet loglevel=3 mitigations=off"
printf '%s' "$cmdline" >"$work/cmdline"
ksize=$(stat -c %s "$vmlinuz")
[ "$ksize" -lt $((0x1000000)) ] || die "kernel is over 16 MiB"
objcopy \
  --add-section .osrel="$root/etc/os-release" --change-section-vma .osrel=0x20000 \
  --add-section .cmdline="$work/cmdline" --change-section-vma .cmdline=0x30000 \
  --add-section .linux="$vmlinuz" --change-section-vma .linux=0x2000000 \
  --add-section .initrd="$work/initrd.img" --change-section-vma .initrd=0x3000000 \
  "$stub" "$work/BOOTX64.EFI"

esp_mib=32 root_mib=96
esp=$work/esp.img
mkfs.vfat -C -n CORRAL-ESP -i 0c0a0a11 "$esp" $((esp_mib * 1024)) >/dev/null
export MTOOLS_SKIP_CHECK=1
# Copied as a tree with its times kept (-s -m): directories made by mmd would carry the current time.
mkdir -p "$work/esp/EFI/BOOT"
cp "$work/BOOTX64.EFI" "$work/esp/EFI/BOOT/BOOTX64.EFI"
find "$work/esp" -exec touch -h -d "@$epoch" {} +
mcopy -s -m -i "$esp" "$work/esp/EFI" ::/

find "$root" -exec touch -h -d "@$epoch" {} +
rootimg=$work/root.img
E2FSPROGS_FAKE_TIME=$epoch mkfs.ext4 -q -F -L corral-root -U 6c0e1b2a-58f1-4d3c-9a57-0c0a0a110002 \
  -E root_owner=0:0,hash_seed=6c0e1b2a-58f1-4d3c-9a57-0c0a0a110003 -O ^has_journal -d "$root" "$rootimg" "${root_mib}M" \
  >/dev/null 2>&1 || die "mkfs.ext4 -d failed"
# mke2fs -d copies each file's ctime, which touch cannot pin: set it in the image (debugfs, one batch).
(cd "$root" && find . | sed 's#^\.#/#; s#^//#/#' | while read -r f; do printf 'sif "%s" ctime @%s\n' "$f" "$epoch"; done) \
  >"$work/ctimes"
E2FSPROGS_FAKE_TIME=$epoch debugfs -w -f "$work/ctimes" "$rootimg" >/dev/null 2>&1 || die "debugfs could not pin the inode times"

raw=$work/disk.raw
truncate -s $(((1 + esp_mib + root_mib + 1) * 1024 * 1024)) "$raw"
sfdisk -q "$raw" <<EOF >/dev/null
label: gpt
label-id: 6C0E1B2A-58F1-4D3C-9A57-0C0A0A110000
start=2048, size=$((esp_mib * 2048)), type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, name="esp", uuid=6C0E1B2A-58F1-4D3C-9A57-0C0A0A110010
start=$((2048 + esp_mib * 2048)), size=$((root_mib * 2048)), type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name="root", uuid=6C0E1B2A-58F1-4D3C-9A57-0C0A0A110011
EOF
dd if="$esp" of="$raw" bs=1M seek=1 conv=notrunc status=none
dd if="$rootimg" of="$raw" bs=1M seek=$((1 + esp_mib)) conv=notrunc status=none

# --- the split image -----------------------------------------------------------------------------------------------
mkdir -p "$work/meta" "$outdir"
cat >"$work/meta/metadata.yaml" <<EOF
architecture: x86_64
creation_date: $epoch
properties:
  architecture: x86_64
  os: busybox
  release: "$bb_version"
  variant: vm
  description: "BusyBox $bb_version VM (Corral built-in, Debian kernel $kver)"
templates: {}
EOF
tmp_disk=$(mktemp "$outdir/.$name.qcow2.XXXXXX")
qemu-img convert -q -f raw -O qcow2 "$raw" "$tmp_disk"
tmp_meta=$(mktemp "$outdir/.$name.metadata.tar.gz.XXXXXX")
tar -C "$work/meta" --sort=name --format=gnu --numeric-owner --owner=0 --group=0 --mtime="@$epoch" \
    -cf - metadata.yaml | gzip -9 -n >"$tmp_meta"
chmod 0644 "$tmp_disk" "$tmp_meta"
mv -f "$tmp_disk" "$outdir/$name.qcow2"
mv -f "$tmp_meta" "$outdir/$name.metadata.tar.gz"
fp=$(cat "$outdir/$name.metadata.tar.gz" "$outdir/$name.qcow2" | sha256sum | cut -d' ' -f1)
echo "$outdir/$name.metadata.tar.gz $outdir/$name.qcow2 $fp busybox-vm $bb_version x86_64"
