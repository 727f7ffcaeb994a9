"""schemathesis against the OpenAPI schema: every operation, as anonymous, student and instructor.

No response may be a 5xx, and every documented response must match its schema. Requests go over
real HTTP to the live test server.
"""

import pytest
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hsettings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

pytestmark = [pytest.mark.live, pytest.mark.slow]

CSRF = "a" * 32

schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))


def _identity(role: str) -> dict:
    from django.test import Client

    from dlplatform.accounts.services import user_create

    user = user_create(
        username=f"fuzz-{role}", password="fuzz-pass-123", instructor=role == "instructor"
    )
    client = Client()
    client.force_login(user)
    return {
        "cookies": {"sessionid": client.cookies["sessionid"].value, "csrftoken": CSRF},
        "headers": {"X-CSRFToken": CSRF},
    }


@pytest.fixture
def identities(transactional_db) -> dict[str, dict]:
    """Each generated request is sent as each of these users."""
    return {
        "anonymous": {"cookies": {}, "headers": {}},
        "student": _identity("student"),
        "instructor": _identity("instructor"),
    }


@schema.parametrize()
@hsettings(
    max_examples=12,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.generate],
    derandomize=True,
)
def test_api_answers_without_server_errors_and_matches_its_schema(case, identities, live_server):
    for who in identities.values():
        response = case.call(
            base_url=live_server.url, cookies=who["cookies"], headers=who["headers"]
        )
        case.validate_response(
            response,
            checks=[not_a_server_error, response_schema_conformance, content_type_conformance],
        )
