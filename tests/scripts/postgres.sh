#!/usr/bin/env bash
# A throwaway PostgreSQL server for tests: loopback only, trust auth, everything inside one folder.
#   postgres.sh ensure           print PostgreSQL's bin dir, installing it with apt-get if missing
#   postgres.sh start DIR PORT   fresh server in DIR on 127.0.0.1:PORT, superuser and database
#                                "lakebatch"; the last stdout line is the JDBC URL
#   postgres.sh stop DIR         stop the server in DIR (if running) and delete DIR
set -euo pipefail

USER_NAME=lakebatch

die() { echo "postgres.sh: $*" >&2; exit 1; }

find_bin() {
  if command -v pg_ctl >/dev/null; then
    dirname "$(readlink -f "$(command -v pg_ctl)")"
  else
    # Debian keeps the server binaries off PATH.
    { find /usr/lib/postgresql -maxdepth 3 -path '*/bin/pg_ctl' 2>/dev/null || true; } | sort -V | tail -n 1 | xargs -r dirname
  fi
}

ensure() {
  local bin sudo=()
  bin=$(find_bin)
  if [[ -z $bin ]]; then
    command -v apt-get >/dev/null || die "PostgreSQL (pg_ctl) not found and no apt-get to install it"
    if [[ $EUID -ne 0 ]]; then
      command -v sudo >/dev/null || die "PostgreSQL (pg_ctl) not found; install package postgresql (needs root)"
      sudo=(sudo -n)
    fi
    echo "postgres.sh: installing postgresql with apt-get" >&2
    { "${sudo[@]}" apt-get update -q && "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql; } >&2 \
      || die "apt-get install postgresql failed"
    bin=$(find_bin)
    [[ -n $bin ]] || die "postgresql installed but pg_ctl still not found"
  fi
  echo "$bin"
}

# PostgreSQL refuses to run as root, so root runs it as the postgres user.
as_pg() {
  if [[ $EUID -eq 0 ]]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

# DIR gets deleted, so only accept a folder that is clearly ours.
check_disposable() {
  [[ ! -e $1 || -f $1/PG_VERSION || -z "$(ls -A "$1")" ]] \
    || die "$1 is neither empty nor a PostgreSQL data dir; refusing to delete it"
}

running() { [[ -f $2/postmaster.pid ]] && as_pg "$1/pg_ctl" status -D "$2" >/dev/null 2>&1; }

start() {
  local dir port bin
  dir=$(realpath -m "$1") port=$2
  bin=$(ensure)
  ! running "$bin" "$dir" || die "a server is already running in $dir"
  check_disposable "$dir"
  rm -rf "$dir" && mkdir -p "$dir"
  if [[ $EUID -eq 0 ]]; then
    id postgres >/dev/null 2>&1 || die "no postgres OS user to run the server as"
    chown postgres: "$dir"
    as_pg test -w "$dir" || die "the postgres user cannot reach $dir; make its parent folders traversable (chmod o+x) or use /tmp"
  fi

  as_pg "$bin/initdb" -D "$dir" -U "$USER_NAME" --auth=trust --no-sync -E UTF8 --locale=C >&2 \
    || die "initdb failed"
  # Settings go into the config file rather than pg_ctl -o, so DIR needs no shell quoting.
  cat >>"$dir/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
fsync = off
EOF
  if ! as_pg "$bin/pg_ctl" -w -t 60 -D "$dir" -l "$dir/server.log" start >&2 \
      || ! "$bin/createdb" -h 127.0.0.1 -p "$port" -U "$USER_NAME" "$USER_NAME" >&2; then
    echo "--- tail of $dir/server.log ---" >&2
    tail -n 30 "$dir/server.log" >&2 || true
    die "could not start PostgreSQL on 127.0.0.1:$port"
  fi
  echo "jdbc:postgresql://127.0.0.1:$port/$USER_NAME"
}

stop() {
  local dir bin
  dir=$(realpath -m "$1")
  bin=$(find_bin)
  if [[ -n $bin && -f $dir/postmaster.pid ]]; then
    as_pg "$bin/pg_ctl" stop -D "$dir" -m immediate -w >&2 || true
  fi
  check_disposable "$dir"
  rm -rf "$dir"
}

case "${1:-}" in
  ensure) ensure ;;
  start) [[ $# -eq 3 ]] || die "usage: postgres.sh start DIR PORT"; start "$2" "$3" ;;
  stop) [[ $# -eq 2 ]] || die "usage: postgres.sh stop DIR"; stop "$2" ;;
  *) die "usage: postgres.sh ensure | start DIR PORT | stop DIR" ;;
esac
