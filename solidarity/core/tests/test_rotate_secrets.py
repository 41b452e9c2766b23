"""Rotation re-encrypts every stored secret under the newest key, so the old key can go."""

import io

import pytest
from cryptography.fernet import Fernet
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from solidarity.core.secrets import (
    UndecryptableSecret,
    decrypt,
    encrypted_fields,
    rotate_all,
    rotate_model,
)
from solidarity.core.tests.secret_models import Connection, secret_table

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()


@pytest.fixture
def table(transactional_db):
    with secret_table() as model:
        yield model


def stored_tokens():
    with connection.cursor() as cursor:
        cursor.execute("SELECT access_token, dpop_private_key FROM secrets_tests_connection")
        return [value for row in cursor.fetchall() for value in row if value is not None]


def test_rotation_moves_every_value_to_the_newest_key_in_batches(table):
    with override_settings(SOLIDARITY_SECRET_KEYS=[OLD_KEY]):
        for number in range(7):
            Connection.objects.create(
                account=f"supporter-{number}",
                access_token=f"token-{number}",
                dpop_private_key=f"key-{number}" if number % 2 else None,
            )
    with override_settings(SOLIDARITY_SECRET_KEYS=[NEW_KEY, OLD_KEY]):
        assert rotate_model(Connection, batch_size=3) == 7 + 3
    old_only = Fernet(NEW_KEY)
    assert len(stored_tokens()) == 10
    for ciphertext in stored_tokens():
        old_only.decrypt(ciphertext.encode())  # raises unless under the new key
    with override_settings(SOLIDARITY_SECRET_KEYS=[NEW_KEY]):
        tokens = sorted(Connection.objects.values_list("access_token", flat=True))
        assert tokens == [f"token-{number}" for number in range(7)]
        assert Connection.objects.get(account="supporter-3").dpop_private_key == "key-3"
        assert Connection.objects.get(account="supporter-2").dpop_private_key is None


def test_without_rotation_dropping_the_old_key_loses_the_secrets(table):
    with override_settings(SOLIDARITY_SECRET_KEYS=[OLD_KEY]):
        Connection.objects.create(account="a", access_token="token")
    with override_settings(SOLIDARITY_SECRET_KEYS=[NEW_KEY]):
        with pytest.raises(UndecryptableSecret):
            Connection.objects.get(account="a")
        with pytest.raises(UndecryptableSecret):
            rotate_model(Connection)


def test_rotate_all_finds_models_by_their_encrypted_fields(table):
    from django.contrib.auth.models import User

    with override_settings(SOLIDARITY_SECRET_KEYS=[OLD_KEY]):
        Connection.objects.create(account="a", access_token="token")
    with override_settings(SOLIDARITY_SECRET_KEYS=[NEW_KEY, OLD_KEY]):
        counts = rotate_all([User, Connection])
    assert counts == {"secrets_tests.Connection": 1}
    with override_settings(SOLIDARITY_SECRET_KEYS=[NEW_KEY]):
        assert decrypt(stored_tokens()[0]) == "token"


@pytest.mark.django_db
def test_the_command_walks_every_installed_model_with_encrypted_fields():
    expected = sorted(
        model._meta.label
        for model in apps.get_models()
        if not model._meta.proxy and encrypted_fields(model)
    )
    out = io.StringIO()
    call_command("rotate_secrets", "--batch-size", "10", stdout=out)
    lines = out.getvalue().splitlines()
    assert sorted(line.split(":")[0] for line in lines[:-1]) == expected
    assert lines[-1] == f"0 values re-encrypted in {len(expected)} models."
