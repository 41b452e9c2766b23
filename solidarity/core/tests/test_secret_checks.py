"""Production refuses derived secret keys, malformed keys and the loopback test switch."""

from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from solidarity.core.checks import (
    check_loopback_servers_are_not_allowed,
    check_secret_keys_are_fernet_keys,
    check_secret_keys_are_set,
)


def ids(errors):
    return [error.id for error in errors]


def test_production_needs_its_own_secret_keys():
    with override_settings(SOLIDARITY_SECRET_KEYS=[]):
        assert ids(check_secret_keys_are_set(None)) == ["solidarity.E011"]
    with override_settings(SOLIDARITY_SECRET_KEYS=[Fernet.generate_key().decode()]):
        assert check_secret_keys_are_set(None) == []


def test_a_malformed_key_stops_every_start_not_only_production():
    with override_settings(SOLIDARITY_SECRET_KEYS=["leaky-key-value"]):
        assert ids(check_secret_keys_are_fernet_keys(None)) == ["solidarity.E010"]
        try:
            call_command("check")
        except SystemCheckError as error:
            assert "solidarity.E010" in str(error)
            assert "leaky-key-value" not in str(error)
        else:
            raise AssertionError("`check` accepted a malformed key")
    assert check_secret_keys_are_fernet_keys(None) == []


def test_the_loopback_switch_is_refused_in_production():
    with override_settings(SOLIDARITY_ALLOW_LOOPBACK_SERVERS=True):
        assert ids(check_loopback_servers_are_not_allowed(None)) == ["solidarity.E012"]
    with override_settings(SOLIDARITY_ALLOW_LOOPBACK_SERVERS=False):
        assert check_loopback_servers_are_not_allowed(None) == []
