"""Schemathesis throws generated requests, valid and invalid, at every API operation.

Every response must be a non-5xx with a documented status code, content type and body schema,
invalid input must be refused, and no response may hold a restricted value. The database holds
a realistic case with restricted parts; some requests name it, so its full story is checked
against the schema too.

(Schemathesis's own pytest plugin does not run under pytest 9 yet, so each operation's
strategies are driven with Hypothesis directly.)
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from solidarity.core.tests.casefile import leaked
from solidarity.wsgi import application

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]

# Operation, and path parameters that name real records in the case file.
OPERATIONS = [
    ("GET /api/v1/cases/", None),
    ("GET /api/v1/cases/{slug}/", {"slug": "ales-bialiatski"}),
    ("GET /api/v1/organisations/", None),
    ("GET /api/v1/publications/", None),
    ("GET /api/v1/publications/{language}/{slug}/", {"language": "en", "slug": "free-ales"}),
]


@pytest.fixture
def connection_kept_open():
    """Keep the test's database connection across requests, as Django's test client does.

    The real WSGI handler closes old connections after each request; on PostgreSQL that would
    end the test's transaction, and the case file with it.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.usefixtures("connection_kept_open")
@pytest.mark.parametrize(("label", "known"), OPERATIONS)
def test_generated_requests_never_fail_or_leak(casefile, label, known, settings):
    # A server error then fails the test with its own traceback, not the 500 page's.
    settings.DEBUG_PROPAGATE_EXCEPTIONS = True
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)
    operation = schema.find_operation_by_label(label)
    assert operation is not None, label
    strategies = [
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    ]
    if known:
        strategies.append(operation.as_strategy(GenerationMode.POSITIVE, path_parameters=known))
    statuses = set()

    @given(case=st.one_of(strategies))
    @hypothesis_settings(
        max_examples=60,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case):
        response = case.call_and_validate(checks=CHECKS)
        statuses.add(response.status_code)
        assert leaked(response.text, casefile) == []

    check()
    # The run reached real data, not only error responses.
    assert 200 in statuses, statuses
