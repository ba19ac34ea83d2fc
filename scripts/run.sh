#!/usr/bin/env bash
# Corral's main job: install what is missing (apt), build, and run corrald in the foreground on
# CORRAL_DIR (default /var/lib/corral). Then, from another shell: INCUS_DIR=/var/lib/corral incus info
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "run.sh: run as root (corrald manages containers)" >&2; exit 1; }
bash scripts/install-deps.sh
bash scripts/start-libvirt.sh   # virtual machines: libvirtd + virtlogd (they keep running after corrald)
mvn -B -q -DskipTests package
export CORRAL_DIR=${CORRAL_DIR:-/var/lib/corral}
echo "corrald: starting on $CORRAL_DIR/unix.socket (Ctrl-C stops it); use it with INCUS_DIR=$CORRAL_DIR incus ..."
exec packaging/target/corral/bin/corrald
