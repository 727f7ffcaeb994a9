"""Issue 14 §2: importing never overwrites curated glossary text silently.

A realistic 24-pair deck (own wording, typos included) whose terms mostly exist in the bundled
glossary under other names: matched by name, alias and abbreviation, never changed without
--update, reported side by side, dry run exact, recorded, and undone.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Iterator
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from conftest import module_rows
from glossary.import_log import term_snapshot
from glossary.models import ImportRecord, Term

from .conftest import FIXTURES

pytestmark = pytest.mark.django_db
DECK = FIXTURES / "text" / "conflicting_deck.txt"
NEW_TERMS = {"hidden-markov-model", "knowledge-graph", "feature-store", "data-lake"}


def _run(*args: str) -> str:
    out = StringIO()
    call_command("import_content", *args, stdout=out)
    return out.getvalue()


def _load_glossary() -> dict[str, dict]:
    from glossary import content

    content.load(stdout=io.StringIO())
    return _state()


@pytest.fixture(scope="module")
def bundled_glossary(request, django_db_setup, django_db_blocker) -> Iterator[dict[str, dict]]:
    """The bundled glossary, loaded once for the module (two seconds of CPU a load)."""
    yield from module_rows(request, django_db_blocker, _load_glossary)


@pytest.fixture
def glossary(bundled_glossary, db) -> dict[str, dict]:
    return copy.deepcopy(bundled_glossary)


def _state() -> dict[str, dict]:
    return {term.slug: term_snapshot(term) for term in Term.objects.all()}


# Before the first test that loads the glossary: it needs an empty one (see module_rows).
def test_a_term_repeated_under_two_spellings_in_one_file_is_imported_once(db, tmp_path):
    deck = tmp_path / "deck.txt"
    deck.write_text("Data Lake\nA store of raw data.\nData lakes\nAnother wording.\n")
    out = _run(str(deck))
    assert Term.objects.count() == 1 and "repeats line 1" in out


def test_conflicting_deck_changes_no_existing_term_without_update(glossary):
    out = _run(str(DECK), "--user", "ana")
    after = _state()
    assert {slug: after[slug] for slug in glossary} == glossary  # not one field changed
    assert set(after) - set(glossary) == NEW_TERMS  # only the four really new terms
    assert "created 4, updated 0, skipped 20" in out
    # Matched under other names: abbreviation, alias, plural, British spelling.
    for line in [
        "'RNN' matches existing term 'Recurrent Neural Network' [recurrent-neural-network]",
        "'LSTM' matches existing term 'Long Short-Term Memory' [long-short-term-memory]",
        "'Neural Net' matches existing term 'Artificial Neural Network'",
        "'Backprop' matches existing term 'Backpropagation'",
        "'Epochs' matches existing term 'Epoch'",
        "'Batch normalisation' matches existing term 'Batch Normalization'",
        "'Deep Learning' matches existing term 'Deep Learning' [deep-learning] by slug",
    ]:
        assert line in out, line
    # Side by side: the curated wording on the left, the deck's (typos and all) on the right.
    assert "existing" in out and "| incoming" in out and "wich learn" in out
    assert "--update=deep-learning,recurrent-neural-network," in out


def test_dry_run_with_update_shows_exactly_what_would_change_and_saves_nothing(glossary):
    out = _run(str(DECK), "--dry-run", "--update=deep-learning")
    assert _state() == glossary and not ImportRecord.objects.exists()
    assert "would have created 4, updated 1" in out
    assert "  ~ deep-learning:" in out and "wich learn features by themselves." in out
    assert "  + new term data-lake:" in out


def test_update_replaces_only_the_listed_terms_then_undo_restores(glossary):
    out = _run(str(DECK), "--update=deep-learning,long-short-term-memory,nonexistent")
    after = _state()
    changed = {slug for slug in glossary if after[slug] != glossary[slug]}
    assert changed == {"deep-learning", "long-short-term-memory"}
    assert after["deep-learning"]["definition"].startswith("Machine learning with neural")
    assert after["deep-learning"]["name"] == "Deep Learning"  # name, aliases kept
    assert (
        after["long-short-term-memory"]["aliases"] == glossary["long-short-term-memory"]["aliases"]
    )
    assert "--update nonexistent: not a conflict in this file" in out

    record = ImportRecord.objects.get()
    assert record.actor and record.filename == "conflicting_deck.txt"
    assert record.target == "glossary" and len(record.changes) == 6
    lstm = next(c for c in record.changes if c["key"] == "long-short-term-memory")
    assert lstm["action"] == "updated"
    assert lstm["before"] == glossary["long-short-term-memory"]
    assert lstm["after"]["definition"].startswith("A recurent cell")
    assert f"Recorded as import {record.pk}" in out

    history = _run("--history")
    assert "conflicting_deck.txt" in history and "updated: deep-learning" in history

    undo = _run("--undo", str(record.pk), "--user", "ben")
    assert "deleted 4, restored 2" in undo
    assert _state() == glossary
    record.refresh_from_db()
    assert record.undone_at is not None and record.undone_by == "ben"
    with pytest.raises(CommandError, match="already undone"):
        _run("--undo", str(record.pk))


def test_undo_refuses_to_lose_later_edits_unless_forced(glossary):
    _run(str(DECK), "--update=deep-learning")
    record = ImportRecord.objects.get()
    term = Term.objects.get(slug="deep-learning")
    term.definition = "Edited by hand after the import."
    term.save()
    with pytest.raises(CommandError, match="changed since the import.*deep-learning"):
        _run("--undo", str(record.pk))
    assert Term.objects.filter(slug__in=NEW_TERMS).count() == 4  # nothing undone
    _run("--undo", str(record.pk), "--force")
    assert _state() == glossary


def test_every_import_is_recorded_and_a_deck_import_can_be_undone(glossary):
    from flashcards.models import Deck

    _run(str(DECK), "--deck", "my-deck", "--user", "ana")
    deck = Deck.objects.get(slug="my-deck")
    assert deck.cards.count() == 24
    record = ImportRecord.objects.get(target="deck")
    assert record.deck_slug == "my-deck" and record.actor == "ana"
    assert [c["action"] for c in record.changes].count("card-created") == 24
    assert _state() == glossary  # a deck import never touches the glossary
    _run("--undo", str(record.pk))
    assert not Deck.objects.filter(slug="my-deck").exists()


def test_bad_line_aborts_everything_with_its_number(glossary, tmp_path):
    bad = tmp_path / "deck.txt"
    bad.write_text(DECK.read_text() + "A term without a definition\n")
    with pytest.raises(CommandError, match=r"line 49: term 'A term without a definition'"):
        _run(str(bad), "--update")
    assert _state() == glossary and not ImportRecord.objects.exists()


def test_two_lines_matching_one_existing_term_change_it_at_most_once(glossary, tmp_path):
    deck = tmp_path / "deck.txt"
    deck.write_text("RNN\nA looping network.\nRecurrent network\nAnother wording.\n")
    out = _run(str(deck), "--update")
    assert "line 3: also matches 'Recurrent Neural Network', already matched by line 1" in out
    record = ImportRecord.objects.get()
    assert [c["key"] for c in record.changes] == ["recurrent-neural-network"]
    _run("--undo", str(record.pk))
    assert _state() == glossary
