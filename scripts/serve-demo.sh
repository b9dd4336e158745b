#!/usr/bin/env bash
# Serve the demo on 127.0.0.1:${PORT:-8000} with the background-task worker beside it; Ctrl-C stops both.
# The demo runs on the repository's secret key, which is acceptable on 127.0.0.1 only (docs/deploy.md).
set -euo pipefail
PORT="${PORT:-8000}"
case "$PORT" in
  '' | *[!0-9]*) echo "serve-demo: PORT must be a number, not '$PORT'" >&2; exit 2 ;;
esac
export PUFA_INSECURE_DEV_KEY="${PUFA_INSECURE_DEV_KEY:-1}"
BIN="$(dirname "$0")/../.venv/bin"
"$BIN/pufa" db_worker --queue-name '*' >var/worker.log 2>&1 &
worker=$!
trap 'kill $worker 2>/dev/null || true' EXIT INT TERM
echo "pufa: http://127.0.0.1:$PORT/ （任务进程日志：var/worker.log）"
"$BIN/pufa" runserver "127.0.0.1:$PORT" --noreload
