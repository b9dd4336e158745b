#!/usr/bin/env bash
# Serve the demo on 127.0.0.1:8000 with the background-task worker beside it; Ctrl-C stops both.
set -euo pipefail
BIN="$(dirname "$0")/../.venv/bin"
"$BIN/pufa" db_worker --queue-name '*' >var/worker.log 2>&1 &
worker=$!
trap 'kill $worker 2>/dev/null || true' EXIT INT TERM
echo "pufa: http://127.0.0.1:8000/ （任务进程日志：var/worker.log）"
"$BIN/pufa" runserver 127.0.0.1:8000 --noreload
