"""Moodle XML round trip of a large bank: prints seconds to parse, to import (dry run) and to
export, and the import's queries, for a bank of N copies of every question of
quizzes/tests/fixtures/moodle_xml/all_types.xml.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> .venv/bin/python bench/moodle_xml_import.py \
        [--copies 10,100]

The import is questions_import(dry_run=True): every row is written, then rolled back, so the
database is left as it was. Each copy gets its own category, so idnumbers stay unique.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dlplatform.settings")
os.environ.setdefault("DEBUG", "1")
FIXTURE = ROOT / "quizzes" / "tests" / "fixtures" / "moodle_xml" / "all_types.xml"


def bank(copies: int) -> str:
    body = FIXTURE.read_text(encoding="utf-8")
    inner = body[body.index("<quiz>") + len("<quiz>") : body.index("</quiz>")]
    parts = [re.sub(r"\$course\$/top/", f"$course$/top/Copy {i}/", inner) for i in range(copies)]
    return '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>' + "".join(parts) + "</quiz>\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", default="10,100")
    args = parser.parse_args()
    import django

    django.setup()
    from django.db import connection

    from quizzes.formats import export_moodle_xml, parse_moodle_xml
    from quizzes.services.importing import questions_import

    for copies in (int(c) for c in args.copies.split(",")):
        text = bank(copies)
        started = time.perf_counter()
        parsed = parse_moodle_xml(text)
        parse_s = time.perf_counter() - started
        queries = [0]

        def count(execute, sql, params, many, context, queries=queries):  # type: ignore[no-untyped-def]
            queries[0] += 1
            return execute(sql, params, many, context)

        started = time.perf_counter()
        with connection.execute_wrapper(count):
            report = questions_import(text=text, fmt="moodlexml", dry_run=True)
        import_s = time.perf_counter() - started
        started = time.perf_counter()
        export_moodle_xml(parsed.questions)
        export_s = time.perf_counter() - started
        print(
            f"{len(parsed.questions):>5} questions ({len(text) / 1e6:.1f} MB): parse {parse_s:.2f} s, "
            f"dry-run import {import_s:.2f} s ({queries[0]} queries), export {export_s:.2f} s  ({report.summary()})",
            flush=True,
        )


if __name__ == "__main__":
    main()
