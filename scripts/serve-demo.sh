#!/usr/bin/env bash
# Serve the demo on 127.0.0.1:${PORT:-8000} through gunicorn (the production server, DEBUG off, static files
# by whitenoise) with the background-task worker beside it; Ctrl-C stops both.
# The demo runs on the repository's secret key, which is acceptable on 127.0.0.1 only (docs/deploy.md).
set -euo pipefail
PORT="${PORT:-8000}"
case "$PORT" in
  '' | *[!0-9]*) echo "serve-demo: PORT must be a number, not '$PORT'" >&2; exit 2 ;;
esac
export PUFA_INSECURE_DEV_KEY="${PUFA_INSECURE_DEV_KEY:-1}"
BIN="$(dirname "$0")/../.venv/bin"
mkdir -p var
"$BIN/pufa" db_worker --queue-name '*' >var/worker.log 2>&1 &
worker=$!
server=""
stop() {
  [ -z "$server" ] || kill -TERM "$server" 2>/dev/null || true
  kill -TERM "$worker" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop EXIT
trap 'exit 130' INT TERM
echo "pufa: http://127.0.0.1:$PORT/ （gunicorn；访问日志 var/access.log，任务进程日志 var/worker.log）"
# Two workers of four threads each: a slow request (a PDF, an import) does not hold up the pages of others.
# Loopback only: the demo's key is public.
"$BIN/gunicorn" pufa.wsgi --bind "127.0.0.1:$PORT" --workers 2 --worker-class gthread --threads 4 \
  --timeout 120 --graceful-timeout 10 --access-logfile var/access.log --error-logfile - --log-level warning &
server=$!
wait "$server"
