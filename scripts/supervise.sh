#!/usr/bin/env bash
# scripts/supervise.sh [--alive HOSTNAME] [--max-age S] -- COMMAND ...
# Runs COMMAND (a Celery worker, under `make run`) and starts it again whenever it exits, after a
# pause that doubles from 1 s to 30 s while it keeps failing within a minute of starting (a
# worker whose broker is down waits inside Celery; it does not crash-loop). SIGTERM/SIGINT stop
# the command and this script. This is what docker compose's `restart: unless-stopped` does for
# its containers.
#
# With --alive, the worker's alive file (touched by its watchdog, dlplatform/watchdog.py) is
# checked too: once the worker has touched it since its start, a file older than --max-age
# seconds (default 90) means the process is too hung even for its watchdog, and it is killed.
set -uo pipefail
alive=""
max_age="${WORKER_ALIVE_MAX_AGE_S:-90}"
PY="${PY:-python}"
while [ $# -gt 0 ]; do
  case "$1" in
    --alive) alive="$2"; shift 2 ;;
    --max-age) max_age="$2"; shift 2 ;;
    --) shift; break ;;
    *) break ;;
  esac
done
[ $# -gt 0 ] || { echo "usage: $0 [--alive HOSTNAME] [--max-age S] -- COMMAND ..." >&2; exit 2; }
alive_file=""
if [ -n "$alive" ]; then
  alive_file="$("$PY" -c 'import sys; from dlplatform.watchdog import alive_path
print(alive_path(sys.argv[1]))' "$alive")"
fi

child=""
stopping=0
termed=""
# The trap only records the request; the loop below passes it on, so a signal that lands while
# a new command is being started (before $child is known) is not lost.
stop() { stopping=1; pass_on_stop; }
pass_on_stop() {
  if [ "$stopping" = 1 ] && [ -n "$child" ] && [ "$termed" != "$child" ]; then
    termed="$child"
    kill -TERM "$child" 2>/dev/null || true
  fi
}
trap stop TERM INT

# SIGKILL for a worker and its pool children (which would otherwise outlive it, holding memory).
kill_tree() {
  local kids
  kids="$(cat /proc/"$1"/task/*/children 2>/dev/null || true)"
  kill -KILL "$1" 2>/dev/null || true
  for kid in $kids; do kill -KILL "$kid" 2>/dev/null || true; done
}

hung() {
  [ -n "$alive_file" ] && [ "$stopping" = 0 ] && [ -f "$alive_file" ] || return 1
  local touched now
  touched="$(stat -c %Y "$alive_file" 2>/dev/null || echo 0)"
  now="$(date +%s)"
  # Not touched since this start: still starting (or waiting for its broker), not hung.
  [ "$touched" -ge "$started" ] && [ $((now - touched)) -gt "$max_age" ]
}

backoff=1
while :; do
  started="$(date +%s)"
  "$@" &
  child=$!
  while kill -0 "$child" 2>/dev/null; do
    pass_on_stop
    sleep 1 &
    wait $! 2>/dev/null || true
    if hung; then
      echo "supervise: $alive has not touched $alive_file for over $max_age s; killing it" >&2
      kill_tree "$child"
      break  # `wait` below reaps it (kill -0 would still find the zombie)
    fi
  done
  wait "$child"
  rc=$?
  child=""
  if [ "$stopping" = 1 ]; then exit 0; fi
  if [ $(($(date +%s) - started)) -ge 60 ]; then backoff=1; fi
  echo "supervise: '$*' exited with status $rc; starting it again in $backoff s" >&2
  sleep "$backoff" &
  wait $! 2>/dev/null || true
  if [ "$stopping" = 1 ]; then exit 0; fi
  backoff=$((backoff * 2 > 30 ? 30 : backoff * 2))
done
