import pytest

from solidarity.core.tests.casefile import make_casefile


@pytest.fixture
def casefile(db):
    return make_casefile()
