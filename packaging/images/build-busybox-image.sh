#!/usr/bin/env bash
# Builds Corral's built-in container image from Debian's busybox-static package:
#
#   build-busybox-image.sh OUTDIR      ->  OUTDIR/busybox.tar.gz (a unified Incus image)
#
# The image holds metadata.yaml, templates/ (hostname, hosts) and rootfs/ with /bin/busybox, its applet links
# (relative, so they never point at the host's files), busybox init with a small inittab, and the usual /etc files.
#
# Reproducible: for one busybox-static package version the output is byte for byte the same (sorted entries, owner
# 0:0, every mtime and creation_date = SOURCE_DATE_EPOCH, default: the busybox binary's mtime from the package;
# gzip -n), so its fingerprint (sha256) is stable across builds and machines.
#
# Needs root only when busybox-static is not installed (it then installs it with apt-get).
set -euo pipefail
export LC_ALL=C

if [ $# -ne 1 ]; then
  echo "usage: $0 OUTDIR" >&2
  exit 2
fi
outdir=$1

die() { echo "build-busybox-image: $*" >&2; exit 1; }

# --- busybox-static, from Debian's package only --------------------------------------------------------------------
status=$(dpkg-query -W -f='${Status}' busybox-static 2>/dev/null || true)
if [ "$status" != "install ok installed" ]; then
  [ "$(id -u)" -eq 0 ] || die "busybox-static is not installed and installing it needs root"
  echo "build-busybox-image: installing busybox-static" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q --no-install-recommends busybox-static >&2 \
    || { apt-get update -q >&2 && apt-get install -y -q --no-install-recommends busybox-static >&2; } \
    || die "cannot install busybox-static"
fi
# (No `| head` in pipelines: with pipefail, the writer's SIGPIPE would fail the script.)
busybox=$(dpkg -L busybox-static | grep -E '^/(usr/)?bin/busybox$' || true)
busybox=${busybox%%$'\n'*}
if [ -z "$busybox" ] || [ ! -x "$busybox" ]; then
  die "busybox-static is installed but its busybox binary is missing"
fi
"$busybox" --list-full >/dev/null 2>&1 || die "$busybox cannot list its applets (not a busybox binary?)"

banner=$("$busybox" 2>&1 || true)
version=$(printf '%s\n' "$banner" | sed -n '1s/^BusyBox v\([0-9][0-9.]*\).*/\1/p')
[ -n "$version" ] || die "cannot read the busybox version from $busybox"

case "$(dpkg --print-architecture)" in
  amd64) arch=x86_64 ;;
  arm64) arch=aarch64 ;;
  i386) arch=i686 ;;
  armhf) arch=armv7l ;;
  ppc64el) arch=ppc64le ;;
  s390x) arch=s390x ;;
  riscv64) arch=riscv64 ;;
  *) die "unsupported architecture $(dpkg --print-architecture)" ;;
esac

epoch=${SOURCE_DATE_EPOCH:-$(stat -c %Y "$busybox")}

# --- the tree ------------------------------------------------------------------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/corral-busybox.XXXXXX")
trap 'rm -rf "$work"' EXIT
umask 022
img=$work/image
root=$img/rootfs

for d in bin sbin usr/bin usr/sbin etc etc/init.d root tmp proc sys dev run var var/log var/tmp home mnt \
         usr/share/udhcpc; do
  mkdir -p "$root/$d"
done
chmod 0700 "$root/root"
chmod 1777 "$root/tmp" "$root/var/tmp"
ln -s ../run "$root/var/run"

install -m 0755 "$busybox" "$root/bin/busybox"

# Applet links, relative to the link's directory: bin/ls -> busybox, usr/bin/wc -> ../../bin/busybox.
"$busybox" --list-full | sort | while read -r applet; do
  case "$applet" in
    bin/busybox | linuxrc | */) continue ;;
  esac
  dir=${applet%/*}
  [ "$dir" = "$applet" ] && continue
  if [ "$dir" = bin ]; then
    target=busybox
  else
    # shellcheck disable=SC2001 # one ".." per directory level
    target=$(echo "$dir" | sed 's#[^/][^/]*#..#g')/bin/busybox
  fi
  [ -e "$root/$applet" ] || [ -L "$root/$applet" ] || ln -s "$target" "$root/$applet"
done
[ -L "$root/sbin/init" ] || die "busybox has no init applet"

cat >"$root/etc/inittab" <<'EOF'
# busybox init (Corral built-in image). init stays running and reaps orphans.
::sysinit:/etc/init.d/rcS
# A shell on the console (incus console), after Enter is pressed.
::askfirst:-/bin/sh
# halt/poweroff/reboot (SIGUSR1/SIGUSR2/SIGTERM to init) run this, then init kills everything and stops.
::shutdown:/etc/init.d/rcK
::ctrlaltdel:/sbin/reboot
EOF

cat >"$root/etc/init.d/rcS" <<'EOF'
#!/bin/sh
# Mounts what the container manager has not mounted, names the host, brings the network up.
PATH=/usr/sbin:/usr/bin:/sbin:/bin
mounted() { grep -q " $1 " /proc/mounts 2>/dev/null; }
mounted /proc || mount -t proc proc /proc
mounted /sys || mount -t sysfs sysfs /sys 2>/dev/null
mounted /run || mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /run
mkdir -p /dev/pts /dev/shm
mounted /dev/shm || mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /dev/shm 2>/dev/null
[ -s /etc/hostname ] && hostname -F /etc/hostname
ip link set lo up 2>/dev/null
if [ -e /sys/class/net/eth0 ]; then
  ip link set eth0 up 2>/dev/null
  udhcpc -b -q -i eth0 -s /usr/share/udhcpc/default.script >/dev/null 2>&1 &
fi
exit 0
EOF

cat >"$root/etc/init.d/rcK" <<'EOF'
#!/bin/sh
# Runs at halt/poweroff/reboot; init then sends TERM and KILL to what is left.
sync
exit 0
EOF

cat >"$root/usr/share/udhcpc/default.script" <<'EOF'
#!/bin/sh
# udhcpc event script: configures the interface, the default route and resolv.conf.
case "$1" in
  deconfig)
    ip -4 addr flush dev "$interface"
    ;;
  bound|renew)
    ip -4 addr flush dev "$interface"
    ip -4 addr add "$ip/${mask:-24}" dev "$interface"
    for r in $router; do ip -4 route replace default via "$r" dev "$interface"; break; done
    if [ -n "$dns" ]; then
      : >/etc/resolv.conf
      [ -n "$domain" ] && echo "search $domain" >>/etc/resolv.conf
      for d in $dns; do echo "nameserver $d" >>/etc/resolv.conf; done
    fi
    ;;
esac
exit 0
EOF
chmod 0755 "$root/etc/init.d/rcS" "$root/etc/init.d/rcK" "$root/usr/share/udhcpc/default.script"

cat >"$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat >"$root/etc/shadow" <<'EOF'
root:*:0:0:99999:7:::
nobody:*:0:0:99999:7:::
EOF
chmod 0640 "$root/etc/shadow"
cat >"$root/etc/group" <<'EOF'
root:x:0:
nogroup:x:65534:
EOF
echo busybox >"$root/etc/hostname"
cat >"$root/etc/hosts" <<'EOF'
127.0.0.1	localhost
::1	localhost ip6-localhost ip6-loopback
EOF
: >"$root/etc/resolv.conf"
cat >"$root/etc/profile" <<'EOF'
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PS1='\h:\w\$ '
EOF
ln -s ../proc/self/mounts "$root/etc/mtab"

mkdir -p "$img/templates"
printf '{{ instance.name }}\n' >"$img/templates/hostname.tpl"
cat >"$img/templates/hosts.tpl" <<'EOF'
127.0.0.1	localhost
127.0.1.1	{{ instance.name }}
::1	localhost ip6-localhost ip6-loopback
EOF

cat >"$img/metadata.yaml" <<EOF
architecture: $arch
creation_date: $epoch
properties:
  architecture: $arch
  os: busybox
  release: "$version"
  description: "BusyBox $version (Corral built-in)"
templates:
  /etc/hostname:
    when:
    - create
    - copy
    template: hostname.tpl
  /etc/hosts:
    when:
    - create
    - copy
    template: hosts.tpl
EOF

# --- the tarball ---------------------------------------------------------------------------------------------------
mkdir -p "$outdir"
tmp_out=$(mktemp "$outdir/.busybox.tar.gz.XXXXXX")
tar -C "$img" --sort=name --format=gnu --numeric-owner --owner=0 --group=0 --mtime="@$epoch" \
    -cf - metadata.yaml templates rootfs | gzip -9 -n >"$tmp_out"
chmod 0644 "$tmp_out"
mv -f "$tmp_out" "$outdir/busybox.tar.gz"
echo "$outdir/busybox.tar.gz $(sha256sum "$outdir/busybox.tar.gz" | cut -d' ' -f1) busybox $version $arch"
