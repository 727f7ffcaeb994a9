from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from .models import INSTRUCTORS_GROUP, User

# Instructors author study content, questions and quizzes; they only read training jobs.
_AUTHORED_APPS = ("glossary", "lessons", "flashcards", "quizzes")
_READ_ONLY_APPS = ("playground",)


def ensure_instructor_group() -> Group:
    group, _ = Group.objects.get_or_create(name=INSTRUCTORS_GROUP)
    perms = Permission.objects.filter(content_type__app_label__in=_AUTHORED_APPS) | (
        Permission.objects.filter(
            content_type__app_label__in=_READ_ONLY_APPS, codename__startswith="view_"
        )
    )
    group.permissions.set(perms)
    return group


@transaction.atomic
def user_create(*, username: str, password: str, email: str = "", instructor: bool = False) -> User:
    user = User(username=username, email=email, is_staff=instructor)
    user.set_password(password)
    user.save()
    if instructor:
        user.groups.add(ensure_instructor_group())
    return user


@transaction.atomic
def user_set_instructor(*, user: User, instructor: bool) -> User:
    group = ensure_instructor_group()
    if instructor:
        user.groups.add(group)
    else:
        user.groups.remove(group)
    user.is_staff = instructor or user.is_superuser
    user.save(update_fields=["is_staff"])
    user.__dict__.pop("_is_instructor", None)
    return user
