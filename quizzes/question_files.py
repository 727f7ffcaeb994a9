"""A question's images (QuestionFile): their URL in rendered HTML, and who may fetch them.

The HTML a Moodle XML file brings refers to its images as `@@PLUGINFILE@@/name`; rendering
rewrites that to our URL (`file_url`), and the sanitizer keeps an <img src> only when it is
one of ours, so the CSP's img-src 'self' never has to change.

Who may fetch one (`may_see`), the integrity rule applied to files: staff and instructors
always; a student only for a question in one of their own attempts, the question text's files
at once, a feedback area's only once that item is locked and the attempt's review options show
that feedback now (a hint's also once the hint has been shown). Everyone else gets a 404.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import unquote

import nh3
from django.urls import reverse

from .models import AttemptQuestion, FileArea, QuestionFile
from .review import review_options

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from dlplatform.accounts.models import User

PLUGINFILE = re.compile(r"@@PLUGINFILE@@/([^\"'\s<>?#)]+)")


def file_url(question_id: int, area: str, name: str) -> str:
    return reverse("quizzes:question-file", args=[question_id, area, name])


def url_prefix() -> str:
    return file_url(0, FileArea.QUESTION_TEXT, "x").split("/0/", 1)[0] + "/"


def with_file_urls(text: str, *, question_id: int | None, area: str) -> str:
    """`@@PLUGINFILE@@/name` in a question's text as the URL that serves that file."""
    if question_id is None or "@@PLUGINFILE@@" not in text:
        return text
    return PLUGINFILE.sub(lambda m: file_url(question_id, area, unquote(m.group(1))), text)


def _own_images(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src" and not value.startswith(url_prefix()):
        return None  # an image from elsewhere: the CSP would block it anyway
    return value


def keep_own_images(html: str) -> str:
    """Sanitized HTML with every <img src> that is not one of ours dropped."""
    if "<img" not in html:
        return html
    return nh3.clean(html, attribute_filter=_own_images)


def _item_allows(item: AttemptQuestion, area: str, now: datetime) -> bool:
    if area == FileArea.QUESTION_TEXT:
        return True
    if area == FileArea.HINT and not item.locked and item.tries:
        return True  # the interactive behaviour has shown this item's hint (presenters)
    if not item.locked:
        return False
    review = review_options(attempt=item.attempt, now=now)
    if not review.attempt:
        return False
    if area == FileArea.GENERAL_FEEDBACK:
        return review.general_feedback
    return review.specific_feedback  # answers' feedback and hints


def may_see(*, user: User | AnonymousUser, file: QuestionFile, now: datetime) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_instructor:
        return True
    items = AttemptQuestion.objects.filter(
        attempt__user=user, question_id=file.question_id
    ).select_related("attempt__quiz")
    return any(_item_allows(item, file.area, now) for item in items)


def visible_file(
    *, user: User | AnonymousUser, question_id: int, area: str, name: str, now: datetime
) -> QuestionFile | None:
    """The file if `user` may see it now, else None (the view answers 404 either way)."""
    file = QuestionFile.objects.filter(question_id=question_id, area=area, name=name).first()
    if file is None or not may_see(user=user, file=file, now=now):
        return None
    return file


__all__ = ["file_url", "keep_own_images", "may_see", "visible_file", "with_file_urls"]
