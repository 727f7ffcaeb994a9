"""The SQLite search path (`make run`), run for real in a child process on a SQLite file.

The test suite itself runs on PostgreSQL, so the child process sets up Django with the
default (SQLite) settings, creates the glossary table, loads the fixture glossary and
calls the same `term_search` the views use.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
import io, json, sys
from pathlib import Path
import django
django.setup()
from django.db import connection
from glossary.models import Term
from glossary.content import load
from glossary.selectors import term_search
assert connection.vendor == "sqlite", connection.vendor
with connection.schema_editor() as editor:
    editor.create_model(Term)
load(stdout=io.StringIO(), directory=Path(sys.argv[1]))
queries = json.loads(sys.argv[2])
print(json.dumps({q: [t.slug for t in term_search(query=q, limit=5)] for q in queries}))
"""
QUERIES = [
    "GRU",
    "gru",
    "mse",
    "neural network",
    "Convolution",
    "backprop",
    "filter",
    "ConvNet",
    "zzz",
    " ",
]


@pytest.fixture(scope="module")
def sqlite_results(tmp_path_factory) -> dict[str, list[str]]:
    var = tmp_path_factory.mktemp("sqlite-var")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="dlplatform.settings",
        DEBUG="1",
        VAR_DIR=str(var),
        DATABASE_URL=f"sqlite:///{var / 'db.sqlite3'}",
    )
    fixtures = Path(__file__).resolve().parent / "fixtures" / "terms"
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(fixtures), json.dumps(QUERIES)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_abbreviation_exact_and_case_insensitive_first(sqlite_results):
    assert sqlite_results["GRU"][0] == "gated-recurrent-unit"
    assert sqlite_results["gru"][0] == "gated-recurrent-unit"
    assert sqlite_results["mse"][0] == "mean-squared-error"


def test_substring_of_names_and_name_start_ranks_first(sqlite_results):
    assert set(sqlite_results["neural network"]) == {
        "convolutional-neural-network",
        "recurrent-neural-network",
    }
    assert sqlite_results["Convolution"][:2] == ["convolution", "convolutional-neural-network"]
    assert sqlite_results["backprop"][0] == "backpropagation"


def test_aliases_match_before_definitions(sqlite_results):
    assert (
        sqlite_results["filter"][0] == "kernel"
    )  # alias; the CNN definition only mentions filters
    assert sqlite_results["ConvNet"] == ["convolutional-neural-network"]


def test_no_match_and_blank(sqlite_results):
    assert sqlite_results["zzz"] == [] and sqlite_results[" "] == []
