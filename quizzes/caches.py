"""What the quizzes app keeps in each process (see dlplatform/versioned.py).

`questions` holds questions with their answers, section and terms. Entries are keyed by the
question's `updated_at` as well (signals.py moves it when any part changes), so an edit shows at
once in every process; the version, moved by bulk writes on questions and their parts and
following the glossary and the lessons, catches what no signal reports.
"""

from __future__ import annotations

from dlplatform.versioned import VersionedCache
from glossary.caches import term_index
from lessons.caches import content as lesson_content

MAX_QUESTIONS = 4096
questions: VersionedCache = VersionedCache(
    "quizzes:questions-version", depends_on=[term_index, lesson_content], max_entries=MAX_QUESTIONS
)
