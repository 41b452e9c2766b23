"""An EncryptedTextField keeps ciphertext in the database and plaintext only in Python."""

import pytest
from django.contrib import admin
from django.db import connection
from django.forms import modelform_factory

from solidarity.core.secrets import Secret, decrypt, encrypt
from solidarity.core.tests.secret_models import Connection, secret_table

TOKEN = "oauth-token-7f3a9c-secret"
PEM = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEH\n-----END PRIVATE KEY-----"


def raw_row(pk):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT access_token, dpop_private_key FROM secrets_tests_connection WHERE id = %s",
            [pk],
        )
        return cursor.fetchone()


@pytest.fixture
def table(transactional_db):
    with secret_table() as model:
        yield model


def test_the_plaintext_never_reaches_the_database_column(table):
    row = Connection.objects.create(
        account="@ales@mastodon.social", access_token=TOKEN, dpop_private_key=PEM
    )
    stored_token, stored_key = raw_row(row.pk)
    assert TOKEN not in stored_token
    assert "PRIVATE KEY" not in stored_key
    assert decrypt(stored_token) == TOKEN
    assert decrypt(stored_key) == PEM


def test_python_reads_the_plaintext_back(table):
    pk = Connection.objects.create(account="a", access_token=TOKEN).pk
    loaded = Connection.objects.get(pk=pk)
    assert loaded.access_token == TOKEN
    assert loaded.dpop_private_key is None
    assert raw_row(pk)[1] is None


def test_a_changed_secret_is_re_encrypted_on_save(table):
    row = Connection.objects.create(account="a", access_token=TOKEN)
    row.access_token = "a-refreshed-token"
    row.save(update_fields=["access_token"])
    assert decrypt(raw_row(row.pk)[0]) == "a-refreshed-token"
    assert Connection.objects.get(pk=row.pk).access_token == "a-refreshed-token"


def test_a_value_already_encrypted_is_not_taken_for_plaintext(table):
    # Storing a ciphertext as a value encrypts it again: the field never guesses.
    ciphertext = encrypt(TOKEN)
    row = Connection.objects.create(account="a", access_token=ciphertext)
    assert Connection.objects.get(pk=row.pk).access_token == ciphertext


def test_the_secret_never_shows_in_a_repr(table):
    fresh = Connection(account="a", access_token=TOKEN)
    Connection.objects.create(account="b", access_token=TOKEN)
    loaded = Connection.objects.get(account="b")
    for value in (fresh.access_token, loaded.access_token):
        assert isinstance(value, Secret)
        assert TOKEN not in repr(value)
        assert TOKEN not in repr(vars(fresh))
        assert value == TOKEN


def test_no_form_offers_the_field():
    form_class = modelform_factory(Connection, fields="__all__")
    assert list(form_class.base_fields) == ["account"]
    admin_form = admin.ModelAdmin(Connection, admin.site).get_form(request=None)
    assert "access_token" not in admin_form.base_fields
    assert "dpop_private_key" not in admin_form.base_fields


def test_serialisations_leave_the_secret_out():
    row = Connection(account="a", access_token=TOKEN)
    field = Connection._meta.get_field("access_token")
    assert field.value_to_string(row) == ""


def test_migrations_record_the_field_without_its_default_not_editable():
    field = Connection._meta.get_field("access_token")
    _name, path, _args, kwargs = field.deconstruct()
    assert path == "solidarity.core.secrets.EncryptedTextField"
    assert "editable" not in kwargs
