"""The quiz admin's review options: Moodle's matrix, a checkbox per option and time, grouped by
time, stored as the bitmasks of quizzes/review.py."""

from __future__ import annotations

from typing import Any

from django import forms

from . import review
from .models import Quiz
from .review import ReviewTime

TIME_KEYS = {
    ReviewTime.DURING: "during",
    ReviewTime.IMMEDIATELY_AFTER: "immediately",
    ReviewTime.LATER_WHILE_OPEN: "open",
    ReviewTime.AFTER_CLOSE: "closed",
}
MODEL_FIELDS = [review.field_name(option) for option in review.OPTIONS]
DEPENDS_NOTE = (
    "Whether correct, specific and general feedback and the right answer need “The attempt”"
    " at the same time (as in Moodle)."
)
DURING_NOTE = (
    " During the attempt they apply to questions already checked (immediate and interactive"
    " behaviours); the student always sees their own answers and never the overall feedback."
)


def checkbox_name(option: str, when: ReviewTime) -> str:
    return f"review__{option}__{TIME_KEYS[when]}"


def _checkbox(option: str, when: ReviewTime) -> forms.BooleanField:
    forced = review.FORCED_DURING.get(option) if when == ReviewTime.DURING else None
    return forms.BooleanField(
        label=review.OPTION_LABELS[option],
        required=False,
        disabled=forced is not None,
        initial=forced,
    )


class _ReviewMatrixForm(forms.ModelForm):
    class Meta:
        model = Quiz
        fields = [
            f.name
            for f in Quiz._meta.fields
            if f.editable and not f.auto_created and f.name not in MODEL_FIELDS
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for when in review.TIMES:
            for option in review.OPTIONS:
                name = checkbox_name(option, when)
                if not self.fields[name].disabled:
                    mask = getattr(self.instance, review.field_name(option))
                    self.initial.setdefault(name, bool(mask & when))

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        for option in review.OPTIONS:
            mask = 0
            for when in review.TIMES:
                if cleaned.get(checkbox_name(option, when)):
                    mask |= when
            setattr(self.instance, review.field_name(option), int(mask))
        return cleaned


# Declared on the class (not added in __init__) so that the admin's fieldsets may name them.
QuizAdminForm = type(
    "QuizAdminForm",
    (_ReviewMatrixForm,),
    {
        checkbox_name(option, when): _checkbox(option, when)
        for when in review.TIMES
        for option in review.OPTIONS
    },
)


def review_fieldsets(fields: list[str]) -> list[tuple[str | None, dict[str, Any]]]:
    """The quiz's own fields first, then one group of checkboxes per time."""
    main = [f for f in fields if not f.startswith("review__")]
    groups = [
        (
            f"Review options: {when.label.lower()}",
            {
                "fields": [checkbox_name(option, when) for option in review.OPTIONS],
                "description": DEPENDS_NOTE + (DURING_NOTE if when == ReviewTime.DURING else ""),
            },
        )
        for when in review.TIMES
    ]
    return [(None, {"fields": main}), *groups]
