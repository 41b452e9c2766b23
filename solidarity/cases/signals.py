"""Any change to case or publication data invalidates every cached public page."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from solidarity.core.page_cache import bump_content_version


def _bump(sender, **kwargs) -> None:
    if not kwargs.get("raw"):
        bump_content_version()


post_save.connect(_bump, dispatch_uid="solidarity-content-save")
post_delete.connect(_bump, dispatch_uid="solidarity-content-delete")
m2m_changed.connect(_bump, dispatch_uid="solidarity-content-m2m")
