"""Questions, quizzes and attempts, modeled on Moodle's question bank and quiz module.

Fractions are percents (-100..100) as in Moodle's GIFT files; marks are absolute points.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from dlplatform.versioned import VersionedQuerySet

from . import review
from .caches import questions as question_cache

FRACTION_VALIDATORS = [MinValueValidator(Decimal("-100")), MaxValueValidator(Decimal("100"))]


def _fraction_field(default: str = "0") -> models.DecimalField:
    # Five decimals keep Moodle's thirds (33.33333) exact enough to round-trip through GIFT.
    return models.DecimalField(
        max_digits=9, decimal_places=5, default=Decimal(default), validators=FRACTION_VALIDATORS
    )


class QuestionType(models.TextChoices):
    SINGLE = "single", "Single choice"
    MULTI = "multi", "Multiple response"
    TRUEFALSE = "truefalse", "True/false"
    SHORT = "short", "Short answer"
    NUMERICAL = "numerical", "Numerical"
    MATCHING = "matching", "Matching"
    ORDERING = "ordering", "Ordering"
    ESSAY = "essay", "Essay"
    DESCRIPTION = "description", "Description"
    GAPSELECT = "gapselect", "Select missing words"
    DDWTOS = "ddwtos", "Drag and drop into text"
    CLOZE = "cloze", "Embedded answers (Cloze)"
    CALCULATED = "calculated", "Calculated"
    RANDOMSAMATCH = "randomsamatch", "Random short-answer matching"
    CALCULATEDSIMPLE = "calculatedsimple", "Calculated simple"
    CALCULATEDMULTI = "calculatedmulti", "Calculated multichoice"


CHOICE_TYPES = {QuestionType.SINGLE, QuestionType.MULTI, QuestionType.TRUEFALSE}


class Difficulty(models.TextChoices):
    EASY = "easy", "Easy"
    MEDIUM = "medium", "Medium"
    HARD = "hard", "Hard"


class TextFormat(models.TextChoices):
    MARKDOWN = "markdown", "Markdown"
    HTML = "html", "HTML"
    PLAIN = "plain", "Plain text"


class Question(models.Model):
    slug = models.SlugField(max_length=120, unique=True, null=True, blank=True)
    name = models.CharField(max_length=255)
    type = models.CharField(max_length=16, choices=QuestionType.choices, db_index=True)
    stem = models.TextField()
    stem_format = models.CharField(
        max_length=10, choices=TextFormat.choices, default=TextFormat.MARKDOWN
    )
    explanation = models.TextField(blank=True, help_text="Markdown; shown once locked.")
    difficulty = models.CharField(
        max_length=10, choices=Difficulty.choices, default=Difficulty.MEDIUM, db_index=True
    )
    tags = models.JSONField(default=list, blank=True)
    section = models.ForeignKey(
        "lessons.Section",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="questions",
    )
    topic = models.ForeignKey(
        "lessons.Topic", null=True, blank=True, on_delete=models.SET_NULL, related_name="questions"
    )
    terms = models.ManyToManyField("glossary.Term", blank=True, related_name="quiz_questions")
    default_mark = models.DecimalField(max_digits=6, decimal_places=2, default=Decimal("1"))
    # Interactive behaviour: share of the mark lost per extra try (Moodle's default is 1/3).
    penalty = models.DecimalField(
        max_digits=6,
        decimal_places=5,
        default=Decimal("0.33333"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    hints = models.JSONField(default=list, blank=True, help_text="Shown one per failed try.")
    # Moodle's bank keeps questions in categories ("Week 1/CNNs") and names them by an
    # idnumber unique within the category; GIFT and Moodle XML carry both.
    category = models.CharField(
        max_length=255, blank=True, default="", db_index=True, help_text="Category path (a/b/c)."
    )
    idnumber = models.CharField(
        max_length=100, blank=True, default="", help_text="Moodle's ID number, unique per category."
    )
    # Moodle's combined feedback (for types whose qtypes object says it has some): texts shown
    # for a right, partly right and wrong response, and whether to show the number right.
    combined_feedback = models.JSONField(default=dict, blank=True)
    # The type's own settings, checked by its schema (quizzes/qtypes/<type>.py spec_schema).
    spec = models.JSONField(
        default=dict, blank=True, help_text="This type's settings (see the type's options)."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Bulk writes bump the caches this model feeds (dlplatform/versioned.py).
    content_caches = (question_cache,)
    objects = VersionedQuerySet.as_manager()

    class Meta:
        ordering = ["section", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "idnumber"],
                condition=~models.Q(idnumber=""),
                name="question_idnumber_unique_in_category",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_graded(self) -> bool:
        return self.type != QuestionType.DESCRIPTION


class QuestionVersion(models.Model):
    """A question as it was between two edits: what grading and presenting read, frozen.

    `snapshot` holds the question's fields and answer rows with their ids (responses store
    ids), plus the exported question dict for people (`data`); `content_hash` is over the
    fields and rows, so a save that changes nothing makes no version
    (quizzes/services/versions.py). `source_updated_at` is the question's `updated_at` when
    this version was last confirmed current."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    content_hash = models.CharField(max_length=64)
    source_updated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["question", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["question", "number"], name="quizzes_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.question_id} v{self.number}"


class Choice(models.Model):
    """An answer of single/multi/truefalse questions, and an accepted text of short answers."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    text = models.TextField()
    fraction = _fraction_field()
    feedback = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)

    # Bulk writes bump the caches this model feeds (dlplatform/versioned.py).
    content_caches = (question_cache,)
    objects = VersionedQuerySet.as_manager()

    class Meta:
        ordering = ["question", "order", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class NumericalAnswer(models.Model):
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="numerical_answers"
    )
    value = models.FloatField()
    # A range a..b is stored as its midpoint with tolerance (b - a) / 2.
    tolerance = models.FloatField(default=0, validators=[MinValueValidator(0)])
    fraction = _fraction_field("100")
    feedback = models.TextField(blank=True)
    order = models.PositiveIntegerField(default=0)

    # Bulk writes bump the caches this model feeds (dlplatform/versioned.py).
    content_caches = (question_cache,)
    objects = VersionedQuerySet.as_manager()

    class Meta:
        ordering = ["question", "order", "id"]

    def __str__(self) -> str:
        return f"{self.value} ± {self.tolerance}"


class MatchPair(models.Model):
    """A blank `left` makes `right` a distractor: offered as an option, matching nothing."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="match_pairs")
    left = models.TextField(blank=True)
    right = models.CharField(max_length=500)
    order = models.PositiveIntegerField(default=0)

    # Bulk writes bump the caches this model feeds (dlplatform/versioned.py).
    content_caches = (question_cache,)
    objects = VersionedQuerySet.as_manager()

    class Meta:
        ordering = ["question", "order", "id"]

    def __str__(self) -> str:
        return f"{self.left or '(distractor)'} → {self.right}"


class OrderingItem(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="ordering_items")
    text = models.CharField(max_length=500)
    position = models.PositiveIntegerField(help_text="Correct position, from 0.")

    # Bulk writes bump the caches this model feeds (dlplatform/versioned.py).
    content_caches = (question_cache,)
    objects = VersionedQuerySet.as_manager()

    class Meta:
        ordering = ["question", "position", "id"]

    def __str__(self) -> str:
        return f"{self.position}. {self.text}"


class GradingMethod(models.TextChoices):
    HIGHEST = "highest", "Highest grade"
    AVERAGE = "average", "Average grade"
    FIRST = "first", "First attempt"
    LAST = "last", "Last attempt"


class Behaviour(models.TextChoices):
    DEFERRED = "deferred", "Deferred feedback"
    IMMEDIATE = "immediate", "Immediate feedback"
    INTERACTIVE = "interactive", "Interactive with multiple tries"
    ADAPTIVE = "adaptive", "Adaptive mode"
    CBM = "deferredcbm", "Deferred feedback with certainty-based marking"


class Navigation(models.TextChoices):
    FREE = "free", "Free: pages in any order"
    SEQUENTIAL = "sequential", "Sequential: forward only, no going back"


class OverdueHandling(models.TextChoices):
    """Moodle's "when time expires" choices."""

    AUTOSUBMIT = "autosubmit", "Open attempts are submitted automatically"
    GRACE = "graceperiod", "A grace period to submit (answers can no longer change)"
    ABANDON = "autoabandon", "Attempts must be submitted before time expires, or are not counted"


def _review_field(option: str) -> models.PositiveIntegerField:
    # A bitmask of review.ReviewTime (Moodle's bits); the admin edits it as checkboxes.
    return models.PositiveIntegerField(
        default=review.DEFAULTS[option], verbose_name=review.OPTION_LABELS[option]
    )


class Quiz(models.Model):
    slug = models.SlugField(max_length=120, unique=True, null=True, blank=True)
    section = models.ForeignKey(
        "lessons.Section", null=True, blank=True, on_delete=models.CASCADE, related_name="quizzes"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    time_limit = models.DurationField(null=True, blank=True, help_text="Empty: no limit.")
    attempts_allowed = models.PositiveSmallIntegerField(default=0, help_text="0: unlimited.")
    grading_method = models.CharField(
        max_length=10, choices=GradingMethod.choices, default=GradingMethod.HIGHEST
    )
    shuffle_questions = models.BooleanField(default=False)
    shuffle_answers = models.BooleanField(default=True)
    behaviour = models.CharField(
        max_length=12, choices=Behaviour.choices, default=Behaviour.DEFERRED
    )
    max_tries = models.PositiveSmallIntegerField(default=3, help_text="Interactive behaviour.")
    pass_mark = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("50"))
    # [{"min": 80, "text": "Excellent"}, {"min": 0, "text": "Review the section"}]; percent.
    feedback_bands = models.JSONField(default=list, blank=True)
    open_at = models.DateTimeField(null=True, blank=True)
    close_at = models.DateTimeField(null=True, blank=True)
    review_attempt = _review_field("attempt")
    review_correctness = _review_field("correctness")
    review_marks = _review_field("marks")
    review_specific_feedback = _review_field("specific_feedback")
    review_general_feedback = _review_field("general_feedback")
    review_right_answer = _review_field("right_answer")
    review_overall_feedback = _review_field("overall_feedback")
    # Random draw: when draw_count > 0, each attempt draws that many bank questions.
    draw_count = models.PositiveSmallIntegerField(default=0)
    draw_topic = models.ForeignKey(
        "lessons.Topic", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    draw_tags = models.JSONField(default=list, blank=True)
    draw_difficulty = models.CharField(max_length=10, choices=Difficulty.choices, blank=True)
    # Timing and access (quizzes/access.py merges these with the overrides, per student).
    overdue_handling = models.CharField(
        max_length=12, choices=OverdueHandling.choices, default=OverdueHandling.AUTOSUBMIT
    )
    grace_period = models.DurationField(
        null=True, blank=True, help_text="With a grace period: how long a late submit is taken."
    )
    password = models.CharField(
        max_length=128, blank=True, help_text="Empty: none. Asked before each new attempt."
    )
    delay_first = models.DurationField(
        null=True, blank=True, help_text="Wait between the first and the second attempt."
    )
    delay_later = models.DurationField(
        null=True, blank=True, help_text="Wait between later attempts."
    )
    questions_per_page = models.PositiveSmallIntegerField(
        default=0, help_text="0: every question on one page."
    )
    navigation = models.CharField(
        max_length=10, choices=Navigation.choices, default=Navigation.FREE
    )
    require_pass_previous = models.BooleanField(
        default=False,
        help_text="A further attempt opens only once the previous one is graded and passed.",
    )
    is_published = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["section", "id"]
        verbose_name_plural = "quizzes"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("quizzes:quiz", args=[self.pk])


class QuizOverride(models.Model):
    """Moodle's user and group overrides: an empty field keeps the quiz's (or the groups')
    setting; quizzes/access.py merges them (a user's beats a group's; among groups the most
    lenient wins)."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="overrides")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="quiz_overrides",
    )
    group = models.ForeignKey(
        "auth.Group", null=True, blank=True, on_delete=models.CASCADE, related_name="quiz_overrides"
    )
    open_at = models.DateTimeField(null=True, blank=True)
    close_at = models.DateTimeField(null=True, blank=True)
    time_limit = models.DurationField(null=True, blank=True, help_text="00:00:00 for no limit.")
    attempts_allowed = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="0 for unlimited."
    )
    extra_time_percent = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MaxValueValidator(400)],
        help_text="Accommodation: the time limit is lengthened by this percentage.",
    )
    password = models.CharField(max_length=128, blank=True, help_text="Empty: the quiz's.")

    class Meta:
        ordering = ["quiz", "user", "group"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(user__isnull=False, group__isnull=True)
                    | models.Q(user__isnull=True, group__isnull=False)
                ),
                name="quizzes_override_user_xor_group",
            ),
            models.UniqueConstraint(fields=["quiz", "user"], name="quizzes_override_user"),
            models.UniqueConstraint(fields=["quiz", "group"], name="quizzes_override_group"),
        ]

    def __str__(self) -> str:
        return f"{self.quiz} · {self.user or self.group}"


class QuizSlot(models.Model):
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="slots")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="slots")
    order = models.PositiveIntegerField(default=0)
    mark = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Empty: the question's default mark.",
    )

    class Meta:
        ordering = ["quiz", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["quiz", "question"], name="quizzes_slot_unique")
        ]

    def __str__(self) -> str:
        return f"{self.quiz_id}#{self.order}: {self.question_id}"


class AttemptState(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    FINISHED = "finished", "Finished"
    ABANDONED = "abandoned", "Abandoned"


class Attempt(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    deadline = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(
        max_length=12,
        choices=AttemptState.choices,
        default=AttemptState.IN_PROGRESS,
        db_index=True,
    )
    # Seven decimals keep a third of a mark exact enough for Moodle's statistics (6 digits).
    marks = models.DecimalField(max_digits=12, decimal_places=7, null=True, blank=True)
    max_marks = models.DecimalField(max_digits=9, decimal_places=2, default=Decimal("0"))
    score = models.DecimalField(
        max_digits=7, decimal_places=3, null=True, blank=True, help_text="Percent."
    )
    # Set in the same transaction that grades: a second submit sees it and grades nothing.
    graded_at = models.DateTimeField(null=True, blank=True)
    needs_manual_grading = models.BooleanField(default=False)
    # Sequential navigation: the page the student is on (0-based); earlier pages are closed.
    current_page = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "quiz", "number"], name="quizzes_attempt_num"),
            models.UniqueConstraint(
                fields=["user", "quiz"],
                condition=models.Q(state="in_progress"),
                name="quizzes_one_open_attempt",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.quiz} #{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("quizzes:attempt", args=[self.pk])


class AttemptQuestion(models.Model):
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="items")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="attempt_items")
    # The version the student saw at start: shown in the review, graded and regraded by.
    version = models.ForeignKey(
        QuestionVersion,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attempt_items",
    )
    order = models.PositiveIntegerField()
    max_mark = models.DecimalField(max_digits=6, decimal_places=2, default=Decimal("1"))
    # Ids of choices / ordering items / match rights in the order shown to this student.
    choice_order = models.JSONField(default=list, blank=True)
    response = models.JSONField(null=True, blank=True)
    flagged = models.BooleanField(default=False)
    # Certainty-based marking: 1, 2 or 3 as the student chose (empty counts as 1).
    certainty = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(3)]
    )
    locked = models.BooleanField(default=False)
    tries = models.PositiveSmallIntegerField(default=0)
    # Each check as a try, in order: {"response", "at", "version"} (services/tries.py). Regrades
    # replay them; the student sees only their own, in their review (presenters.py).
    try_history = models.JSONField(default=list, blank=True)
    fraction = models.DecimalField(max_digits=12, decimal_places=7, null=True, blank=True)
    mark = models.DecimalField(max_digits=12, decimal_places=7, null=True, blank=True)
    feedback = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    # Essay grading by an instructor.
    needs_grading = models.BooleanField(default=False)
    grader_comment = models.TextField(blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["attempt", "order"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "order"], name="quizzes_item_order"),
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id}#{self.order}"

    @property
    def answered(self) -> bool:
        return self.response not in (None, "", [], {})


class AttemptRegrade(models.Model):
    """Who regraded an attempt, why, and what it changed: the only way marks change after
    grading, apart from an essay's hand grading (services.regrade.attempt_regrade)."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="regrades")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField()
    at = models.DateTimeField(auto_now_add=True)
    marks_before = models.DecimalField(max_digits=12, decimal_places=7, null=True)
    marks_after = models.DecimalField(max_digits=12, decimal_places=7, null=True)
    score_before = models.DecimalField(max_digits=7, decimal_places=3, null=True)
    score_after = models.DecimalField(max_digits=7, decimal_places=3, null=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.attempt} regraded by {self.by} at {self.at:%Y-%m-%d %H:%M}"


class VersionRegrade(models.Model):
    """One regrade of a question's attempts to a version (services.versions.regrade_apply):
    who, when, why, and per attempt the marks before and after (`changes`)."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="regrades")
    quiz = models.ForeignKey(
        Quiz, null=True, blank=True, on_delete=models.CASCADE, related_name="version_regrades"
    )
    to_version = models.ForeignKey(QuestionVersion, on_delete=models.PROTECT, related_name="+")
    include_open = models.BooleanField(default=False)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField()
    at = models.DateTimeField(auto_now_add=True)
    # [{"attempt": pk, "item": pk, "from_version": n, "mark_before": "..", "mark_after": "..",
    #   "score_before": "..", "score_after": ".."}]
    changes = models.JSONField(default=list)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return (
            f"{self.question_id} to v{self.to_version_id} by {self.by} at {self.at:%Y-%m-%d %H:%M}"
        )


class QuizStatistics(models.Model):
    """A quiz's item analysis as last computed (quizzes/statistics/stored.py): the report page
    serves this row instead of reading every attempt on every view.

    `changes` counts the graded, regraded or deleted attempts (a signal on Attempt); each result
    in `results` ("all", "first") records the count it covers, so it is fresh when they agree.
    `queued_at` is set while a recompute is waiting in the queue: one at a time per quiz."""

    quiz = models.OneToOneField(Quiz, on_delete=models.CASCADE, related_name="statistics")
    changes = models.PositiveBigIntegerField(default=0)
    queued_at = models.DateTimeField(null=True, blank=True)
    results = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name_plural = "quiz statistics"

    def __str__(self) -> str:
        return f"statistics of {self.quiz}"


class FileArea(models.TextChoices):
    """The Moodle file area a question's file came from (its HTML refers to it there)."""

    QUESTION_TEXT = "questiontext", "Question text"
    GENERAL_FEEDBACK = "generalfeedback", "General feedback"
    ANSWER_FEEDBACK = "answerfeedback", "Answer feedback"
    HINT = "hint", "Hint"


class QuestionFile(models.Model):
    """An image a question carries (Moodle XML's base64 <file>): PNG, JPEG, GIF or WebP, its
    type read from its bytes (quizzes/formats/files.py). The bytes live in the database so an
    import stores them in its one transaction; served by quizzes.files_view, scoped."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="files")
    area = models.CharField(max_length=20, choices=FileArea.choices)
    name = models.CharField(max_length=100)
    content_type = models.CharField(max_length=20)
    data = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["question", "area", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "area", "name"], name="quizzes_questionfile_name"
            )
        ]

    def __str__(self) -> str:
        return f"{self.question_id}/{self.area}/{self.name}"
