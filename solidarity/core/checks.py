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
