"""What the glossary keeps in each process (see dlplatform/versioned.py).

`term_index` moves with every change to a term, its search keys or the search vocabulary: the
term links in lesson and glossary text, the ranked-search cache keys and every cache that shows
terms follow it.
"""

from __future__ import annotations

from dlplatform.versioned import VersionedCache

term_index: VersionedCache = VersionedCache("glossary:terms-version")
# The rows of search results every student sees alike, by primary key.
search_rows: VersionedCache = VersionedCache("glossary:search-rows", depends_on=[term_index])
