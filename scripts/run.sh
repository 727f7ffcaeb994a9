#!/usr/bin/env bash
# `make run`: set up and run the whole platform in the foreground (web + Celery workers).
# Ctrl-C stops everything. Embedded defaults: SQLite and Celery's filesystem transport in var/.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBUG="${DEBUG:-1}"
BIN=.venv/bin
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
VAR_DIR="${VAR_DIR:-var}"
export VAR_DIR
mkdir -p "$VAR_DIR"

$BIN/python manage.py migrate --noinput
if [ -d ../shared/data/mnist ]; then
  $BIN/python manage.py playground_data install --from ../shared/data/mnist || true
fi
$BIN/python manage.py load_content
if [ "$DEBUG" = "1" ] || [ "${DEMO_USERS:-0}" = "1" ]; then
  $BIN/python manage.py create_demo_users
fi

pids=()
cleanup() {
  trap - INT TERM EXIT
  echo; echo "Stopping ..."
  kill -TERM "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
}
trap cleanup INT TERM EXIT

# Two workers so that a try-it inference never waits behind a training; the training worker
# also runs the periodic reaper (beat).
$BIN/celery -A dlplatform worker -Q training -c 1 -n "training@%h" -B \
  -s "$VAR_DIR/celerybeat-schedule" --loglevel INFO & pids+=($!)
$BIN/celery -A dlplatform worker -Q inference -c 1 -n "inference@%h" --loglevel INFO & pids+=($!)
echo "Open http://$HOST:$PORT/  (Ctrl-C stops the web server and the workers)"
if [ -z "${EMAIL_URL:-}${EMAIL_HOST:-}" ]; then
  if [ "$DEBUG" = "1" ]; then
    echo "E-mail (password-reset links) is not sent: each message is a file in $VAR_DIR/mail/"
  else
    echo "E-mail goes to the SMTP server on localhost:25 (set EMAIL_URL or EMAIL_HOST to change)"
  fi
else
  echo "E-mail goes out by SMTP (EMAIL_URL / EMAIL_HOST)"
fi
$BIN/python manage.py runserver "$HOST:$PORT" --noreload & pids+=($!)
wait -n "${pids[@]}"
