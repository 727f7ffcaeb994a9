from django.contrib.auth.models import AbstractUser

INSTRUCTORS_GROUP = "Instructors"


class User(AbstractUser):
    """A student by default; instructors belong to the Instructors group."""

    @property
    def is_instructor(self) -> bool:
        if self.is_superuser:
            return True
        cached = getattr(self, "_is_instructor", None)
        if cached is None:
            cached = self.groups.filter(name=INSTRUCTORS_GROUP).exists()
            self._is_instructor = cached
        return cached
