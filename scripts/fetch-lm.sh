#!/bin/sh
# Re-fetch the shipped language model src/model/data/en-us.lm.bin from Debian's
# pocketsphinx-en-us package (BSD-2-Clause, see src/model/data/en-us.lm.LICENSE).
# Downloads the .deb with apt (nothing is installed), unpacks it into a temporary
# directory, copies the model and checks its SHA-256.
#
#   scripts/fetch-lm.sh [output-path]
set -eu

PACKAGE=pocketsphinx-en-us
VERSION=0.8+5prealpha+1-15
MEMBER=usr/share/pocketsphinx/model/en-us/en-us.lm.bin
SHA256=db21d0642286677699e6dbc859d2e5395570222361999387ce60f6e1d01995d6

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-"$ROOT/src/model/data/en-us.lm.bin"}
case "$OUT" in /*) ;; *) OUT="$PWD/$OUT" ;; esac

for tool in apt-get dpkg sha256sum; do
  command -v "$tool" >/dev/null 2>&1 || { echo "fetch-lm: $tool is required (Debian/Ubuntu)" >&2; exit 1; }
done

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM
chmod 755 "$TMP" # apt's _apt user must be able to write here

cd "$TMP"
# Ask for the pinned version first; fall back to whatever the configured sources offer.
apt-get download "$PACKAGE=$VERSION" 2>/dev/null || apt-get download "$PACKAGE"
dpkg -x ./"$PACKAGE"_*.deb extracted

actual=$(sha256sum "extracted/$MEMBER" | cut -d' ' -f1)
if [ "$actual" != "$SHA256" ]; then
  echo "fetch-lm: checksum mismatch for $MEMBER" >&2
  echo "  expected $SHA256" >&2
  echo "  got      $actual" >&2
  exit 1
fi

mkdir -p "$(dirname "$OUT")"
cp "extracted/$MEMBER" "$OUT"
echo "fetch-lm: wrote $OUT ($(wc -c <"$OUT") bytes, sha256 $SHA256)"
