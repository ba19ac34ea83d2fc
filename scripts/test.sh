#!/usr/bin/env bash
# Runs every test: unit tests, then system tests that start real corrald processes (scratch CORRAL_DIRs)
# and drive them with REST-assured and the real incus CLI. Installs what it needs first; needs root.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "test.sh: run as root" >&2; exit 1; }
bash scripts/install-deps.sh
# Virtual-machine tests need libvirtd + virtlogd; stop them afterwards if this run started them.
bash scripts/start-libvirt.sh
trap 'bash scripts/start-libvirt.sh --stop' EXIT
mvn -B verify "$@"
