"""Secrets at rest: supporters' tokens, client secrets and DPoP private keys.

They are encrypted with Fernet (AES-128-CBC + HMAC-SHA256) under keys from the environment,
`SOLIDARITY_SECRET_KEYS`, newest first. Every listed key decrypts; only the newest encrypts, so a
key is rotated by putting a new one in front, running `manage.py rotate_secrets`, then dropping
the old one. The demo, with no keys set, derives one from SECRET_KEY so that it works out of the
box; the `solidarity.E011` deploy check refuses that in production, because rotating SECRET_KEY
would then make every stored secret unreadable.

Plaintext is held in a `Secret` (a str whose repr is masked), so a secret that ends up in a log
line, a debug page or a traceback shows as `Secret('***')`.
"""

from __future__ import annotations

import base64
import functools

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.db.models.query_utils import DeferredAttribute


class UndecryptableSecret(ValueError):
    """A stored secret that none of the configured keys opens: altered, or its key dropped."""


class Secret(str):
    """A plaintext secret. It behaves as a str, but never shows itself in a repr."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "Secret('***')"


def configured_keys() -> tuple[str, ...]:
    """The keys from the environment, newest first; empty in the demo."""
    return tuple(getattr(settings, "SOLIDARITY_SECRET_KEYS", ()) or ())


def demo_key(secret_key: str) -> bytes:
    """A Fernet key derived from SECRET_KEY, stable across restarts (for the demo only)."""
    derived = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=None,
        info=b"solidarity.core.secrets demo key v1",
    ).derive(secret_key.encode())
    return base64.urlsafe_b64encode(derived)


def validate_keys(keys: tuple[str, ...]) -> str:
    """Why the configured keys are unusable, or "" if they are fine. Never echoes a key."""
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except ValueError:
            return (
                f"SOLIDARITY_SECRET_KEYS: key {position} is not a Fernet key (32 url-safe "
                "base64-encoded bytes). Make one with: python -c 'from cryptography.fernet "
                "import Fernet; print(Fernet.generate_key().decode())'"
            )
    return ""


@functools.lru_cache(maxsize=8)
def _multifernet(keys: tuple[str, ...], secret_key: str) -> MultiFernet:
    if not keys:
        return MultiFernet([Fernet(demo_key(secret_key))])
    problem = validate_keys(keys)
    if problem:
        raise ImproperlyConfigured(problem)
    return MultiFernet([Fernet(key) for key in keys])


def _keyring() -> MultiFernet:
    # Keyed on the current settings so that a changed key list (tests, reload) takes effect.
    return _multifernet(configured_keys(), settings.SECRET_KEY)


def encrypt(text: str) -> str:
    return _keyring().encrypt(str(text).encode()).decode("ascii")


def decrypt(token: str) -> Secret:
    try:
        return Secret(_keyring().decrypt(token.encode("ascii")).decode())
    except (InvalidToken, UnicodeError) as error:
        raise UndecryptableSecret(
            "A stored secret could not be decrypted: it was altered, or the key that encrypted "
            "it is no longer in SOLIDARITY_SECRET_KEYS."
        ) from error


def rotate(token: str) -> str:
    """The same secret, encrypted under the newest key."""
    try:
        return _keyring().rotate(token.encode("ascii")).decode("ascii")
    except (InvalidToken, UnicodeError) as error:
        raise UndecryptableSecret(
            "A stored secret could not be rotated: no configured key decrypts it."
        ) from error


class _SecretAttribute(DeferredAttribute):
    """Wraps whatever is assigned in a `Secret`, so a fresh instance masks its repr too."""

    def __set__(self, instance, value):
        instance.__dict__[self.field.attname] = None if value is None else Secret(value)


class EncryptedTextField(models.TextField):
    """Text stored encrypted; Python code reads and writes the plaintext.

    Not editable, so no admin or model form ever shows it. The ciphertext differs at every save,
    so the column cannot be filtered on or made unique.
    """

    descriptor_class = _SecretAttribute

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("editable") is False:
            del kwargs["editable"]
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        return None if value is None else decrypt(value)

    def to_python(self, value):
        if value is None or isinstance(value, Secret):
            return value
        return Secret(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return None if value is None else encrypt(value)

    def formfield(self, **kwargs):
        return None

    def value_to_string(self, obj):
        # dumpdata and other serialisations never carry secrets, not even encrypted ones.
        return ""


def encrypted_fields(model: type[models.Model]) -> list[EncryptedTextField]:
    return [field for field in model._meta.concrete_fields if isinstance(field, EncryptedTextField)]


def rotate_model(model: type[models.Model], batch_size: int = 500) -> int:
    """Re-encrypt every encrypted value of one model under the newest key; returns the count.

    Reading decrypts with whichever key opens the value and saving encrypts with the newest, in
    batches walked by primary key, each in its own transaction with the rows locked, so a
    concurrent write is neither lost nor overwritten with a stale value.
    """
    names = [field.attname for field in encrypted_fields(model)]
    if not names:
        return 0
    rotated = 0
    last_pk = None
    rows = model._base_manager.order_by("pk").only("pk", *names)
    while True:
        with transaction.atomic(using=rows.db):
            page = rows if last_pk is None else rows.filter(pk__gt=last_pk)
            batch = list(page.select_for_update()[:batch_size])
            if not batch:
                return rotated
            model._base_manager.bulk_update(batch, names)
        rotated += sum(getattr(row, name) is not None for row in batch for name in names)
        last_pk = batch[-1].pk


def rotate_all(models_to_rotate=None, batch_size: int = 500) -> dict[str, int]:
    """Rotate every model that has encrypted fields; {model label: values re-encrypted}."""
    candidates = apps.get_models() if models_to_rotate is None else models_to_rotate
    return {
        model._meta.label: rotate_model(model, batch_size)
        for model in candidates
        if not model._meta.proxy and encrypted_fields(model)
    }
