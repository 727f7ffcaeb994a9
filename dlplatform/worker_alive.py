"""`python -m dlplatform.worker_alive [--max-age S] [HOSTNAME ...]`: exit 0 if each named worker
(or, with none named, at least one) has touched its alive file within S seconds, else 1.

The file is touched by the worker's watchdog only while its checks pass (dlplatform/watchdog.py),
so a stale file means the worker is wedged beyond what its own watchdog can see, or gone. Docker
compose's healthcheck and scripts/supervise.sh run this. It imports neither Django nor Celery:
a check every few seconds must cost almost nothing.
"""

from __future__ import annotations

import argparse
import sys
import time

from dlplatform.watchdog import alive_dir, alive_path

DEFAULT_MAX_AGE_S = 60.0


def ages(hostnames: list[str], now: float | None = None) -> dict[str, float | None]:
    """Seconds since each worker's alive file was touched (None: no file)."""
    now = time.time() if now is None else now
    paths = [alive_path(h) for h in hostnames] or sorted(alive_dir().glob("*.alive"))
    found: dict[str, float | None] = {}
    for path in paths:
        try:
            found[path.stem] = now - path.stat().st_mtime
        except OSError:
            found[path.stem] = None
    return found


def alive(hostnames: list[str], max_age_s: float) -> tuple[bool, str]:
    seen = ages(hostnames)
    fresh = {h: a for h, a in seen.items() if a is not None and a <= max_age_s}
    ok = bool(fresh) and (not hostnames or len(fresh) == len(seen))
    parts = [f"{h}: {'no file' if a is None else f'{a:.0f} s ago'}" for h, a in seen.items()]
    return ok, "; ".join(parts) or f"no worker alive file in {alive_dir()}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("hostnames", nargs="*", help="worker names (celery -n), e.g. celery@host")
    parser.add_argument("--max-age", type=float, default=DEFAULT_MAX_AGE_S, help="seconds")
    args = parser.parse_args(argv)
    ok, detail = alive(args.hostnames, args.max_age)
    print(("alive: " if ok else "NOT alive: ") + detail)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
