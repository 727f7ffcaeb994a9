"""What the lessons app keeps in each process (see dlplatform/versioned.py).

`content` moves with any change to chapters, sections, topics or the terms a section lists, and
follows the glossary's term index, since section text links terms.
"""

from __future__ import annotations

from dlplatform.versioned import VersionedCache
from glossary.caches import term_index

content: VersionedCache = VersionedCache("lessons:content-version", depends_on=[term_index])
