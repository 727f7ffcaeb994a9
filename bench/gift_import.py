"""GIFT import time against answers per question: prints seconds for each size.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> .venv/bin/python bench/gift_import.py \
        [--sizes 1000,2000,20000] [--cap N]

Each file is one single-choice question with N answers (`{=right ~wrong1 ~wrong2 ...}`), imported
with questions_import(dry_run=True): every row is written, then the transaction rolls back, so
the database is left as it was. `--cap N` raises the per-question answer cap (MAX_ANSWERS) for
the run, to time the import path beyond the limit; without it sizes over the cap measure how
fast the file is refused. A last line times 200 questions of 100 answers (20,000 answers in all).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dlplatform.settings")
os.environ.setdefault("DEBUG", "1")


def gift_question(n: int, name: str = "big") -> str:
    wrong = " ".join(f"~wrong answer {i}" for i in range(1, n))
    return f"::{name}:: Which one is right? {{=right answer {wrong}}}\n"


def timed(text: str) -> tuple[float, str]:
    from quizzes.services.importing import questions_import

    started = time.perf_counter()
    report = questions_import(text=text, fmt="gift", dry_run=True)
    elapsed = time.perf_counter() - started
    outcome = report.summary() if report.ok else f"refused: {report.errors[0]}"
    return elapsed, outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,2000,4000,20000")
    parser.add_argument("--cap", type=int, default=0, help="raise MAX_ANSWERS to this for the run")
    args = parser.parse_args()
    import django

    django.setup()
    if args.cap:
        from quizzes.formats import result

        result.MAX_ANSWERS = args.cap
    for n in (int(s) for s in args.sizes.split(",")):
        elapsed, outcome = timed(gift_question(n))
        print(f"1 question, {n:>6} answers: {elapsed:8.2f} s  ({outcome})", flush=True)
    many = "\n".join(gift_question(100, f"q{i}") for i in range(200))
    elapsed, outcome = timed(many)
    print(f"200 questions x 100 answers: {elapsed:8.2f} s  ({outcome})", flush=True)


if __name__ == "__main__":
    main()
