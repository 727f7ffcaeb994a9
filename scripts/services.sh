#!/usr/bin/env bash
# Make sure PostgreSQL and Redis answer on 127.0.0.1 for the test suite: start them when they are
# installed but stopped. With no system PostgreSQL the tests start the embedded one that pip
# installed (dlplatform/embedded_db.py); Redis must be installed.
set -euo pipefail

PG_PORT=${PG_PORT:-5432}
REDIS_PORT=${REDIS_PORT:-6379}

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for() {  # name port
  for _ in $(seq 1 60); do listening "$2" && return 0; sleep 0.5; done
  echo "error: $1 did not come up on 127.0.0.1:$2" >&2; return 1
}

if ! listening "$PG_PORT"; then
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    version=$(ls /etc/postgresql | sort -V | tail -n 1)
    echo "Starting PostgreSQL $version ..."
    pg_ctlcluster --skip-systemctl-redirect "$version" main start
    wait_for PostgreSQL "$PG_PORT"
  else
    echo "No system PostgreSQL on 127.0.0.1:$PG_PORT: the tests start the embedded one (var/test-pg)."
  fi
fi

if ! listening "$REDIS_PORT"; then
  if command -v redis-server >/dev/null 2>&1; then
    echo "Starting Redis ..."
    mkdir -p /tmp/redis-test
    redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" \
      --appendonly no --dir /tmp/redis-test --logfile /tmp/redis-test/redis.log
    wait_for Redis "$REDIS_PORT"
  else
    echo "error: Redis is not installed. Install it (Debian/Ubuntu: apt-get install -y redis-server)." >&2
    exit 1
  fi
fi
echo "Redis :$REDIS_PORT is up; PostgreSQL: :$PG_PORT if it answers, else the embedded server."
