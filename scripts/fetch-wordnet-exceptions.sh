#!/bin/sh
# Fetch WordNet 3.0's morphology exception lists (noun/verb/adj/adv.exc), an input of
# scripts/build-lexicon.ts, from Debian's wordnet-base package (WordNet licence, see
# src/lexicon/data/WORDNET-LICENSE). Only a lexicon rebuild needs them, so they are not an
# npm dependency: the .deb is downloaded with apt (nothing is installed), unpacked into a
# temporary directory, and the four files are checked against their SHA-256 and copied.
#
#   scripts/fetch-wordnet-exceptions.sh [output-dir]     (default .cache/wordnet-exc)
set -eu

PACKAGE=wordnet-base
VERSION=1:3.0-37
DIR=usr/share/wordnet

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-"$ROOT/.cache/wordnet-exc"}
case "$OUT" in /*) ;; *) OUT="$PWD/$OUT" ;; esac

expected() {
  case "$1" in
    adj.exc) echo 8824cc24bbedd797b9702316b27f07cd4c2b76b629539f0a1276f03926758016 ;;
    adv.exc) echo e7291461b629abfe63301bbe1998cee09fd575ed7107abd7ea9763adb05bf0a8 ;;
    noun.exc) echo 2b5d675c380b39ecf595af9fa9d4e7feb1d58c643b0bff08c40ed5bfe41fab7a ;;
    verb.exc) echo dbbcf9a601b2d77e934e413b91d90e88ec7f933a8b77cfc00602a923b891b42c ;;
  esac
}

ok=1
for f in adj.exc adv.exc noun.exc verb.exc; do
  [ -f "$OUT/$f" ] && [ "$(sha256sum "$OUT/$f" | cut -d' ' -f1)" = "$(expected $f)" ] || ok=0
done
if [ $ok = 1 ]; then echo "fetch-wordnet-exceptions: $OUT is up to date"; exit 0; fi

for tool in apt-get dpkg sha256sum; do
  command -v "$tool" >/dev/null 2>&1 || { echo "fetch-wordnet-exceptions: $tool is required (Debian/Ubuntu)" >&2; exit 1; }
done

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM
chmod 755 "$TMP" # apt's _apt user must be able to write here
cd "$TMP"
apt-get download "$PACKAGE=$VERSION" 2>/dev/null || apt-get download "$PACKAGE"
dpkg -x ./"$PACKAGE"_*.deb extracted

mkdir -p "$OUT"
for f in adj.exc adv.exc noun.exc verb.exc; do
  actual=$(sha256sum "extracted/$DIR/$f" | cut -d' ' -f1)
  if [ "$actual" != "$(expected $f)" ]; then
    echo "fetch-wordnet-exceptions: checksum mismatch for $f (expected $(expected $f), got $actual)" >&2
    exit 1
  fi
  cp "extracted/$DIR/$f" "$OUT/$f"
done
echo "fetch-wordnet-exceptions: wrote adj/adv/noun/verb.exc to $OUT"
