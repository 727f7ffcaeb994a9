"""Each check of an attempt item is kept as a try, so a regrade can replay them. Existing rows
start with no history: they grade as before (services/tries.py says how)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("quizzes", "0012_question_versions_first")]

    operations = [
        migrations.AddField(
            model_name="attemptquestion",
            name="try_history",
            field=models.JSONField(blank=True, default=list),
        ),
    ]
