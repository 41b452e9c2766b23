"""What cached case pages depend on besides the data: the local date of each case.

A counter turns over at midnight in the person's own time zone, so a cached page must not
outlive that midnight. The slug -> time zone map is read once per content version and kept in
process memory: the version changes on every write, so the map is never stale, and a cached
page costs no database query.
"""

from __future__ import annotations

from solidarity.cases.counter import local_today
from solidarity.cases.models import Person
from solidarity.core.page_cache import content_version

_zones_by_version: dict[int, dict[str, str]] = {}


def time_zones_by_slug() -> dict[str, str]:
    version = content_version()
    zones = _zones_by_version.get(version)
    if zones is None:
        # Every person, restricted or not: a time zone is not disclosed by a cache key.
        zones = dict(Person.objects.values_list("slug", "time_zone"))
        _zones_by_version.clear()
        _zones_by_version[version] = zones
    return zones


def case_page_key(request, slug: str) -> str:
    zone = time_zones_by_slug().get(slug)
    return local_today(zone).isoformat() if zone else ""


def case_list_key(request) -> str:
    """Today's date in every time zone of the cases: the list changes when any of them turns."""
    zones = set(time_zones_by_slug().values())
    return ",".join(sorted({local_today(zone).isoformat() for zone in zones}))
