"""Secrets encrypt, decrypt and rotate under the keys from the environment."""

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from solidarity.core.secrets import UndecryptableSecret, decrypt, encrypt, rotate

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()
TOKEN = "mastodon-access-token-Zx81…ключ"


def test_round_trip_hides_the_plaintext():
    ciphertext = encrypt(TOKEN)
    assert TOKEN not in ciphertext
    assert decrypt(ciphertext) == TOKEN


def test_each_encryption_differs_so_equal_secrets_are_not_recognisable():
    assert encrypt(TOKEN) != encrypt(TOKEN)


def test_the_demo_key_is_stable_across_restarts_and_depends_on_secret_key():
    ciphertext = encrypt(TOKEN)
    with override_settings(SOLIDARITY_SECRET_KEYS=[]):
        assert decrypt(ciphertext) == TOKEN
    with (
        override_settings(SECRET_KEY="another-secret-key-" + "x" * 40),
        pytest.raises(UndecryptableSecret),
    ):
        decrypt(ciphertext)


def test_the_old_key_still_decrypts_after_a_new_key_is_put_first():
    with override_settings(SOLIDARITY_SECRET_KEYS=[OLD_KEY]):
        old_ciphertext = encrypt(TOKEN)
    with override_settings(SOLIDARITY_SECRET_KEYS=[NEW_KEY, OLD_KEY]):
        assert decrypt(old_ciphertext) == TOKEN


def test_rotate_re_encrypts_under_the_newest_key():
    with override_settings(SOLIDARITY_SECRET_KEYS=[OLD_KEY]):
        old_ciphertext = encrypt(TOKEN)
    with override_settings(SOLIDARITY_SECRET_KEYS=[NEW_KEY, OLD_KEY]):
        rotated = rotate(old_ciphertext)
    assert Fernet(NEW_KEY).decrypt(rotated.encode()).decode() == TOKEN
    with override_settings(SOLIDARITY_SECRET_KEYS=[NEW_KEY]):
        assert decrypt(rotated) == TOKEN
        with pytest.raises(UndecryptableSecret, match="no longer in SOLIDARITY_SECRET_KEYS"):
            decrypt(old_ciphertext)


def test_new_secrets_are_encrypted_under_the_newest_key_only():
    with override_settings(SOLIDARITY_SECRET_KEYS=[NEW_KEY, OLD_KEY]):
        ciphertext = encrypt(TOKEN)
    with override_settings(SOLIDARITY_SECRET_KEYS=[NEW_KEY]):
        assert decrypt(ciphertext) == TOKEN
    with (
        override_settings(SOLIDARITY_SECRET_KEYS=[OLD_KEY]),
        pytest.raises(UndecryptableSecret),
    ):
        decrypt(ciphertext)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda text: text[:-6] + ("AAAAAA" if not text.endswith("AAAAAA") else "BBBBBB"),
        lambda text: text[:20] + ("x" if text[20] != "x" else "y") + text[21:],
        lambda text: text[: len(text) // 2],
        lambda text: "not a token at all",
        lambda text: "ключ",
    ],
    ids=["changed-mac", "changed-body", "truncated", "garbage", "non-ascii"],
)
def test_tampered_ciphertext_raises_a_clear_error(tamper):
    ciphertext = encrypt(TOKEN)
    with pytest.raises(UndecryptableSecret, match="could not be decrypted: it was altered"):
        decrypt(tamper(ciphertext))


def test_a_malformed_key_is_refused_without_echoing_it():
    bad_key = "not-a-fernet-key-but-a-secret-nonetheless"
    with (
        override_settings(SOLIDARITY_SECRET_KEYS=[NEW_KEY, bad_key]),
        pytest.raises(ImproperlyConfigured, match="key 2 is not a Fernet key") as raised,
    ):
        encrypt(TOKEN)
    assert bad_key not in str(raised.value)
