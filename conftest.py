"""Shared test setup and named personas (the environment: solidarity.testing.environment)."""

import pytest

# Session fixtures for the real servers integration tests start on loopback (bluesky_pds, ...);
# network_guard fails a test that connects beyond loopback or asks real DNS.
pytest_plugins = ["solidarity.testing.fixtures", "solidarity.testing.network_guard"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty page cache, so cached pages never cross tests."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """A test that switches the language (a request, `activate`) must not leave it on."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _role_groups(request):
    """Transactional tests flush every table, and the role groups the migration made go too;
    bring them back (as sync_roles, which that migration runs) for the tests that follow."""
    if request.node.get_closest_marker("django_db") is None:
        return
    request.getfixturevalue("_django_db_helper")
    from django.contrib.auth.models import Group

    from solidarity.core.roles import ROLE_PERMISSIONS, sync_roles

    if Group.objects.filter(name__in=ROLE_PERMISSIONS).count() < len(ROLE_PERMISSIONS):
        sync_roles()


@pytest.fixture
def organiser(django_user_model):
    """Olena, an editor at an NGO: signed in, may see restricted data."""
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user(
        "olena", "olena@example.org", "x" * 16, is_staff=True
    )
    user.user_permissions.add(Permission.objects.get(codename="view_restricted"))
    return user


@pytest.fixture
def organiser_client(client, organiser):
    client.force_login(organiser)
    return client
