from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "solidarity.cases"
    label = "cases"
    verbose_name = _("Case registry")

    def ready(self) -> None:
        from solidarity.cases import signals  # noqa: F401
