#!/usr/bin/env bash
# Install the Debian packages pufa needs on a fresh machine: a CJK font (charts, PDFs, screenshots),
# Chromium (browser tests), LibreOffice (PDF conversion), poppler-utils (checking PDFs), the PostgreSQL
# server (tests run on it too), wrk (bench/throughput.py), and nginx and redis-server (scripts/cluster.sh, the
# local scale-out cluster its test starts).
# Installs only what is missing, so a second run costs a few milliseconds.
set -euo pipefail

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
fc-list 2>/dev/null | grep -i "Noto Sans CJK" >/dev/null || need+=(fonts-noto-cjk)
# 楷体 and 宋体-style faces, the nearest free fonts to the 楷体_GB2312/仿宋 of official documents.
fc-list 2>/dev/null | grep -i "AR PL UKai" >/dev/null || need+=(fonts-arphic-ukai)
fc-list 2>/dev/null | grep -i "AR PL UMing" >/dev/null || need+=(fonts-arphic-uming)
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui libreoffice-calc-nogui)
# pdftotext/pdffonts/pdftoppm: the report tests check that converted PDFs carry their Chinese text.
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
# python3-uno lets pufa keep one LibreOffice resident for fast report PDFs (without it, soffice is started each time).
/usr/bin/python3 -c "import uno" >/dev/null 2>&1 || need+=(python3-uno)
# wrk: the load tool of bench/throughput.py (10 connections on loopback).
command -v wrk >/dev/null 2>&1 || need+=(wrk)
# nginx and Redis: scripts/cluster.sh runs its own of each on loopback (tests/deploy/test_cluster.py).
{ command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; } || need+=(nginx)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
{ command -v pg_ctlcluster >/dev/null 2>&1 && ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; } \
  || need+=(postgresql)

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
echo "setup-system: installing ${need[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# Debian starts the packaged nginx on port 80 of every interface; pufa's cluster starts its own on loopback.
if [[ " ${need[*]} " == *" nginx "* ]] && [ -d /run/systemd/system ]; then
  $SUDO systemctl disable --now nginx >/dev/null 2>&1 || true
fi
