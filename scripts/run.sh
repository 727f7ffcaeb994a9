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

fresh_db=0
if [ -z "${DATABASE_URL:-}" ]; then
  # The embedded PostgreSQL: created on the first run, started (or found running) on the next.
  [ -f "$VAR_DIR/pg/PG_VERSION" ] || fresh_db=1
  "$PY" -m dlplatform.embedded_db status --data "$VAR_DIR/pg" || stop_db=1
  DATABASE_URL="$("$PY" -m dlplatform.embedded_db start --data "$VAR_DIR/pg")"
  export DATABASE_URL
fi
# What this database already holds, so that a second run skips what has not changed.
stamps="$VAR_DIR/stamps/$(printf %s "$DATABASE_URL" | sha1sum | cut -c1-12)"
if [ "$fresh_db" = 1 ]; then rm -rf "$stamps"; fi
mkdir -p "$stamps"

echo "Migrating the database ..."
"$PY" manage.py migrate --noinput -v 0
if [ ! -f "${PLAYGROUND_DATA_DIR:-$VAR_DIR/data}/mnist/t10k-labels-idx1-ubyte.gz" ]; then
  ./scripts/mnist.sh  # the web pages check the files' md5 before offering a run
fi
content="$(find glossary/content lessons/content quizzes/content ./*/content.py \
  -type f -print0 | sort -z | xargs -0 sha1sum | sha1sum | cut -c1-40)"
terms="$("$PY" -c 'import os, psycopg
url = os.environ["DATABASE_URL"].replace("postgres://", "postgresql://", 1)
print(psycopg.connect(url).execute("SELECT count(*) FROM glossary_term").fetchone()[0])' 2>/dev/null || echo 0)"
if [ "$terms" != 0 ] && [ "$(cat "$stamps/content" 2>/dev/null || true)" = "$content" ]; then
  echo "The study content is unchanged since the last run: not reloaded."
else
  echo "Loading the study content ..."
  "$PY" manage.py load_content
  echo "$content" > "$stamps/content"
fi
if [ "$DEBUG" = "1" ] || [ "${DEMO_USERS:-0}" = "1" ]; then
  "$PY" manage.py create_demo_users
fi

if [ "$(id -u)" = 0 ]; then
  # Celery prints a long warning per worker when run as root (it accepts only JSON here, so root
  # is allowed); say it once, plainly, instead.
  export PYTHONWARNINGS="ignore:You're running the worker with superuser privileges"
  echo "Running as root: the Celery workers run as root too (fine on your own machine)."
fi
# Three workers so that a try-it inference (or a quiz statistics recompute, queue `reports`) never
# waits behind a training; the training worker
# also runs the periodic reaper (beat). `python -m celery` puts this checkout first on sys.path.
# Each runs under scripts/supervise.sh, which starts it again when it exits (its watchdog ends
# a wedged worker, dlplatform/watchdog.py) or stops touching its alive file.
host="$("$PY" -c 'import socket; print(socket.gethostname())')"
export PY
./scripts/supervise.sh --alive "training@$host" -- "$PY" -m celery -A dlplatform worker \
  -Q training -c 1 -n "training@$host" -B -s "$VAR_DIR/celerybeat-schedule" \
  --loglevel WARNING & pids+=($!)
./scripts/supervise.sh --alive "inference@$host" -- "$PY" -m celery -A dlplatform worker \
  -Q inference,reports -c 1 -n "inference@$host" --loglevel WARNING & pids+=($!)
# The audio lessons' text-to-speech renders (queue `audio`, lessons/tasks.py): after a content
# load there are a few hundred, which must not hold up a training or a try-it: one process, at a
# lower CPU priority (nice 10), so on a 2-core machine the web and the trainings come first.
./scripts/supervise.sh --alive "audio@$host" -- nice -n 10 "$PY" -m celery -A dlplatform worker \
  -Q audio -c 1 -n "audio@$host" --loglevel WARNING & pids+=($!)
echo "Open http://$HOST:$PORT/  (Ctrl-C stops the web server, the workers and PostgreSQL)"
if [ -z "${EMAIL_URL:-}${EMAIL_HOST:-}" ]; then
  if [ "$DEBUG" = "1" ]; then
    echo "E-mail (password-reset links) is not sent: each message is a file in $VAR_DIR/mail/"
  else
    echo "E-mail goes to the SMTP server on localhost:25 (set EMAIL_URL or EMAIL_HOST to change)"
  fi
else
  echo "E-mail goes out by SMTP (EMAIL_URL / EMAIL_HOST)"
fi
"$PY" manage.py runserver "$HOST:$PORT" --noreload & pids+=($!)
wait -n "${pids[@]}"
