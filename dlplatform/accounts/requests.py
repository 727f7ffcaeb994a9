"""The request a logged-in view sees, typed: its user is a User, not "User or anonymous".

Function views behind `login_required` take `request: AuthenticatedHttpRequest`; API views behind
IsAuthenticated call `user_of(self.request)`.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from rest_framework.request import Request

from .models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User  # login_required lets no anonymous user through


def user_of(request: HttpRequest | Request) -> User:
    """The logged-in user of a request that login_required or IsAuthenticated let through."""
    user = request.user
    if not isinstance(user, User):  # only reached without the permission: refuse, never guess
        raise PermissionDenied("Log in first.")
    return user
