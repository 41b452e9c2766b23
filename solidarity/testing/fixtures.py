"""Pytest fixtures for the loopback servers; the root conftest loads them as a plugin."""

from collections.abc import Iterator

import pytest

from solidarity.testing.bluesky import LocalPDS


@pytest.fixture(scope="session")
def bluesky_pds() -> Iterator[LocalPDS]:
    """One real PDS (with its did:plc directory) per test session and worker, on 127.0.0.1.

    Tests share it, so each should create accounts with handles of its own.
    """
    with LocalPDS() as pds:
        yield pds


@pytest.fixture
def loopback_servers(settings):
    """Admit loopback servers (test only): the Mastodon and Bluesky servers of these tests run
    on 127.0.0.1, which every outbound check refuses otherwise."""
    settings.SOLIDARITY_ALLOW_LOOPBACK_SERVERS = True
    return settings
