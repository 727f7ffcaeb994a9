#!/usr/bin/env bash
# `make run`: set up and run the whole platform in the foreground (web + Celery workers).
# Ctrl-C stops everything. Embedded defaults: PostgreSQL from pip (`dlplatform/embedded_db.py`,
# data in var/pg, a unix socket) and Celery's filesystem transport in var/broker; no Redis.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBUG="${DEBUG:-1}"
BIN=.venv/bin
PY="$BIN/python"
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
VAR_DIR="${VAR_DIR:-var}"
VAR_DIR="$(mkdir -p "$VAR_DIR" && cd "$VAR_DIR" && pwd)"
export VAR_DIR

pids=()
stop_db=0
cleanup() {
  trap - INT TERM EXIT
  echo; echo "Stopping ..."
  if [ "${#pids[@]}" -gt 0 ]; then
    kill -TERM "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
  fi
  if [ "$stop_db" = 1 ]; then "$PY" -m dlplatform.embedded_db stop --data "$VAR_DIR/pg"; fi
}
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM
trap cleanup EXIT

if [ -z "${DATABASE_URL:-}" ]; then
  # The embedded PostgreSQL: created on the first run, started (or found running) on the next.
  "$PY" -m dlplatform.embedded_db status --data "$VAR_DIR/pg" || stop_db=1
  DATABASE_URL="$("$PY" -m dlplatform.embedded_db start --data "$VAR_DIR/pg")"
  export DATABASE_URL
fi

"$PY" manage.py migrate --noinput -v 0
./scripts/mnist.sh
"$PY" manage.py load_content
if [ "$DEBUG" = "1" ] || [ "${DEMO_USERS:-0}" = "1" ]; then
  "$PY" manage.py create_demo_users
fi

if [ "$(id -u)" = 0 ]; then
  # Celery prints a long warning per worker when run as root (it accepts only JSON here, so root
  # is allowed); say it once, plainly, instead.
  export PYTHONWARNINGS="ignore:You're running the worker with superuser privileges"
  echo "Running as root: the Celery workers run as root too (fine on your own machine)."
fi
# Two workers so that a try-it inference never waits behind a training; the training worker
# also runs the periodic reaper (beat). `python -m celery` puts this checkout first on sys.path.
"$PY" -m celery -A dlplatform worker -Q training -c 1 -n "training@%h" -B \
  -s "$VAR_DIR/celerybeat-schedule" --loglevel WARNING & pids+=($!)
"$PY" -m celery -A dlplatform worker -Q inference -c 1 -n "inference@%h" --loglevel WARNING & pids+=($!)
echo "Open http://$HOST:$PORT/  (Ctrl-C stops the web server, the workers and PostgreSQL)"
"$PY" manage.py runserver "$HOST:$PORT" --noreload & pids+=($!)
wait -n "${pids[@]}"
