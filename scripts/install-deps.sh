#!/usr/bin/env bash
# Installs, from Debian's packages, what Corral needs to build, run and be tested. Idempotent; needs root.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

# What corrald and its build need (Java, Maven, liblxc, busybox for the built-in image), from bookworm,
# and the lxc 5.0 CLI the tests also drive.
packages=(openjdk-17-jdk-headless maven curl jq lxd-client lxc busybox-static)
# Virtual machines: libvirt's plain daemons (not libvirt-daemon-system, which would make systemd init), QEMU, UEFI
# firmware, a TPM emulator, and what packaging/images/build-vm-image.sh builds the busybox-vm image with.
packages+=(libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients qemu-system-x86 qemu-utils ovmf swtpm swtpm-tools
           mtools dosfstools fdisk e2fsprogs binutils cpio)
# What the tests drive corrald with, from bookworm-backports: the real incus CLI.
backports=(incus-client)
# tmux: a real terminal for the tests of incus console and incus exec -t.
packages+=(tmux)
# genisoimage: ISO images for the tests of CD-ROMs in VMs.
packages+=(genisoimage)
# libxml2-utils: xmllint, which virt-xml-validate runs (the domain XML tests check against libvirt's schema).
packages+=(libxml2-utils)
# nftables: the NAT rules of VM proxy devices.
packages+=(nftables)

# Unprivileged containers map their ids into root's subordinate range (as Incus's package sets up).
for f in /etc/subuid /etc/subgid; do
  grep -qs '^root:' "$f" || echo 'root:1000000:1000000000' >> "$f"
done

missing=()
for p in "${packages[@]}" "${backports[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

export DEBIAN_FRONTEND=noninteractive
bash "$here/enable-backports.sh"
apt-get update -q
apt-get install -y -q --no-install-recommends "${packages[@]}"
apt-get install -y -q --no-install-recommends -t bookworm-backports "${backports[@]}"
