import pytest
from django.db import connection

from tests.conftest import REQUIRE_SERVICES

pytestmark = pytest.mark.integration


@pytest.mark.skipif(not REQUIRE_SERVICES, reason="only CI (REQUIRE_SERVICES=1) must use PostgreSQL")
@pytest.mark.django_db
def test_ci_runs_the_suite_on_postgresql():
    assert connection.vendor == "postgresql"
