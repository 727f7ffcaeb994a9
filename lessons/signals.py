"""Any change to lesson content makes every process rebuild its cached section pages."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from . import services
from .caches import content
from .models import AudioTrack, Chapter, Section, Topic


@receiver(post_save, sender=Chapter)
@receiver(post_save, sender=Section)
@receiver(post_save, sender=Topic)
@receiver(post_delete, sender=Chapter)
@receiver(post_delete, sender=Section)
@receiver(post_delete, sender=Topic)
@receiver(post_save, sender=AudioTrack)
@receiver(post_delete, sender=AudioTrack)
@receiver(m2m_changed, sender=Section.terms.through)
@receiver(m2m_changed, sender=Section.prerequisites.through)
def content_changed(sender: type, **kwargs: Any) -> None:
    # Inside a transaction the version moves again at commit, so other processes do not keep
    # pages they rebuilt from rows that were not committed yet.
    content.bump()


@receiver(post_save, sender=Topic)
def topic_audio(sender: type, instance: Topic, raw: bool = False, **kwargs: Any) -> None:
    """An edited topic (admin, load_content) queues the renders its change needs: none when
    its lines are unchanged (lessons/services.audio_schedule compares content hashes)."""
    if settings.LESSONS_AUDIO_AUTORENDER and not raw:
        services.audio_schedule(topics=[instance])
