"""The glossary: one row per deep-learning term, searchable on PostgreSQL and SQLite."""

from __future__ import annotations

from functools import cache

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse


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
    # Filled by services.term_refresh_search_vectors; only PostgreSQL reads it.
    search_vector = SearchVectorField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        indexes = [
            GinIndex(fields=["search_vector"], name="glossary_term_search_gin"),
            GinIndex(fields=["name"], opclasses=["gin_trgm_ops"], name="glossary_term_name_trgm"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.abbreviation})" if self.abbreviation else self.name

    def get_absolute_url(self) -> str:
        # Search results and linked text build dozens of these per page: reverse() once.
        return f"{_term_url_prefix()}{self.slug}/"

    @property
    def letter(self) -> str:
        first = self.name[:1].upper()
        return first if first.isalpha() else "#"


@cache
def _term_url_prefix() -> str:
    return reverse("glossary:term", args=["x"]).removesuffix("x/")
