#!/usr/bin/env python
"""Glossary search latency as the glossary grows: 300, 3,000 and 30,000 terms.

A scratch PostgreSQL database gets the migrations and the bundled glossary, then synthetic terms
beside it (names built from deep-learning words and made-up ones, aliases, abbreviations and
definitions drawn from a shared vocabulary, so common words such as "network" recur in thousands
of rows) up to each size. At each size every query of glossary/tests/search_probes.yaml and a
set of typing prefixes ("con", "grad") is ranked --rounds times straight from the database
(term_search's ranking query; the shared cache and the rows kept in process are what a repeated
query costs, and that is not measured here). Prints p50/p99/max per size, the slowest queries
and whether any plan scans a whole table.

    .venv/bin/python bench/search.py [--sizes 300,3000,30000] [--rounds 3] [--limit 20] [--keep]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _stack import ROOT, ensure_database, prepare, production_env  # noqa: E402

DB_NAME = "bench_dlp_search"
PREFIXES = ["con", "conv", "grad", "net", "lay", "norm", "atten", "tra", "re", "lo", "ba"]
DL_WORDS = [
    "network",
    "neural",
    "layer",
    "convolutional",
    "recurrent",
    "attention",
    "gradient",
    "descent",
    "loss",
    "function",
    "normalization",
    "batch",
    "residual",
    "block",
    "encoder",
    "decoder",
    "transformer",
    "embedding",
    "activation",
    "pooling",
    "dropout",
    "learning",
    "rate",
    "model",
    "deep",
    "sparse",
    "dense",
    "token",
    "sequence",
    "kernel",
    "feature",
    "latent",
    "variational",
    "adversarial",
    "generative",
    "stochastic",
    "adaptive",
    "momentum",
    "weight",
    "bias",
]
SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ne",
    "ru",
    "sa",
    "te",
    "vo",
    "zen",
    "dra",
    "qui",
    "pol",
    "tar",
    "fex",
    "wun",
    "bri",
    "cos",
    "gal",
    "hep",
    "jor",
]


def made_up_word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))


def synthetic_term(rng: random.Random, index: int) -> dict:
    words = [made_up_word(rng)] + rng.sample(DL_WORDS, rng.randint(1, 3))
    rng.shuffle(words)
    name = " ".join(word.capitalize() for word in words)
    aliases = [" ".join(rng.sample(words, len(words))) for _ in range(rng.randint(0, 2))]
    vocabulary = DL_WORDS + [made_up_word(rng) for _ in range(5)] + ["the", "of", "a", "that"]
    definition = " ".join(rng.choice(vocabulary) for _ in range(rng.randint(12, 25)))
    abbreviation = "".join(w[0] for w in words).upper() if rng.random() < 0.3 else ""
    return {
        "slug": f"synthetic-{index}",
        "name": name,
        "abbreviation": abbreviation,
        "aliases": aliases,
        "definition": definition.capitalize() + ".",
        "category": "fundamentals",
    }


def grow_to(size: int, rng: random.Random) -> float:
    """Add synthetic terms until the glossary has `size` terms; returns the seconds it took."""
    from django.db import connection

    from glossary.models import Term
    from glossary.services import term_index_invalidate, term_refresh_search_vectors

    started = time.perf_counter()
    have = Term.objects.count()
    while have < size:
        batch = [Term(**synthetic_term(rng, have + i)) for i in range(min(2000, size - have))]
        Term.objects.bulk_create(batch)  # no signals: the refresh below writes keys and vectors
        term_refresh_search_vectors(slugs=[term.slug for term in batch])
        have += len(batch)
    term_index_invalidate()
    with connection.cursor() as cursor:
        # What autovacuum does soon after bulk writes; until then the trigram indexes' pending
        # lists (GIN fastupdate) are read in full by every search.
        cursor.execute("VACUUM ANALYZE")
    return time.perf_counter() - started


def queries() -> list[str]:
    import yaml

    probes = yaml.safe_load((ROOT / "glossary/tests/search_probes.yaml").read_text("utf-8"))
    return [str(query) for group in probes.values() for query in group] + PREFIXES


def measure(all_queries: list[str], rounds: int, limit: int) -> list[tuple[float, str]]:
    from glossary.selectors import _ranked_ids

    timings = []
    for _ in range(rounds):
        for query in all_queries:
            started = time.perf_counter()
            _ranked_ids(query, limit)
            timings.append(((time.perf_counter() - started) * 1000, query))
    return timings


def full_scans(all_queries: list[str], limit: int) -> dict[str, list[str]]:
    """Tables some query's plan reads from end to end (the small lessons tables are fine)."""
    from django.db import connection

    from glossary import selectors

    scanned: dict[str, list[str]] = {}
    with connection.cursor() as cursor:
        for query in all_queries:
            params = selectors._ranking_params(query, limit)
            if params is None:
                continue
            sql = selectors._ranking(selectors.hooks.term_uses())
            cursor.execute("EXPLAIN " + sql, params)
            for (line,) in cursor.fetchall():
                if "Seq Scan on glossary_" in line:
                    table = line.split("Seq Scan on ")[1].split()[0]
                    scanned.setdefault(table, []).append(query)
    return scanned


def report(
    size: int, grow_s: float, timings: list[tuple[float, str]], scans: dict[str, list[str]]
) -> None:
    ms = sorted(t for t, _ in timings)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    slowest = sorted(timings, reverse=True)[:3]
    print(
        f"{size:>6} terms (grown in {grow_s:5.1f} s): {len(ms)} searches, "
        f"p50 {statistics.median(ms):6.1f} ms  p99 {p99:6.1f} ms  max {ms[-1]:6.1f} ms"
    )
    print("        slowest: " + ", ".join(f"{q!r} {t:.1f} ms" for t, q in slowest))
    plans = [f"{table} ({len(found)} plans, e.g. {found[0]!r})" for table, found in scans.items()]
    print("        full scans: " + (", ".join(plans) or "none"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="300,3000,30000")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--limit", type=int, default=20, help="the API's and live search's limit")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()
    env = production_env(DB_NAME)
    ensure_database(DB_NAME)
    prepare(env)  # migrate and load_content, as a deployment does
    os.environ.update(env)
    import django

    django.setup()
    from glossary.models import Term

    rng = random.Random(11)
    all_queries = queries()
    print(f"bundled glossary: {Term.objects.count()} terms; {len(all_queries)} queries")
    try:
        for size in (int(s) for s in args.sizes.split(",")):
            grow_s = grow_to(size, rng)
            measure(all_queries, 1, args.limit)  # warm the caches of PostgreSQL itself
            timings = measure(all_queries, args.rounds, args.limit)
            report(size, grow_s, timings, full_scans(all_queries, args.limit))
    finally:
        if not args.keep:
            _drop()


def _drop() -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    url = "postgresql://postgres@127.0.0.1:5432/postgres"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}"')


if __name__ == "__main__":
    main()
