from django.contrib import admin

from .models import Card, Deck, ReviewLog, ReviewState


class CardInline(admin.TabularInline):
    model = Card
    extra = 0
    fields = ["front", "back", "topic", "order"]


@admin.register(Deck)
class DeckAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "section", "glossary_category"]
    list_select_related = ["section"]
    search_fields = ["title", "slug"]
    inlines = [CardInline]


@admin.register(Card)
class CardAdmin(admin.ModelAdmin):
    list_display = ["front", "deck", "topic"]
    list_select_related = ["deck"]
    search_fields = ["front", "back"]


# Per-student rows: a user by id (thousands of students) and a card by search (every deck's
# cards), never a <select> listing them all.
@admin.register(ReviewState)
class ReviewStateAdmin(admin.ModelAdmin):
    list_display = ["user", "card", "due", "reps"]
    list_select_related = ["user", "card"]
    raw_id_fields = ["user"]
    autocomplete_fields = ["card"]


@admin.register(ReviewLog)
class ReviewLogAdmin(admin.ModelAdmin):
    list_display = ["user", "card", "rating", "reviewed_at"]
    list_select_related = ["user", "card"]
    raw_id_fields = ["user"]
    autocomplete_fields = ["card"]
