"""The glossary: one row per deep-learning term, and the normalised keys its search matches."""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models.functions import Lower, Substr, Upper
from django.urls import reverse

from dlplatform.versioned import VersionedQuerySet

from . import search_text
from .caches import term_index


class Category(models.TextChoices):
    FUNDAMENTALS = "fundamentals", "Fundamentals"
    ARCHITECTURES = "architectures", "Architectures"
    LAYERS = "layers", "Layers"
    ACTIVATION_FUNCTIONS = "activation-functions", "Activation functions"
    TRAINING = "training", "Training"
    OPTIMIZATION = "optimization", "Optimization"
    REGULARIZATION = "regularization", "Regularization"
    LOSS_FUNCTIONS = "loss-functions", "Loss functions"
    METRICS = "metrics", "Metrics"
    DATA = "data", "Data"
    SEQUENCE_MODELS = "sequence-models", "Sequence models"
    GENERATIVE_MODELS = "generative-models", "Generative models"


class Term(models.Model):
    slug = models.SlugField(max_length=120, unique=True)
    name = models.CharField(max_length=200)
    abbreviation = models.CharField(max_length=40, blank=True)
    aliases = models.JSONField(default=list, blank=True, help_text="Other names students type.")
    definition = models.TextField(help_text="One sentence.")
    explanation = models.TextField(blank=True, help_text="Markdown.")
    category = models.CharField(max_length=40, choices=Category.choices, db_index=True)
    formula = models.CharField(max_length=500, blank=True)
    related = models.ManyToManyField("self", blank=True, symmetrical=True)
    # The definitions' full-text vector, filled by services.term_refresh_search_vectors.
    search_vector = SearchVectorField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    # The A-Z page's letter ("#" for anything but A-Z), kept by the database itself, so bulk
    # writes cannot leave it behind; the indexes below serve one letter's page in name order.
    initial = models.GeneratedField(
        expression=models.Case(
            models.When(name__regex=r"^[A-Za-z]", then=Upper(Substr("name", 1, 1))),
            default=models.Value("#"),
        ),
        output_field=models.CharField(max_length=1),
        db_persist=True,
    )

    # Bulk writes bump the caches this model feeds (dlplatform/versioned.py).
    content_caches = (term_index,)
    objects = VersionedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [
            GinIndex(fields=["search_vector"], name="glossary_term_search_gin"),
            GinIndex(fields=["name"], opclasses=["gin_trgm_ops"], name="glossary_term_name_trgm"),
            # With the id, the pages' order (name, then id) is the index's: a page reads its 100
            # rows from the index, not every row of the letter.
            models.Index("initial", Lower("name"), "id", name="glossary_term_letter"),
            models.Index(
                "category", "initial", Lower("name"), "id", name="glossary_term_cat_letter"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.abbreviation})" if self.abbreviation else self.name

    def get_absolute_url(self) -> str:
        # Search results and linked text build dozens of these per page: reverse() once.
        return f"{_term_url_prefix()}{self.slug}/"

    @property
    def letter(self) -> str:
        # The rule of `initial`, for a term not read back from the database.
        first = self.name[:1]
        return first.upper() if first.isascii() and first.isalpha() else "#"


@cache
def _term_url_prefix() -> str:
    return reverse("glossary:term", args=["x"]).removesuffix("x/")


class TermSearchKey(models.Model):
    """One normalised name of a term (see search_text): what typo-tolerant search matches.

    Kept in step with the term by services.term_refresh_search_keys, called on every save (a
    signal) and by the importers; bulk writes call it themselves.
    """

    class Kind(models.IntegerChoices):
        WORD = search_text.WORD, "a word of a name"
        ALIAS = search_text.ALIAS, "alias"
        NAME = search_text.NAME, "name or abbreviation"

    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="search_keys")
    kind = models.PositiveSmallIntegerField(choices=Kind.choices)
    key = models.TextField()  # "batch normalization" (or, for a word, "normalization")
    compact = models.TextField()  # "batchnormalization"

    # Bulk writes bump the caches this model feeds (dlplatform/versioned.py).
    content_caches = (term_index,)
    objects = VersionedQuerySet.as_manager()

    class Meta:
        indexes = [
            # The terms that use a word, read from the index alone.
            models.Index(
                fields=["key", "term"], condition=models.Q(kind=0), name="glossary_word_terms"
            ),
            GinIndex(fields=["compact"], opclasses=["gin_trgm_ops"], name="glossary_compact_trgm"),
            models.Index(
                fields=["compact"], opclasses=["text_pattern_ops"], name="glossary_compact_eq"
            ),
        ]

    def __str__(self) -> str:
        return self.key


class SearchWord(models.Model):
    """Every distinct word of every term's keys, once: typos are matched against these (a
    trigram index over a few thousand words), then joined to the terms that use them, so a
    word shared by thousands of names is compared with the query once, not thousands of times.
    Written with the keys; a word no term uses any more only matches nothing."""

    word = models.TextField(primary_key=True)

    # Bulk writes bump the caches this model feeds (dlplatform/versioned.py).
    content_caches = (term_index,)
    objects = VersionedQuerySet.as_manager()

    class Meta:
        indexes = [GinIndex(fields=["word"], opclasses=["gin_trgm_ops"], name="glossary_word_trgm")]

    def __str__(self) -> str:
        return self.word


class ImportRecord(models.Model):
    """One run of import_content (or of the admin upload) that saved something: who ran it,
    when, on which file, and every change with its before and after values, so it can be
    reviewed and undone (glossary.import_log.import_undo)."""

    class Target(models.TextChoices):
        GLOSSARY = "glossary", "Glossary"
        DECK = "deck", "Flashcard deck"

    created_at = models.DateTimeField(auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The account name, or the operating-system user for a shell command: kept even if the
    # account is deleted later.
    actor = models.CharField(max_length=150)
    filename = models.CharField(max_length=255)
    target = models.CharField(max_length=20, choices=Target.choices)
    deck_slug = models.CharField(max_length=140, blank=True)
    summary = models.CharField(max_length=300)
    # [{"action": "created" | "updated" | "deck-created" | "card-created" | "card-updated",
    #   "key": term slug or card key, "before": {field: value} | None, "after": {...} | None}]
    changes = models.JSONField(default=list)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"import {self.pk} of {self.filename} by {self.actor}"
