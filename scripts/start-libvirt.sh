#!/usr/bin/env bash
# Starts libvirtd and virtlogd (what corrald's virtual machines need) without systemd, when they do not run yet.
# Idempotent; needs root. Prints nothing when libvirt already answers.
#
#   start-libvirt.sh           start what is not running
#   start-libvirt.sh --stop    stop the daemons an earlier start-libvirt.sh started (and only those)
#
# Debian's libvirt-daemon-system would pull systemd in as init; Corral uses the plain daemons (libvirt-daemon,
# libvirt-daemon-driver-qemu) and sets up what that package's maintainer scripts would: the libvirt-qemu account
# the QEMU driver is built to expect, and the log/state directories.
set -euo pipefail
[ "$(id -u)" -eq 0 ] || { echo "start-libvirt: run as root" >&2; exit 1; }
started_file=/run/corral-started-libvirt

alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

if [ "${1:-}" = --stop ]; then
  [ -f "$started_file" ] || exit 0
  while read -r pidfile; do
    if alive "$pidfile"; then
      pid=$(cat "$pidfile")
      kill "$pid"
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
  done <"$started_file"
  rm -f "$started_file"
  exit 0
fi

for cmd in libvirtd virtlogd virsh; do
  command -v "$cmd" >/dev/null 2>&1 || [ -x "/usr/sbin/$cmd" ] \
    || { echo "start-libvirt: $cmd is missing (run scripts/install-deps.sh)" >&2; exit 1; }
done
export PATH=$PATH:/usr/sbin

if ! getent passwd libvirt-qemu >/dev/null; then
  getent group libvirt-qemu >/dev/null || addgroup --quiet --system libvirt-qemu
  adduser --quiet --system --ingroup libvirt-qemu --no-create-home --home /var/lib/libvirt \
    --disabled-password --disabled-login --shell /usr/sbin/nologin libvirt-qemu
fi
# As Debian's udev rules and libvirt package do: /dev/kvm belongs to group kvm (0660) and libvirt-qemu is in it.
# libvirt checks /dev/kvm as that user; where it cannot open it while QEMU (probing as root) can, libvirtd
# re-probes QEMU on every domain definition (about 45 s each).
getent group kvm >/dev/null || addgroup --quiet --system kvm
id -nG libvirt-qemu | grep -qw kvm || adduser --quiet libvirt-qemu kvm
if [ -c /dev/kvm ] && [ "$(stat -c %G /dev/kvm)" != kvm ]; then
  chgrp kvm /dev/kvm && chmod 0660 /dev/kvm
fi
mkdir -p /var/log/libvirt/qemu /var/lib/libvirt/qemu/nvram /var/cache/libvirt /run/libvirt

if ! alive /run/virtlogd.pid; then
  virtlogd -d
  echo /run/virtlogd.pid >>"$started_file"
fi
if ! alive /run/libvirtd.pid; then
  rm -f /run/libvirtd.pid
  libvirtd -d
  echo /run/libvirtd.pid >>"$started_file"
fi
for _ in $(seq 1 300); do
  virsh -q -c qemu:///system version >/dev/null 2>&1 && exit 0
  sleep 0.1
done
echo "start-libvirt: libvirtd does not answer on qemu:///system (see /var/log/libvirt/libvirtd.log)" >&2
exit 1
