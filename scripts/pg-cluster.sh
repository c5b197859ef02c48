#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for tests and CI.
#
#   scripts/pg-cluster.sh start DIR   initdb + start a server in DIR; prints its URL
#   scripts/pg-cluster.sh stop DIR    stop it and delete DIR
#
# The server listens on 127.0.0.1 on a free port and on a unix socket in DIR, trusts every
# local login (user "unspin", database "postgres"; except role "unspin_pw", which tests of
# refused passwords create), and trades durability for speed
# (fsync off): fit for tests only. As root it runs as "postgres" (or "nobody"), since the
# server refuses to run as root. Binaries: $PG_BINDIR, else the newest
# /usr/lib/postgresql/*/bin, else initdb on the PATH. Exit status 3: no PostgreSQL binaries.
set -euo pipefail

usage() { echo "usage: $0 start|stop DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
cmd=$1
dir=$2
marker=.unspin-pg-cluster

find_bindir() {
  if [ -n "${PG_BINDIR:-}" ]; then echo "$PG_BINDIR"; return; fi
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5,5n | tail -n 1 || true)
  if [ -n "$d" ] && [ -x "$d/initdb" ]; then echo "$d"; return; fi
  if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; return; fi
  echo ""
}

# Run a command as the cluster's owner.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u "$owner" -- "$@"; else "$@"; fi
}

port_free() {
  # Nothing accepts a connection on it (bash's /dev/tcp; no other tools needed).
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

case "$cmd" in
start)
  bindir=$(find_bindir)
  if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ] || [ ! -x "$bindir/pg_ctl" ]; then
    echo "pg-cluster: PostgreSQL binaries not found (install the postgresql package, or set PG_BINDIR)" >&2
    exit 3
  fi
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  if [ -f "$dir/url" ] && [ -f "$dir/data/postmaster.pid" ]; then
    owner=$(stat -c %U "$dir/data")
    if as_owner "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then cat "$dir/url"; exit 0; fi
  fi
  if [ -n "$(ls -A "$dir")" ] && [ ! -f "$dir/$marker" ]; then
    echo "pg-cluster: $dir is not empty and not a cluster made by this script; refusing to use it" >&2
    exit 1
  fi
  owner=$(id -un)
  if [ "$(id -u)" -eq 0 ]; then
    if id postgres >/dev/null 2>&1; then owner=postgres; else owner=nobody; fi
  fi
  touch "$dir/$marker"
  rm -rf "$dir/data" "$dir/initdb.log" "$dir/server.log" "$dir/url"
  if [ "$(id -u)" -eq 0 ]; then
    chown "$owner" "$dir"
    if ! runuser -u "$owner" -- test -w "$dir"; then
      echo "pg-cluster: user $owner cannot write to $dir (a parent folder is not searchable by it?); use a folder under /tmp" >&2
      exit 1
    fi
  fi
  if ! as_owner "$bindir/initdb" -D "$dir/data" -U unspin -A trust -E UTF8 --no-locale --no-sync >"$dir/initdb.log" 2>&1; then
    cat "$dir/initdb.log" >&2
    echo "pg-cluster: initdb failed" >&2
    exit 1
  fi
  # Trust for every user but "unspin_pw", who must give a password: tests of refused logins.
  { echo "host all unspin_pw 127.0.0.1/32 scram-sha-256"; cat "$dir/data/pg_hba.conf"; } >"$dir/pg_hba.tmp"
  as_owner cp "$dir/pg_hba.tmp" "$dir/data/pg_hba.conf"
  rm -f "$dir/pg_hba.tmp"
  cat >>"$dir/data/postgresql.conf" <<EOF
# pg-cluster.sh: throw-away test server
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 32MB
max_connections = 100
EOF
  # A free port, retried if another process takes it between the check and the start.
  for attempt in 1 2 3 4 5 6 7 8; do
    port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
    port_free "$port" || continue
    if as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -o "-p $port" -w -t 60 start >/dev/null 2>&1; then
      url="postgresql://unspin@127.0.0.1:$port/postgres"
      echo "$url" >"$dir/url"
      echo "$url"
      exit 0
    fi
    if ! grep -q "could not bind\|Address already in use" "$dir/server.log" 2>/dev/null; then break; fi
  done
  tail -n 20 "$dir/server.log" >&2 || true
  echo "pg-cluster: the server did not start (log: $dir/server.log)" >&2
  exit 1
  ;;
stop)
  [ -d "$dir" ] || exit 0
  if [ ! -f "$dir/$marker" ]; then
    echo "pg-cluster: $dir is not a cluster made by this script; leaving it alone" >&2
    exit 1
  fi
  if [ -f "$dir/data/postmaster.pid" ]; then
    bindir=$(find_bindir)
    owner=$(stat -c %U "$dir/data")
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  ;;
*)
  usage
  ;;
esac
