#!/usr/bin/env bash
# Start or stop throwaway PostgreSQL and Redis servers on 127.0.0.1.
#
#   bash .ci/services.sh start   # installs them if missing, prints the URLs
#   bash .ci/services.sh stop
#
# State lives in $SERVICES_DIR (default .ci-work/services, gitignored), so a
# stop only touches the servers this script started.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=${SERVICES_DIR:-$ROOT/.ci-work/services}
PG_PORT=${PG_PORT:-5433}
REDIS_PORT=${REDIS_PORT:-6380}
PG_DB=authapi

apt_install() {
  # Another apt run may hold the dpkg lock for a while: wait and retry.
  for attempt in 1 2 3 4 5 6 7 8 9 10; do
    if DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >/dev/null; then
      return 0
    fi
    echo "apt-get install failed (attempt $attempt), retrying in 10 s" >&2
    sleep 10
    apt-get update -q >/dev/null || true
  done
  return 1
}

pg_bin() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$bin" ] && echo "$bin"
}

install_missing() {
  local missing=()
  [ -n "$(pg_bin)" ] || missing+=(postgresql)
  command -v redis-server >/dev/null || missing+=(redis-server)
  if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -q >/dev/null
    apt_install "${missing[@]}"
  fi
}

start() {
  install_missing
  local bin
  bin=$(pg_bin)
  mkdir -p "$DIR"
  chmod 755 "$DIR"

  if [ ! -f "$DIR/pg/PG_VERSION" ]; then
    install -d -o postgres -g postgres -m 700 "$DIR/pg"
    su postgres -s /bin/sh -c "$bin/initdb -D '$DIR/pg' -U postgres -A trust" >/dev/null
  fi
  if ! su postgres -s /bin/sh -c "$bin/pg_ctl -D '$DIR/pg' status" >/dev/null 2>&1; then
    su postgres -s /bin/sh -c "$bin/pg_ctl -D '$DIR/pg' -l '$DIR/pg/server.log' -w \
      -o '-h 127.0.0.1 -p $PG_PORT -k /tmp -c fsync=off -c max_connections=200' start" >/dev/null
  fi
  psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname='$PG_DB'" | grep -q 1 ||
    psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "CREATE DATABASE $PG_DB"

  [ -f "$DIR/redis.pid" ] && kill -0 "$(cat "$DIR/redis.pid")" 2>/dev/null ||
    redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no \
    --daemonize yes --pidfile "$DIR/redis.pid" --logfile "$DIR/redis.log"
  for _ in $(seq 50); do
    redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break
    sleep 0.1
  done

  echo "export DATABASE_URL=postgres://postgres@127.0.0.1:$PG_PORT/$PG_DB"
  echo "export REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0"
}

stop() {
  local bin
  bin=$(pg_bin || true)
  if [ -n "$bin" ] && [ -f "$DIR/pg/postmaster.pid" ]; then
    su postgres -s /bin/sh -c "$bin/pg_ctl -D '$DIR/pg' -m fast -w stop" >/dev/null || true
  fi
  if [ -f "$DIR/redis.pid" ]; then
    kill "$(cat "$DIR/redis.pid")" 2>/dev/null || true
    rm -f "$DIR/redis.pid"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
