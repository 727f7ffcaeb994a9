#!/usr/bin/env bash
# The MNIST digits for the playground (`make mnist`, and every `make run`): nothing when they are
# installed; else the 10k set from $MNIST_DIR (../shared/data/mnist) when it is there; else the
# official files downloaded and checked by md5; offline, one line that says so.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
MNIST_DIR="${MNIST_DIR:-../shared/data/mnist}"

# grep without -q reads every line: an early exit would break the command's pipe.
if "$PY" manage.py playground_data status | grep ": ready" >/dev/null; then
  exit 0
fi
if [ -d "$MNIST_DIR" ]; then
  echo "Installing the MNIST digits from $MNIST_DIR ..."
  "$PY" manage.py playground_data install --from "$MNIST_DIR" >/dev/null
  echo "Installed the MNIST digits."
elif "$PY" manage.py playground_data download --timeout "${MNIST_TIMEOUT_S:-20}" >/dev/null 2>&1; then
  echo "Downloaded the MNIST digits (checked by md5)."
else
  echo "MNIST is not installed: no $MNIST_DIR and no download (offline?); digit runs wait for it (make mnist)."
fi
