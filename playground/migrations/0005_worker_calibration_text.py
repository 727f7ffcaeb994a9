from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("playground", "0004_job_points"),
    ]

    operations = [
        migrations.AddField(
            model_name="workercalibration",
            name="text_step_overhead_s",
            field=models.FloatField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="workercalibration",
            name="text_timestep_overhead_s",
            field=models.FloatField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="workercalibration",
            name="text_gflops",
            field=models.FloatField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="workercalibration",
            name="text_cell_gflops",
            field=models.JSONField(blank=True, default=dict),
        ),
    ]
