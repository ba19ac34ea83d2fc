#!/usr/bin/env bash
# Adds Debian's bookworm-backports suite (Incus 6.0 lives there) to the machine's existing Debian source,
# reusing the URI that source already names. Idempotent.
set -euo pipefail

if grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  exit 0
fi

deb822=$(grep -lsE '^Suites:.*\bbookworm\b' /etc/apt/sources.list.d/*.sources | head -n1 || true)
if [ -n "$deb822" ]; then
  # deb822 format: append the suite to the stanza that lists plain "bookworm".
  sed -i -E '/^Suites:.*(^|[[:space:]])bookworm([[:space:]]|$)/ s/$/ bookworm-backports/' "$deb822"
else
  # One-line format: copy the main bookworm line with the backports suite.
  line=$(grep -hE '^deb[[:space:]]+[^[:space:]]+[[:space:]]+bookworm[[:space:]]' /etc/apt/sources.list | head -n1)
  [ -n "$line" ] || { echo "enable-backports: no Debian bookworm source found" >&2; exit 1; }
  echo "$line" | sed -E 's/[[:space:]]bookworm[[:space:]]/ bookworm-backports /' > /etc/apt/sources.list.d/backports.list
fi
