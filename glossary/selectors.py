"""Reads of the glossary: ranked search over normalised names (pg_trgm), index, pages."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from string import ascii_uppercase
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Prefetch, QuerySet
from django.db.models.functions import Lower

from . import hooks, search_text
from .caches import search_rows, term_index
from .models import SearchWord, Term, TermSearchKey

MAX_QUERY_LENGTH = 100
MAX_QUERY_WORDS = 8
SEARCH_CACHE_S = 600
# Words that say what kind of thing a term is rather than which one ("sgd optimizer", "lstm
# layer"): they count for half as much as the other words of a query.
GENERIC_WORDS = frozenset(
    [
        "activation",
        "algorithm",
        "architecture",
        "function",
        "layer",
        "loss",
        "method",
        "model",
        "network",
        "neural",
        "optimizer",
        "problem",
        "technique",
    ]
)
GENERIC_WORD_FACTOR = 0.5
# Candidates scored in full (key coverage, popularity): more than any page shows.
RANKING_POOL = 200

# One statement, so a search is one round trip. Names and aliases are matched through the
# trigram indexes on their keys (see search_text and TermSearchKey), definitions through the
# full-text GIN index, and only the best RANKING_POOL candidates are scored further, so the
# cost follows the matches, not the size of the glossary. Order: the whole query equal to a
# name or abbreviation, then to an alias; then the score (word by word, weighted, plus a bonus
# for a name typed whole); then coverage of the key; then popularity; definitions last.
RANKING_SQL = """
WITH words(w, factor, i) AS (
    SELECT * FROM unnest(%(words)s::text[], %(factors)s::float8[]) WITH ORDINALITY
),
near AS (
    -- The words of all names and aliases near each query word, each word compared once. The
    -- trigram index finds them (similarity's %%, 0.3, for typos; word_similarity's <%%, 0.6,
    -- for a word still being typed) and edit distance scores them: one typo in "decent" costs
    -- 1/7, and a word that starts a longer one ("backpr") gets 0.8.
    SELECT words.i, v.word, greatest(
        1 - levenshtein(words.w, v.word)::float / greatest(length(words.w), length(v.word)),
        CASE WHEN length(words.w) >= 3 AND starts_with(v.word, words.w) THEN 0.8 ELSE 0 END
    ) AS sim
    FROM words JOIN {vocabulary} v ON v.word %% words.w OR words.w <%% v.word
),
word_hits AS (
    -- Each query word scored on its own, so one noise word does not sink the rest.
    SELECT k.term_id, near.i, max(near.sim) AS sim
    FROM near JOIN {keys} k ON k.key = near.word AND k.kind = 0
    WHERE near.sim >= 0.5
    GROUP BY k.term_id, near.i
),
weights AS (
    -- A word many terms share ("layer") counts for less than a rare one ("softmax").
    SELECT words.i, words.factor / (1 + ln(1 + count(h.term_id))) AS weight
    FROM words LEFT JOIN word_hits h ON h.i = words.i
    GROUP BY words.i, words.factor
),
word_scores AS (
    SELECT h.term_id, sum(h.sim * wt.weight) / (SELECT sum(weight) FROM weights) AS score
    FROM word_hits h JOIN weights wt ON wt.i = h.i
    GROUP BY h.term_id
),
whole_hits AS (
    -- The query without spaces against names without spaces: "drop out", "batchnorm"; near
    -- spellings of it only when nothing matched exactly and no word of the query is close to a
    -- word of a name (joined words with a typo: "batchnormalizaton"): those scans cost most.
    SELECT term_id, max(score) AS score, max(exact) AS exact
    FROM (
        SELECT k.term_id, similarity(%(kept)s, k.compact) AS score, k.kind AS exact
        FROM {keys} k
        WHERE k.kind > 0 AND k.compact IN (%(kept)s, %(whole)s)
        UNION ALL
        SELECT k.term_id, similarity(%(kept)s, k.compact), 0
        FROM {keys} k
        WHERE k.kind > 0 AND k.compact %% %(kept)s
          AND NOT EXISTS (SELECT 1 FROM word_hits WHERE sim >= 0.8)
          AND NOT EXISTS (
              SELECT 1 FROM {keys} x WHERE x.kind > 0 AND x.compact IN (%(kept)s, %(whole)s)
          )
    ) AS whole
    GROUP BY term_id
),
pool AS (
    SELECT coalesce(w.term_id, h.term_id) AS term_id, coalesce(h.exact, 0) AS exact,
           greatest(coalesce(w.score, 0), coalesce(h.score, 0)) AS score
    FROM word_scores w FULL JOIN whole_hits h ON h.term_id = w.term_id
    ORDER BY exact DESC, score DESC
    LIMIT %(pool)s
),
keyed AS (
    -- A name, abbreviation or alias typed whole inside a longer query ("adam algorithm")
    -- earns a bonus; the share of its best key the query covers breaks ties ("gradient
    -- decent" covers all of Gradient Descent, two thirds of Stochastic Gradient Descent),
    -- then a name that starts with the query's first word ("activation").
    SELECT k.term_id,
        max(CASE WHEN position(' ' || k.key || ' ' IN %(phrase)s) = 0 THEN 0
                 WHEN k.kind = 2 THEN 0.25 ELSE 0.15 END) AS bonus,
        max((SELECT count(*) FROM unnest(string_to_array(k.key, ' ')) AS kw
             WHERE EXISTS (SELECT 1 FROM words WHERE starts_with(kw, words.w)
                 OR 4 * levenshtein(kw, words.w) <= greatest(length(kw), length(words.w))))::float
            / cardinality(string_to_array(k.key, ' '))) AS share,
        max(CASE WHEN k.kind = 2 AND starts_with(k.key, %(first)s) THEN 1 ELSE 0 END) AS lead
    FROM {keys} k
    WHERE k.kind > 0 AND k.term_id IN (SELECT term_id FROM pool)
    GROUP BY k.term_id
),
defs AS (
    -- Definitions are the weakest signal: read only when names and aliases leave room.
    SELECT t.id AS term_id, ts_rank(t.search_vector, query) AS rank
    FROM {terms} t, to_tsquery('english', %(tsquery)s) AS query
    WHERE %(tsquery)s IS NOT NULL AND (SELECT count(*) FROM pool) < %(limit)s
      AND t.search_vector @@ query AND t.id NOT IN (SELECT term_id FROM pool)
    ORDER BY rank DESC
    LIMIT %(limit)s
),
ranked AS (
    SELECT pool.term_id, pool.exact, 1 AS named,
           round((pool.score + coalesce(keyed.bonus, 0))::numeric, 2) AS score,
           round(coalesce(keyed.share, 0)::numeric, 2) AS share, coalesce(keyed.lead, 0) AS lead
    FROM pool LEFT JOIN keyed ON keyed.term_id = pool.term_id
    UNION ALL
    SELECT term_id, 0, 0, round(rank::numeric, 2), 0, 0 FROM defs
)
SELECT t.id
FROM ranked r JOIN {terms} t ON t.id = r.term_id
ORDER BY r.exact DESC, r.named DESC, r.score DESC, r.share DESC, r.lead DESC,
    -- Then the term the course leans on more ("convolutonal": the network, not the layer):
    -- its related terms, and its uses in the apps above (lessons' sections, glossary/hooks.py).
    (SELECT count(*) FROM {related} x WHERE x.from_term_id = t.id){uses} DESC,
    t.name
LIMIT %(limit)s
"""


@lru_cache(maxsize=4)
def _ranking(uses: tuple[hooks.TermUses, ...]) -> str:
    return RANKING_SQL.format(
        terms=Term._meta.db_table,
        keys=TermSearchKey._meta.db_table,
        vocabulary=SearchWord._meta.db_table,
        related=Term.related.through._meta.db_table,
        uses="".join(
            f"\n    + (SELECT count(*) FROM {use.table} x WHERE x.{use.term_column} = t.id)"
            for use in uses
        ),
    )


def term_list(*, category: str = "") -> QuerySet[Term]:
    terms = Term.objects.defer("explanation", "search_vector")
    return terms.filter(category=category) if category else terms


def term_search(*, query: str, limit: int) -> list[Term]:
    """Best matches first: an exact name or abbreviation, an exact alias, then names and aliases
    by typo-tolerant similarity (see RANKING_SQL), then definitions; ties go to the term the
    course uses more. The header's live search, the glossary page and the API all call this."""
    query = " ".join(query.split())[:MAX_QUERY_LENGTH]
    if not query:
        return []
    key = _search_cache_key(query, limit)
    ids = cache.get(key)
    if ids is None:
        ids = _ranked_ids(query, limit)
        cache.set(key, ids, SEARCH_CACHE_S)
    found = _terms_by_pk(ids)
    return [found[pk] for pk in ids if pk in found]


def _terms_by_pk(ids: list[int]) -> dict[int, Term]:
    # Search results are terms every student sees alike: each process keeps the rows it has
    # shown until the term index version moves (any term saved or deleted).
    return search_rows.get_many_or_build(ids, lambda missing: term_list().in_bulk(missing))


def _search_cache_key(query: str, limit: int) -> str:
    # Every match in the search is case-insensitive, and the key follows the term index, so a
    # changed glossary never serves stale rankings.
    digest = hashlib.sha1(query.lower().encode()).hexdigest()
    return f"glossary:search:{term_index.version()}:{limit}:{digest}"


def _ranked_ids(query: str, limit: int) -> list[int]:
    params = _ranking_params(query, limit)
    if params is None:
        return []
    with connection.cursor() as cursor:
        cursor.execute(_ranking(hooks.term_uses()), params)
        return [pk for (pk,) in cursor.fetchall()]


def _ranking_params(query: str, limit: int) -> dict[str, Any] | None:
    typed = search_text.words(query)
    kept = search_text.meaningful(typed)[:MAX_QUERY_WORDS]
    if not kept:
        return None
    plain = search_text.meaningful(search_text.plain_words(query))[:MAX_QUERY_WORDS]
    return {
        "words": kept,
        "factors": [GENERIC_WORD_FACTOR if word in GENERIC_WORDS else 1.0 for word in kept],
        "phrase": f" {' '.join(kept)} ",
        "first": kept[0],
        "whole": "".join(typed),
        "kept": "".join(kept),
        # Prefix-match the definitions' words, so they count while the student types; not for
        # one or two letters, which start too many words for the index to be worth reading.
        "tsquery": " & ".join(f"{w}:*" if len(w) > 2 else w for w in plain) or None,
        "pool": max(RANKING_POOL, limit),
        "limit": limit,
    }


def term_get(*, slug: str) -> Term:
    """One term with its related terms, in 2 queries (apps above add panels: glossary/hooks.py)."""
    related = Prefetch("related", queryset=term_list().order_by("name"))
    # .all(): django-stubs types prefetch_related on a queryset, not on an as_manager() manager.
    return Term.objects.all().prefetch_related(related).get(slug=slug)


LETTERS = [*ascii_uppercase, "#"]
LETTER_PAGE_SIZE = 100


@dataclass(frozen=True)
class LetterPage:
    """What the A-Z page shows: the letter bar's counts and at most LETTER_PAGE_SIZE terms.

    A glossary (or category) that fits on one page is shown whole, grouped by letter; a larger
    one one letter at a time, in pages of LETTER_PAGE_SIZE, so the page costs the same at 300
    terms as at 30,000."""

    counts: dict[str, int]
    groups: list[tuple[str, list[Term]]]
    letter: str  # "" when the whole glossary is on the page
    page: int
    pages: int

    @property
    def total(self) -> int:
        return sum(self.counts.values())


# The letter bar's counts, per category, in the shared cache: counting reads every term (30,000
# rows took 100 ms on a busy machine), so it is done once per change of the glossary, not per
# view: the key carries the term index version, which every save, import and bulk write moves
# (glossary/caches.py); the timeout lets old versions' entries expire.
LETTER_COUNTS_KEY = "glossary:letter-counts"
LETTER_COUNTS_S = 300


def term_letter_counts(*, category: str = "") -> dict[str, int]:
    """Terms per letter: one grouped query, then from the cache until the glossary changes."""
    key = f"{LETTER_COUNTS_KEY}:{term_index.version()}"
    cached = cache.get(key) or {}
    if category in cached:
        return cached[category]
    rows = term_list(category=category).order_by().values_list("initial").annotate(n=Count("id"))
    counts = dict(rows)
    cache.set(key, {**cached, category: counts}, LETTER_COUNTS_S)
    return counts


def term_letter_page(*, category: str = "", letter: str = "", page: int = 1) -> LetterPage:
    """Two queries: the counts, then the page's terms (index range on letter, name order)."""
    counts = term_letter_counts(category=category)
    terms = term_list(category=category).order_by(Lower("name"), "id")
    if sum(counts.values()) <= LETTER_PAGE_SIZE:
        groups: dict[str, list[Term]] = {}
        for term in terms:
            groups.setdefault(term.initial, []).append(term)
        ordered = [(key, groups[key]) for key in LETTERS if key in groups]
        return LetterPage(counts=counts, groups=ordered, letter="", page=1, pages=1)
    if letter not in counts:
        letter = next(key for key in LETTERS if key in counts)
    pages = -(-counts[letter] // LETTER_PAGE_SIZE)
    page = min(max(page, 1), pages)
    start = (page - 1) * LETTER_PAGE_SIZE
    shown = list(terms.filter(initial=letter)[start : start + LETTER_PAGE_SIZE])
    return LetterPage(
        counts=counts, groups=[(letter, shown)], letter=letter, page=page, pages=pages
    )
