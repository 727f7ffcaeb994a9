"""Moodle's review options (a bitmask per option over four times) replace `review_answers`.

The old setting hid only the right answer; its values map to:
- immediately: everything on at every time (Moodle's defaults);
- after_close: right answer, specific and general feedback only after the quiz closes;
- never: right answer, specific and general feedback never.
The student's answers, correctness, marks and overall feedback keep showing as they did.
The bit values are written out here so that later edits to quizzes/review.py cannot change
what this migration did.
"""

from django.db import migrations, models

DURING, IMMEDIATELY_AFTER, LATER_WHILE_OPEN, AFTER_CLOSE = 0x10000, 0x01000, 0x00100, 0x00010
ALL = DURING | IMMEDIATELY_AFTER | LATER_WHILE_OPEN | AFTER_CLOSE
AFTER = IMMEDIATELY_AFTER | LATER_WHILE_OPEN | AFTER_CLOSE
REVEALING = ("review_specific_feedback", "review_general_feedback", "review_right_answer")
OPTIONS = (
    "review_attempt",
    "review_correctness",
    "review_marks",
    "review_specific_feedback",
    "review_general_feedback",
    "review_right_answer",
    "review_overall_feedback",
)
REVEAL_BY_OLD = {"immediately": ALL, "after_close": AFTER_CLOSE, "never": 0}
LABELS = {
    "review_attempt": "The attempt (the student's answers)",
    "review_correctness": "Whether correct",
    "review_marks": "Marks",
    "review_specific_feedback": "Specific feedback",
    "review_general_feedback": "General feedback (explanation)",
    "review_right_answer": "Right answer",
    "review_overall_feedback": "Overall feedback",
}


def forward(apps, schema_editor):
    Quiz = apps.get_model("quizzes", "Quiz")
    for old, reveal in REVEAL_BY_OLD.items():
        Quiz.objects.filter(review_answers=old).update(**dict.fromkeys(REVEALING, reveal))


def backward(apps, schema_editor):
    # The nearest old value: shown before close -> immediately; only after close -> after_close.
    Quiz = apps.get_model("quizzes", "Quiz")
    for quiz in Quiz.objects.all():
        right = quiz.review_right_answer
        if right & (IMMEDIATELY_AFTER | LATER_WHILE_OPEN):
            quiz.review_answers = "immediately"
        elif right & AFTER_CLOSE:
            quiz.review_answers = "after_close"
        else:
            quiz.review_answers = "never"
        quiz.save(update_fields=["review_answers"])


def _field(name: str) -> migrations.AddField:
    default = AFTER if name == "review_overall_feedback" else ALL
    return migrations.AddField(
        model_name="quiz",
        name=name,
        field=models.PositiveIntegerField(default=default, verbose_name=LABELS[name]),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0002_marks_seven_decimals"),
    ]

    operations = [
        *[_field(name) for name in OPTIONS],
        migrations.RunPython(forward, backward),
        migrations.RemoveField(model_name="quiz", name="review_answers"),
    ]
