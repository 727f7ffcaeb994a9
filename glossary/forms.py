from __future__ import annotations

from django import forms

from .models import Category
from .textformats import FORMATS

MAX_UPLOAD_BYTES = 2 * 1024 * 1024


class ImportForm(forms.Form):
    file = forms.FileField(help_text="UTF-8 text, CSV or TSV, at most 2 MB.")
    format = forms.ChoiceField(
        choices=[("", "Detect automatically"), *[(f, f) for f in FORMATS]], required=False
    )
    deck = forms.SlugField(
        required=False, help_text="A deck slug to import cards into; leave empty for the glossary."
    )
    category = forms.ChoiceField(
        choices=Category.choices,
        initial=Category.FUNDAMENTALS,
        help_text="For new glossary terms; existing terms keep their category.",
    )
    dry_run = forms.BooleanField(
        required=False, initial=True, label="Dry run (show what would change, save nothing)"
    )

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file is larger than 2 MB.")
        self.cleaned_data["filename"] = upload.name  # recorded with the import
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError("The file is not UTF-8 text.") from exc
