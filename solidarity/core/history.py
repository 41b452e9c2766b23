"""Reads of the change history that simple-history keeps for every case and publication."""

from django.contrib.auth import get_user_model
from django.db.models import OuterRef, QuerySet, Subquery


def with_last_editor(queryset: QuerySet) -> QuerySet:
    """Annotate each row with `last_changed_by`: the username on its newest history entry.

    Empty (None) when the last change was made outside a request, e.g. by an import command.
    """
    history = queryset.model.history.model
    pk_name = queryset.model._meta.pk.attname
    username = f"history_user__{get_user_model().USERNAME_FIELD}"
    newest = history.objects.filter(**{pk_name: OuterRef("pk")}).order_by(
        "-history_date", "-history_id"
    )
    return queryset.annotate(last_changed_by=Subquery(newest.values(username)[:1]))
