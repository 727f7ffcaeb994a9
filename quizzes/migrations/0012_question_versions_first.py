"""Every existing question gets its version 1 (its content today), and every attempt item
points at it: what past attempts saw before versions were kept is not known, so today's
content is the best record of it."""

from django.db import migrations


def forwards(apps, schema_editor):
    from quizzes import versioning

    Question = apps.get_model("quizzes", "Question")
    QuestionVersion = apps.get_model("quizzes", "QuestionVersion")
    AttemptQuestion = apps.get_model("quizzes", "AttemptQuestion")
    relations = versioning.qtypes.relations()
    for question in Question.objects.prefetch_related(*relations).iterator(chunk_size=200):
        if QuestionVersion.objects.filter(question=question).exists():
            continue
        snapshot = versioning.snapshot_of(question)
        version = QuestionVersion.objects.create(
            question=question,
            number=1,
            snapshot=snapshot,
            content_hash=versioning.content_hash(snapshot),
            source_updated_at=question.updated_at,
        )
        AttemptQuestion.objects.filter(question=question, version__isnull=True).update(
            version=version
        )


class Migration(migrations.Migration):
    dependencies = [("quizzes", "0011_question_versions")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
