"""A case's story in date order: arrests, hearings, sentences, places, releases, decisions, updates.

Built from a person loaded by `selectors.case_detail`, so it holds only what the viewer may see
and costs no further queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from solidarity.cases.display import humanize_term
from solidarity.cases.models import DetentionEpisode, Person

# Several events on one day read in the order they happen in a case.
ORDER = ("arrest", "place", "proceeding", "sentence", "release", "decision", "update")


@dataclass(frozen=True)
class Event:
    kind: str
    date: date | None
    record: object
    episode: DetentionEpisode | None = None
    term_text: str = ""

    @property
    def template(self) -> str:
        return f"cases/timeline/{self.kind}.html"

    def sort_key(self) -> tuple:
        # Undated events (a statement whose date is unknown) go last rather than vanish.
        return (self.date is None, self.date or date.max, ORDER.index(self.kind))


def build_timeline(person: Person) -> list[Event]:
    events: list[Event] = []
    for episode in person.episodes.all():
        events.extend(_episode_events(episode))
    events.extend(Event("decision", d.date, d) for d in person.decisions.all())
    events.extend(Event("update", u.date, u) for u in person.updates.all())
    return sorted(events, key=Event.sort_key)


def _episode_events(episode: DetentionEpisode) -> list[Event]:
    events = [Event("arrest", episode.arrest_date, episode, episode)]
    events.extend(
        Event("place", place.start_date or episode.arrest_date, place, episode)
        for place in episode.places.all()
    )
    events.extend(Event("proceeding", p.date, p, episode) for p in episode.proceedings.all())
    events.extend(
        Event("sentence", s.date, s, episode, term_text=humanize_term(s.term))
        for s in episode.sentences.all()
    )
    if episode.release_date:
        events.append(Event("release", episode.release_date, episode, episode))
    return events
