"""A model that exists only in the tests: the platform has no encrypted fields of its own yet.

Its app label is not an installed app, so migrations never see it; the tests that use it create
its table themselves (`secret_table`).
"""

import contextlib

from django.db import connection, models

from solidarity.core.secrets import EncryptedTextField


class Connection(models.Model):
    account = models.CharField(max_length=100)
    access_token = EncryptedTextField()
    dpop_private_key = EncryptedTextField(null=True, blank=True)

    class Meta:
        app_label = "secrets_tests"

    def __str__(self) -> str:
        return self.account


@contextlib.contextmanager
def secret_table():
    """Create the table for the test's duration (needs `django_db(transaction=True)`)."""
    with connection.schema_editor() as editor:
        editor.create_model(Connection)
    try:
        yield Connection
    finally:
        with connection.schema_editor() as editor:
            editor.delete_model(Connection)
