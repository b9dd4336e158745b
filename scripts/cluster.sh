#!/usr/bin/env bash
# A local pufa cluster on loopback, the scale-out deployment of docs/deploy.md in one machine:
# PostgreSQL, Redis (cache, sessions, the rq task queue), N gunicorn app servers behind nginx, task workers
# and the daily pass. Not one of the README's two commands; see docs/deploy.md "A local cluster".
#
#   scripts/cluster.sh up              start everything, print the URL (http://127.0.0.1:$PUFA_CLUSTER_PORT/)
#   scripts/cluster.sh down            stop everything `up` started (the database and media stay)
#   scripts/cluster.sh status          what runs
#   scripts/cluster.sh stop-app N      kill app server N at once (SIGKILL: a crash, not a shutdown)
#   scripts/cluster.sh start-app N     start app server N again
#   scripts/cluster.sh stop-worker N   kill task worker N and the task it runs at once (SIGKILL)
#   scripts/cluster.sh start-worker N  start task worker N again
#   scripts/cluster.sh restart-redis   stop the cluster's own Redis and start it again (its data kept)
#   scripts/cluster.sh pufa ARGS…      run a pufa command with the cluster's settings
#   scripts/cluster.sh backup [DIR]    pg_dump + the media files into DIR, then restored into a fresh database
#                                      and compared with the live one, table by table
#
# Settings come from the environment only, and fail closed: PUFA_SECRET_KEY (else a random key made once and
# kept in the cluster directory, mode 600; never the repository's demo key), PUFA_PROXY_COUNT=1 (nginx is the
# one proxy), PUFA_TASKS_BACKEND=rq. Variables (defaults):
#   PUFA_CLUSTER_DIR (var/cluster)   pid files, logs, nginx.conf, the shared media root, Redis' data
#   PUFA_CLUSTER_PORT (8080)         nginx; app server i listens on PORT+i, the cluster's own Redis on PORT+N+1
#   PUFA_CLUSTER_APPS (2)            app servers; PUFA_CLUSTER_APP_WORKERS (2) × PUFA_CLUSTER_THREADS (4) each
#   PUFA_CLUSTER_TASK_WORKERS (2)    rq workers; PUFA_CLUSTER_DAILY (1): run `pufa remind` now and every 24 h
#   PUFA_DATABASE_URL                default: the PostgreSQL of scripts/ensure-postgres.sh, database pufa_cluster
#   PUFA_REDIS_URL                   default: a Redis of the cluster's own on loopback
# Any other PUFA_* variable set when `up` runs (PUFA_API_RATE …) is passed to every process.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BIN="${PUFA_BIN:-$ROOT/.venv/bin}"
DIR="${PUFA_CLUSTER_DIR:-$ROOT/var/cluster}"
ENV_FILE="$DIR/cluster.env"

die() { echo "cluster: $*" >&2; exit 1; }
number() { case "$2" in '' | *[!0-9]*) die "$1 must be a number, not '$2'" ;; esac; }
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# Wait until http://127.0.0.1:$1/healthz answers 200 (at most $2 seconds).
wait_http() {
  local port=$1 limit=$2 started=$SECONDS
  until "$BIN/python" -c "import sys, urllib.request as u; sys.exit(u.urlopen('http://127.0.0.1:$port/healthz', timeout=3).status != 200)" 2>/dev/null; do
    [ $((SECONDS - started)) -lt "$limit" ] || die "nothing answers on 127.0.0.1:$port/healthz after ${limit} s (logs: $DIR)"
    sleep 0.5
  done
}

load_env() {
  [ -f "$ENV_FILE" ] || die "no cluster in $DIR (run: scripts/cluster.sh up)"
  # shellcheck disable=SC1090
  . "$ENV_FILE"
}

start_app() {
  local i=$1 port=$((PUFA_CLUSTER_PORT + $1))
  alive "$DIR/app$i.pid" && die "app server $i is running already"
  "$BIN/gunicorn" pufa.wsgi --daemon --pid "$DIR/app$i.pid" --bind "127.0.0.1:$port" \
    --workers "$PUFA_CLUSTER_APP_WORKERS" --worker-class gthread --threads "$PUFA_CLUSTER_THREADS" \
    --timeout 120 --graceful-timeout 20 --access-logfile "$DIR/app$i-access.log" --error-logfile "$DIR/app$i.log" \
    --log-level warning
  # The daemon writes its pid file a moment after this returns; `down` needs it.
  local _
  for _ in $(seq 1 100); do [ -s "$DIR/app$i.pid" ] && return 0; sleep 0.1; done
  die "app server $i did not start (log: $DIR/app$i.log)"
}

start_redis() {
  # Append-only file: queued tasks and sessions survive a Redis restart.
  redis-server --bind 127.0.0.1 --port "$1" --dir "$DIR" --daemonize yes --pidfile "$DIR/redis.pid" \
    --logfile "$DIR/redis.log" --save "" --appendonly yes --protected-mode yes >/dev/null
  local _
  for _ in $(seq 1 50); do redis-cli -p "$1" ping >/dev/null 2>&1 && return 0; sleep 0.1; done
  die "Redis did not start (log: $DIR/redis.log)"
}

start_worker() {
  local i=$1
  # Its own session (setsid), so `down` can stop the worker and the work horses it forks, and nothing else.
  # A name of its own at each start: rq refuses a name a killed worker still holds in Redis (for ~2 minutes).
  setsid "$BIN/pufa" rqworker default --name "pufa-$PUFA_CLUSTER_PORT-w$i-$(date +%s)" -v0 \
    >"$DIR/worker$i.log" 2>&1 </dev/null &
  echo $! >"$DIR/worker$i.pid"
}

# Stop the process whose id is in pid file $1: SIGTERM, then SIGKILL after $2 seconds; $3=group: its session.
stop_pid() {
  local file=$1 grace=$2 group=${3:-}
  [ -f "$file" ] || return 0
  local pid
  pid=$(cat "$file")
  if kill -0 "$pid" 2>/dev/null; then
    if [ -n "$group" ]; then kill -TERM -- "-$pid" 2>/dev/null || true; else kill -TERM "$pid" 2>/dev/null || true; fi
    local waited=0
    while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt $((grace * 5)) ]; do sleep 0.2; waited=$((waited + 1)); done
    if kill -0 "$pid" 2>/dev/null; then
      if [ -n "$group" ]; then
        # An rq work horse leads a process group of its own: killed with its worker, not left running.
        local child
        for child in $(pgrep -P "$pid" || true); do kill -KILL -- "-$child" 2>/dev/null || true; done
        kill -KILL -- "-$pid" 2>/dev/null || true
      else
        kill -KILL "$pid" 2>/dev/null || true
      fi
    fi
  fi
  rm -f "$file"
}

up() {
  local port="${PUFA_CLUSTER_PORT:-8080}" apps="${PUFA_CLUSTER_APPS:-2}" workers="${PUFA_CLUSTER_APP_WORKERS:-2}"
  local threads="${PUFA_CLUSTER_THREADS:-4}" tasks="${PUFA_CLUSTER_TASK_WORKERS:-2}" daily="${PUFA_CLUSTER_DAILY:-1}"
  number PUFA_CLUSTER_PORT "$port"; number PUFA_CLUSTER_APPS "$apps"; number PUFA_CLUSTER_APP_WORKERS "$workers"
  number PUFA_CLUSTER_THREADS "$threads"; number PUFA_CLUSTER_TASK_WORKERS "$tasks"
  [ "$apps" -ge 1 ] || die "PUFA_CLUSTER_APPS must be 1 or more"
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || die "nginx is missing (make system)"
  [ -x "$BIN/gunicorn" ] || die "$BIN/gunicorn is missing (make venv)"
  alive "$DIR/nginx.pid" && die "a cluster runs in $DIR already (scripts/cluster.sh down)"
  local began=$SECONDS
  mkdir -p "$DIR/media" "$DIR/var" "$DIR/nginx-tmp"
  chmod 700 "$DIR"
  # A step that fails stops whatever the steps before it started.
  trap 'echo "cluster: up failed; stopping what it started" >&2; down >/dev/null 2>&1 || true' EXIT

  # Fail closed: a key of the cluster's own, never the repository's.
  if [ -z "${PUFA_SECRET_KEY:-}" ]; then
    if [ ! -s "$DIR/secret-key" ]; then
      (umask 077 && "$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(50))' >"$DIR/secret-key")
    fi
    PUFA_SECRET_KEY="$(cat "$DIR/secret-key")"
  fi

  local redis_url="${PUFA_REDIS_URL:-}"
  if [ -z "$redis_url" ]; then
    command -v redis-server >/dev/null 2>&1 || die "redis-server is missing (make system)"
    local rport=$((port + apps + 1))
    start_redis "$rport"
    redis_url="redis://127.0.0.1:$rport/0"
  fi

  local db_url="${PUFA_DATABASE_URL:-}"
  if [ -z "$db_url" ]; then
    db_url="$(bash "$ROOT/scripts/ensure-postgres.sh")"
    db_url="${db_url%/*}/pufa_cluster"
  fi
  case "$db_url" in postgres://* | postgresql://*) ;; *) die "the cluster runs on PostgreSQL; PUFA_DATABASE_URL is '$db_url'" ;; esac
  local db_name="${db_url##*/}"
  db_name="${db_name%%\?*}"
  case "$db_name" in '' | *[!A-Za-z0-9_]*) die "database name '$db_name': letters, digits and _ only" ;; esac
  if [ -z "$(psql "${db_url%/*}/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = '$db_name'")" ]; then
    psql "${db_url%/*}/postgres" -qc "CREATE DATABASE $db_name" >/dev/null
  fi

  {
    # Every PUFA_* of the caller first, then the cluster's own, which win.
    { env | grep '^PUFA_' || true; } | grep -v -e '^PUFA_INSECURE_DEV_KEY=' -e '^PUFA_CLUSTER_' -e '^PUFA_VAR_DIR=' \
      -e '^PUFA_MEDIA_ROOT=' -e '^PUFA_DATABASE_URL=' -e '^PUFA_REDIS_URL=' -e '^PUFA_SECRET_KEY=' \
      -e '^PUFA_TASKS_BACKEND=' -e '^PUFA_PROXY_COUNT=' -e '^PUFA_DEBUG=' | while IFS='=' read -r name value; do
      printf 'export %s=%q\n' "$name" "$value"
    done || true
    printf 'export %s=%q\n' PUFA_SECRET_KEY "$PUFA_SECRET_KEY" PUFA_DATABASE_URL "$db_url" \
      PUFA_REDIS_URL "$redis_url" PUFA_TASKS_BACKEND rq PUFA_PROXY_COUNT 1 PUFA_DEBUG 0 \
      PUFA_DB_CONN_MAX_AGE "${PUFA_DB_CONN_MAX_AGE:-60}" PUFA_VAR_DIR "$DIR/var" PUFA_MEDIA_ROOT "$DIR/media" \
      PUFA_CLUSTER_PORT "$port" PUFA_CLUSTER_APPS "$apps" PUFA_CLUSTER_APP_WORKERS "$workers" \
      PUFA_CLUSTER_THREADS "$threads" PUFA_CLUSTER_TASK_WORKERS "$tasks" DJANGO_SETTINGS_MODULE pufa.settings
    echo "unset PUFA_INSECURE_DEV_KEY"
  } >"$ENV_FILE.new"
  chmod 600 "$ENV_FILE.new"
  mv "$ENV_FILE.new" "$ENV_FILE"
  load_env

  # The deployment check and the static files beside the migration (none of them writes what another reads).
  "$BIN/pufa" check --deploy --fail-level ERROR >"$DIR/check.log" 2>&1 &
  local check=$!
  "$BIN/pufa" collectstatic --noinput -v0 >"$DIR/collectstatic.log" 2>&1 &
  local static=$!
  "$BIN/pufa" migrate --noinput -v0
  wait "$check" || die "pufa check --deploy failed: $DIR/check.log"
  wait "$static" || die "pufa collectstatic failed: $DIR/collectstatic.log"
  echo "cluster: database ready ($((SECONDS - began)) s)"

  local i upstreams=""
  for i in $(seq 1 "$apps"); do
    start_app "$i"
    upstreams+="        server 127.0.0.1:$((port + i)) max_fails=1 fail_timeout=10s;"$'\n'
  done
  for i in $(seq 1 "$tasks"); do start_worker "$i"; done
  if [ "$daily" = 1 ]; then
    setsid bash -c "while :; do '$BIN/pufa' remind; sleep 86400; done" >"$DIR/daily.log" 2>&1 </dev/null &
    echo $! >"$DIR/daily.pid"
  fi

  # nginx's temporary files (request bodies, large responses). Run as root, nginx's workers are `nobody`,
  # who may not pass through the cluster directory's parents (a 700 home or pytest directory): then a
  # directory of their own under /tmp, removed by `down`.
  local scratch="$DIR/nginx-tmp"
  if [ "$(id -u)" = 0 ]; then
    scratch="$(mktemp -d /tmp/pufa-nginx.XXXXXX)"
    chmod 711 "$scratch"
    echo "$scratch" >"$DIR/nginx-scratch"
  fi
  local template
  template="$(cat "$ROOT/deploy/nginx.conf")"
  template="${template//@TMP@/$scratch}"
  template="${template//@DIR@/$DIR}"
  template="${template//@PORT@/$port}"
  template="${template//@UPSTREAMS@/${upstreams%$'\n'}}"
  printf '%s\n' "$template" >"$DIR/nginx.conf"
  local nginx
  nginx="$(command -v nginx || echo /usr/sbin/nginx)"
  "$nginx" -p "$DIR" -c "$DIR/nginx.conf" -e "$DIR/nginx-error.log" -t -q || die "nginx.conf refused"
  "$nginx" -p "$DIR" -c "$DIR/nginx.conf" -e "$DIR/nginx-error.log"

  for i in $(seq 1 "$apps"); do wait_http $((port + i)) 120; done
  wait_http "$port" 30
  trap - EXIT
  echo "pufa cluster: http://127.0.0.1:$port/ ($apps app servers, $tasks task workers; logs in $DIR; $((SECONDS - began)) s)"
}

down() {
  [ -d "$DIR" ] || { echo "cluster: nothing to stop in $DIR"; return 0; }
  stop_pid "$DIR/nginx.pid" 10
  local f
  # All at once: each app server finishes its requests in flight, each worker its task (rq's warm shutdown).
  for f in "$DIR"/app*.pid; do [ -e "$f" ] && stop_pid "$f" 25 & done
  for f in "$DIR"/worker*.pid; do [ -e "$f" ] && stop_pid "$f" 30 group & done
  stop_pid "$DIR/daily.pid" 10 group &
  wait
  stop_pid "$DIR/redis.pid" 10
  if [ -f "$DIR/nginx-scratch" ]; then
    local scratch
    scratch="$(cat "$DIR/nginx-scratch")"
    case "$scratch" in /tmp/pufa-nginx.*) rm -rf "$scratch" ;; esac
    rm -f "$DIR/nginx-scratch"
  fi
  echo "pufa cluster stopped (the database and $DIR/media kept)"
}

# A backup of the database (pg_dump, custom format) and the media files, into directory $1 (default
# $DIR/backup-<time>), then a check that it restores: into a fresh database, compared table by table (rows)
# with the live one, which is then dropped. Writes go on meanwhile: pg_dump reads one consistent snapshot, and a
# file uploaded after it is in the media copy but not in the dump (harmless: a file without a row is ignored).
backup() {
  load_env
  local target="${1:-$DIR/backup-$(date -u +%Y%m%dT%H%M%SZ)}"
  mkdir -p "$target"
  chmod 700 "$target"
  pg_dump --format=custom --file="$target/database.dump" "$PUFA_DATABASE_URL"
  tar -C "$PUFA_MEDIA_ROOT" -czf "$target/media.tar.gz" .
  echo "backup: $target (database.dump, media.tar.gz)"
  local server="${PUFA_DATABASE_URL%/*}" scratch="pufa_restore_check_$$"
  psql "$server/postgres" -qc "CREATE DATABASE $scratch" >/dev/null
  local failed=0
  pg_restore --no-owner --exit-on-error --dbname="$server/$scratch" "$target/database.dump" || failed=1
  local count="SELECT string_agg(format('%s %s', c.relname,
      (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %I', c.relname), false, true, '')))[1]::text),
      E'\n' ORDER BY c.relname)
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname = 'public'"
  if [ "$failed" = 0 ]; then
    # Counted after the restore, so rows written meanwhile may make the live side larger, never smaller.
    local restored live
    restored="$(psql "$server/$scratch" -tAc "$count")"
    live="$(psql "$PUFA_DATABASE_URL" -tAc "$count")"
    local tables=0 short=0 table rows now
    while read -r table rows; do
      tables=$((tables + 1))
      now="$(grep -m1 "^$table " <<<"$live" | cut -d' ' -f2)"
      if [ -z "$now" ] || [ "$now" -lt "$rows" ]; then
        echo "restore check: $table has $rows rows restored but ${now:-no table} live" >&2
        short=$((short + 1))
      fi
    done <<<"$restored"
    local media
    media="$(tar -tzf "$target/media.tar.gz" | grep -vc '/$' || true)"
    echo "restore check: $tables tables restored into a fresh database, $short short of the live one; $media media files in the archive"
    [ "$short" = 0 ] || failed=1
  fi
  psql "$server/postgres" -qc "DROP DATABASE IF EXISTS $scratch WITH (FORCE)" >/dev/null
  [ "$failed" = 0 ] || die "the backup in $target did not restore cleanly"
}

status() {
  load_env
  local f
  for f in "$DIR"/*.pid; do
    [ -e "$f" ] || continue
    if alive "$f"; then echo "$(basename "$f" .pid): running ($(cat "$f"))"; else echo "$(basename "$f" .pid): stopped"; fi
  done
}

stop_app() {
  load_env
  number "app server" "$1"
  local file="$DIR/app$1.pid"
  alive "$file" || die "app server $1 is not running"
  local pid
  pid=$(cat "$file")
  # The master and its workers at once, as a crash would: requests in flight on it are lost.
  pkill -KILL -P "$pid" 2>/dev/null || true
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$file"
}

stop_worker() {
  load_env
  number "task worker" "$1"
  local file="$DIR/worker$1.pid"
  alive "$file" || die "task worker $1 is not running"
  # The worker and the work horse running its task die together, as in a crash: first the worker (it leads a
  # process group of its own, setsid), so it cannot see its horse die and fail the task itself, then the horse
  # with what it started (rq puts a horse in a process group of its own). rq finds the task abandoned once
  # its heartbeat lapses and runs it again (pufa.core.taskqueue).
  local pid horses horse
  pid=$(cat "$file")
  horses=$(pgrep -P "$pid" || true)
  kill -KILL -- "-$pid" 2>/dev/null || true
  for horse in $horses; do kill -KILL -- "-$horse" 2>/dev/null || kill -KILL "$horse" 2>/dev/null || true; done
  rm -f "$file"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  backup) backup "${2:-}" ;;
  restart-redis)
    load_env
    [ -f "$DIR/redis.pid" ] || die "this cluster uses a Redis it did not start ($PUFA_REDIS_URL)"
    stop_pid "$DIR/redis.pid" 10
    rport="${PUFA_REDIS_URL##*:}"
    start_redis "${rport%%/*}"
    ;;
  stop-app) stop_app "${2:-}" ;;
  start-app) load_env; number "app server" "${2:-}"; start_app "$2"; wait_http $((PUFA_CLUSTER_PORT + $2)) 120 ;;
  stop-worker) stop_worker "${2:-}" ;;
  start-worker)
    load_env
    number "task worker" "${2:-}"
    alive "$DIR/worker$2.pid" && die "task worker $2 is running already"
    start_worker "$2"
    ;;
  pufa) load_env; shift; exec "$BIN/pufa" "$@" ;;
  *) echo "usage: scripts/cluster.sh up|down|status|stop-app N|start-app N|stop-worker N|start-worker N|pufa ARGS…|backup [DIR]|restart-redis" >&2; exit 2 ;;
esac
