"""import_content: each format into the glossary or a deck, the seeds, dry run, re-import, errors."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from glossary.models import Term
from glossary.textformats import parse

from .conftest import FIXTURES

pytestmark = pytest.mark.django_db
TEXT = FIXTURES / "text"
SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
SEED_001 = next(SEEDS.glob("001_*.txt"), None)
SEED_000 = next(SEEDS.glob("000_*.txt"), None)


def _run(*args: str) -> str:
    out = StringIO()
    call_command("import_content", *args, stdout=out)
    return out.getvalue()


def test_help_text_documents_the_formats(capsys):
    with pytest.raises(SystemExit):
        call_command("import_content", "--help")
    help_text = capsys.readouterr().out
    assert "numbered" in help_text and "--dry-run" in help_text and "--deck" in help_text


def test_numbered_into_glossary_with_abbreviations():
    out = _run(str(TEXT / "numbered.txt"), "--category", "training")
    assert "created 4, updated 0, skipped 0" in out
    gan = Term.objects.get(slug="generative-adversarial-network")
    assert (gan.name, gan.abbreviation, gan.category) == (
        "Generative Adversarial Network",
        "GAN",
        "training",
    )
    batch = Term.objects.get(slug="mini-batch")
    assert batch.abbreviation == "MB" and batch.definition.startswith("- A small group")
    rate = Term.objects.get(slug="learning-rate")
    assert rate.definition == "The step size used when the optimizer moves the weights."
    assert rate.explanation == "It is usually the first hyperparameter to tune."


@pytest.mark.parametrize("name", ["pairs.txt", "quizlet.tsv", "anki.csv"])
def test_other_formats_into_glossary(name):
    out = _run(str(TEXT / name))
    assert "created" in out
    assert Term.objects.filter(slug__in=["stride", "dropout"]).exists()
    assert not Term.objects.filter(definition="").exists()


def test_qa_into_glossary_takes_what_is_questions_and_skips_others():
    out = _run(str(TEXT / "qa.txt"), "--format", "qa")
    assert set(Term.objects.values_list("name", flat=True)) == {"An epoch", "Optimizer"} - {
        "An epoch"
    } | {"Epoch"}
    assert "skipped: Why does the loss go up sometimes? (line 13" in out


def test_dry_run_saves_nothing_and_lists_changes():
    out = _run(str(TEXT / "pairs.txt"), "--dry-run")
    assert "created: Stride" in out and "would have created 3" in out
    assert Term.objects.count() == 0


def test_reimport_never_duplicates_and_updates_only_when_asked(tmp_path, sample_terms):
    kept = Term.objects.get(slug="kernel").definition
    first = _run(str(TEXT / "pairs.txt"))
    # Kernel exists in the sample glossary: a conflict, shown and left alone.
    assert "created 2, updated 0, skipped 1" in first and "CONFLICT line 6" in first
    assert Term.objects.get(slug="kernel").definition == kept
    assert "created 0, updated 0, skipped 3" in _run(str(TEXT / "pairs.txt"))  # no duplicates
    _run(str(TEXT / "pairs.txt"), "--update=kernel")
    kernel = Term.objects.get(slug="kernel")
    assert kernel.definition == "A small grid of weights slid over the input."
    assert (kernel.category, kernel.aliases) == ("layers", ["filter"])  # kept from the original
    changed = tmp_path / "pairs.txt"
    changed.write_text((TEXT / "pairs.txt").read_text().replace("How far", "How many pixels"))
    assert "created 0, updated 0, skipped 3" in _run(str(changed))
    assert "created 0, updated 1, skipped 2" in _run(str(changed), "--update")
    assert Term.objects.filter(slug="stride").count() == 1


def test_parse_errors_abort_with_line_numbers():
    with pytest.raises(CommandError) as excinfo:
        _run(str(TEXT / "bad_numbered.txt"))
    assert "line 4: no definition after the term: 'Batch'" in str(excinfo.value)
    assert "line 9:" in str(excinfo.value)
    assert Term.objects.count() == 0  # "Epoch" and "Kernel" were fine but nothing is saved


def test_database_failure_midway_rolls_everything_back(tmp_path):
    # PostgreSQL rejects NUL characters: the third term fails after two were inserted.
    bad = tmp_path / "pairs.txt"
    bad.write_text("Alpha\nFirst.\nBeta\nSecond.\nGamma\nThird \x00 broken.\n")
    with pytest.raises(Exception, match="NUL"):
        _run(str(bad))
    assert Term.objects.count() == 0


def test_unreadable_path():
    with pytest.raises(CommandError, match="cannot read"):
        _run("/nonexistent/file.txt")


# --- the seed files -----------------------------------------------------------------------------
@pytest.fixture
def seed_001() -> Path:
    if SEED_001 is None:
        pytest.skip("seed 001 not present")
    return SEED_001


def test_seed_001_main_list_has_100_terms_with_definitions(seed_001):
    fmt, items = parse(seed_001.read_text())
    assert fmt == "numbered"
    main = [item for item in items if item.line < 410]
    assert len(main) == 100
    assert all(len(item.back) > 30 for item in main)
    assert main[0].front == "Activation Function" and main[-1].front == "Objective Function"


def test_seed_001_into_glossary_and_reimport(seed_001):
    out = _run(str(seed_001), "--category", "fundamentals")
    assert "created 105, updated 0, skipped 2" in out  # two terms repeat in its second list
    assert Term.objects.count() >= 100
    assert not Term.objects.filter(definition="").exists()
    cnn = Term.objects.get(slug="convolutional-neural-network")
    assert cnn.abbreviation == "CNN" and "grid" in cnn.definition
    assert Term.objects.get(slug="long-short-term-memory").abbreviation == "LSTM"
    assert Term.objects.get(slug="mean-squared-error").abbreviation == "MSE"
    assert "created 0, updated 0, skipped 107" in _run(str(seed_001))


def test_seed_000_into_a_deck_keeps_multi_paragraph_answers():
    if SEED_000 is None:
        pytest.skip("seed 000 not present")
    from flashcards.services import deck_upsert

    deck = deck_upsert(slug="dl-basics", title="Deep learning basics")
    assert "would create 10" in _run(str(SEED_000), "--deck", "dl-basics", "--dry-run")
    assert deck.cards.count() == 0
    _run(str(SEED_000), "--deck", "dl-basics")
    assert deck.cards.count() == 10
    taught = deck.cards.get(front="How is a deep learning network taught?")
    paragraphs = taught.back.split("\n\n")
    assert (
        len(paragraphs) == 3 and paragraphs[1].count("\n- ") == 1 and paragraphs[1].startswith("- ")
    )
    assert paragraphs[2].startswith("During training")
    assert "skipped 10" in _run(str(SEED_000), "--deck", "dl-basics")
    assert deck.cards.count() == 10


def test_a_missing_deck_is_created_but_not_by_a_dry_run():
    from flashcards.models import Deck

    out = _run(str(TEXT / "qa.txt"), "--deck", "new-deck", "--dry-run")
    assert "would create deck new-deck" in out and not Deck.objects.filter(slug="new-deck").exists()
    _run(str(TEXT / "qa.txt"), "--deck", "new-deck")
    deck = Deck.objects.get(slug="new-deck")
    assert deck.title == "New deck" and deck.cards.count() == 3
    with pytest.raises(CommandError, match="not a valid deck slug"):
        _run(str(TEXT / "qa.txt"), "--deck", "Not A Slug")
