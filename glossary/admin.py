from django.contrib import admin

from .models import Term


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ["name", "abbreviation", "category", "slug", "updated_at"]
    list_filter = ["category"]
    search_fields = ["name", "abbreviation", "slug", "definition"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["related"]
    readonly_fields = ["updated_at"]
