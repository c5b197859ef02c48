#!/usr/bin/env bash
# Installs Debian's chromium for the report's browser test (playwright-core drives it; no tool
# may download a browser of its own). Idempotent: does nothing when it is already installed.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "chromium.sh: installing Debian's chromium" >&2
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
[ -x /usr/bin/chromium ] || { echo "chromium.sh: chromium installed but /usr/bin/chromium is missing" >&2; exit 1; }
/usr/bin/chromium --version 2>/dev/null
