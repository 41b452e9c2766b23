"""System checks that refuse an unsafe production configuration at start."""

from django.conf import settings
from django.core.checks import Error, register


@register(deploy=True)
def check_secret_key_is_not_the_demo_key(app_configs, **kwargs):
    if settings.SECRET_KEY == settings.DEMO_SECRET_KEY:
        return [
            Error(
                "SECRET_KEY is the demo key.",
                hint="Set SECRET_KEY (or SECRET_KEY_FILE) to a long random value.",
                id="solidarity.E001",
            )
        ]
    return []


@register()
def check_secret_keys_are_fernet_keys(app_configs, **kwargs):
    from solidarity.core.secrets import configured_keys, validate_keys

    problem = validate_keys(configured_keys())
    if problem:
        return [Error(problem, id="solidarity.E010")]
    return []


@register(deploy=True)
def check_secret_keys_are_set(app_configs, **kwargs):
    if not settings.SOLIDARITY_SECRET_KEYS:
        return [
            Error(
                "SOLIDARITY_SECRET_KEYS is not set: secrets at rest would be encrypted with a "
                "key derived from SECRET_KEY.",
                hint="Set SOLIDARITY_SECRET_KEYS (or SOLIDARITY_SECRET_KEYS_FILE) to one or more "
                "Fernet keys, newest first, separated by commas.",
                id="solidarity.E011",
            )
        ]
    return []


@register(deploy=True)
def check_loopback_servers_are_not_allowed(app_configs, **kwargs):
    if settings.SOLIDARITY_ALLOW_LOOPBACK_SERVERS:
        return [
            Error(
                "SOLIDARITY_ALLOW_LOOPBACK_SERVERS is on: supporters could make this server "
                "contact its own loopback services.",
                hint="It exists for the integration tests only; unset it.",
                id="solidarity.E012",
            )
        ]
    return []
