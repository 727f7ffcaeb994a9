import pytest

from lessons.tests.factories import load_fixture_course


@pytest.fixture
def course(db):
    """The two fixture sections, 9.1 and 9.2, loaded through the real content loader."""
    load_fixture_course()
    from lessons.models import Section

    return {s.number: s for s in Section.objects.all()}
