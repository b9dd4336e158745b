#!/usr/bin/env bash
# Make sure a PostgreSQL server answers on 127.0.0.1:5432 for the test run; start (or install) one if not.
# Prints the database URL the tests should use.
set -euo pipefail

HOST=127.0.0.1
PORT=5432
URL="postgres://postgres:postgres@${HOST}:${PORT}/pufa"

answers() { pg_isready -q -h "$HOST" -p "$PORT" >/dev/null 2>&1; }

if ! answers; then
  if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    bash "$(dirname "$0")/setup-system.sh" >&2
  fi
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n1 || true)
  if [ -z "$version" ]; then
    version=$(ls /usr/lib/postgresql | sort -V | tail -n1)
    $SUDO pg_createcluster "$version" main >&2
  fi
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main start >&2 || true
  for _ in $(seq 1 30); do answers && break; sleep 1; done
  answers || { echo "ensure-postgres: PostgreSQL did not start" >&2; exit 1; }
  # A freshly installed server asks for a password over TCP; give the postgres role the one in $URL.
  $SUDO -u postgres psql -q -c "ALTER USER postgres PASSWORD 'postgres'" >/dev/null 2>&1 \
    || su postgres -c "psql -q -c \"ALTER USER postgres PASSWORD 'postgres'\"" >/dev/null 2>&1 || true
fi
echo "$URL"
