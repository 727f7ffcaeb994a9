"""Authentication backend: the user and their instructor role in one query per request."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from .models import INSTRUCTORS_GROUP, User


@cache
def _user_with_role_sql() -> str:
    user, membership = User._meta, User.groups.through._meta
    return (
        f'SELECT u.*, EXISTS (SELECT 1 FROM "{membership.db_table}" m'
        f' JOIN "{Group._meta.db_table}" g ON g.id = m.group_id'
        f' WHERE m.user_id = u.id AND g.name = %s) AS "_is_instructor"'
        f' FROM "{user.db_table}" u WHERE u.id = %s'
    )


class UserWithRoleBackend(ModelBackend):
    """ModelBackend whose per-request `get_user` also answers `is_instructor`.

    Every page's header asks whether the user is an instructor. As two ORM queries this was the
    largest share of a signed-in request's cost; one raw query (no query compilation) costs
    less than the plain ORM lookup of the user alone (see bench/web.py).
    """

    def get_user(self, user_id: Any) -> User | None:
        try:
            user_id = User._meta.pk.to_python(user_id)
        except ValidationError:  # not an id: "no user", as ModelBackend answers a missing one
            return None
        rows = list(User._default_manager.raw(_user_with_role_sql(), [INSTRUCTORS_GROUP, user_id]))
        if not rows or not self.user_can_authenticate(rows[0]):
            return None
        return rows[0]
