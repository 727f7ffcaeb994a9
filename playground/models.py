"""A training job: the row is the source of truth for what happened to a student's run."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Job(models.Model):
    class Kind(models.TextChoices):
        CNN = "cnn", "CNN on MNIST"
        TEXT = "text", "Character model on text"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    ACTIVE = (Status.QUEUED, Status.RUNNING)
    FINISHED = (Status.SUCCEEDED, Status.FAILED, Status.CANCELLED)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs"
    )
    kind = models.CharField(max_length=8, choices=Kind.choices)
    title = models.CharField(max_length=120, blank=True)
    config = models.JSONField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    created = models.DateTimeField(auto_now_add=True)
    enqueued = models.DateTimeField(null=True, blank=True)
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)
    heartbeat = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=200, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    cancel_requested = models.BooleanField(default=False)
    # "Stop and keep the model": the run ends at its next batch as if finished, with the
    # results of its last completed epoch (results["stopped"] says so).
    stop_requested = models.BooleanField(default=False)
    failure_reason = models.TextField(blank=True)
    progress = models.JSONField(default=dict, blank=True)
    history = models.JSONField(default=dict, blank=True)  # {"train": [...], "val": [...]}, bounded
    results = models.JSONField(default=dict, blank=True)
    weights = models.CharField(max_length=300, blank=True)  # path under MEDIA_ROOT

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [
            models.Index(fields=["user", "-created"]),
            models.Index(fields=["status", "heartbeat"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE


class WorkerCalibration(models.Model):
    """What one worker measured about itself at start: the estimates use it instead of guesses."""

    hostname = models.CharField(max_length=200, unique=True)
    queues = models.JSONField(default=list)
    concurrency = models.PositiveSmallIntegerField(default=1)
    threads = models.PositiveSmallIntegerField(default=1)
    step_overhead_s = models.FloatField()  # fixed cost of one optimizer step, whatever its size
    gflops = models.FloatField()  # achieved training FLOP rate beyond that overhead
    # The same for a character model (its own measurement: a recurrent step costs per time
    # step, so its overhead is a fixed part plus a part per time step and layer). Null: not
    # measured (a worker from before), the CNN figures stand in.
    text_step_overhead_s = models.FloatField(null=True, blank=True)
    text_timestep_overhead_s = models.FloatField(null=True, blank=True)
    text_gflops = models.FloatField(null=True, blank=True)
    text_cell_gflops = models.JSONField(default=dict, blank=True)  # {"gru": ..., "rnn": ...}
    measured_at = models.DateTimeField()
    seen = models.DateTimeField()  # last start or job of this worker: live workers keep it fresh

    def __str__(self) -> str:
        return (
            f"{self.hostname}: {1000 * self.step_overhead_s:.2f} ms/step, {self.gflops:.1f} GFLOP/s"
        )


class JobPoint(models.Model):
    """One point of a running job's curves, appended as it is measured and never rewritten.

    A progress report adds one row instead of writing the whole history again, and the page asks
    only for the points after the last one it has (`?since=seq`). When the run finishes, its
    history is stored once on the job (`Job.history`, every point with its `seq`) and these
    rows are deleted.
    """

    class Curve(models.TextChoices):
        TRAIN = "train", "Training batches"
        VAL = "val", "Validation after an epoch"

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="points")
    seq = models.PositiveIntegerField()  # per run, across both curves: the order of measuring
    curve = models.CharField(max_length=5, choices=Curve.choices)
    data = models.JSONField()

    class Meta:
        ordering = ["job", "seq"]
        constraints = [models.UniqueConstraint(fields=["job", "seq"], name="jobpoint_job_seq")]

    def __str__(self) -> str:
        return f"job {self.job_id} {self.curve} #{self.seq}"
