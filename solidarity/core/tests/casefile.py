"""A case file with public and restricted parts, for testing every public channel.

Ales's case is public, but parts of it are restricted: his birth date and biography, an earlier
episode, a decision, an update, a prison's postal address and more. Nina's whole case is
restricted. Every restricted value is a distinctive string listed in `CaseFile.secrets`, so a
test can search a whole response body for any of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from solidarity.cases.models import (
    CaseUpdate,
    Charge,
    Decision,
    DetentionEpisode,
    DetentionPlace,
    Membership,
    Organisation,
    Person,
    Proceeding,
    Sentence,
)
from solidarity.core.confidentiality import Confidentiality
from solidarity.publications.models import MediaContact, Publication, Tag

RESTRICTED = Confidentiality.RESTRICTED


@dataclass
class CaseFile:
    ales: Person
    nina: Person
    viasna: Organisation
    statement_en: Publication
    statement_be: Publication
    draft: Publication
    scheduled: Publication
    secrets: list[str] = field(default_factory=list)
    public_facts: list[str] = field(default_factory=list)


def make_casefile() -> CaseFile:
    viasna = Organisation.objects.create(
        slug="viasna",
        name_en="Human Rights Centre Viasna",
        name_be="Праваабарончы цэнтр «Вясна»",
        name_ru="Правозащитный центр «Весна»",
        abbreviation="Viasna",
        country="BY",
        url="https://example.org/secret-viasna-intranet",
        restricted_fields=["url"],
    )
    hidden_org = Organisation.objects.create(
        slug="secret-org", name_en="SECRET-ORGANISATION", confidentiality=RESTRICTED
    )
    ales = Person.objects.create(
        slug="ales-bialiatski",
        name_en="Ales Bialiatski",
        name_be="Алесь Бяляцкі",
        name_ru="Алесь Беляцкий",
        other_names="Aleś Bialacki",
        country="BY",
        time_zone="Europe/Minsk",
        birth_date=date(1962, 9, 25),
        biography_en="SECRET-BIOGRAPHY-EN",
        biography_be="SECRET-BIOGRAPHY-BE",
        identifiers={"wikidata": "SECRET-IDENTIFIER"},
        restricted_fields=["birth_date", "biography", "identifiers"],
        sources="https://example.org/public-source",
    )
    Membership.objects.create(person=ales, organisation=viasna, role_en="Chair")
    Membership.objects.create(person=ales, organisation=hidden_org, role_en="SECRET-ROLE")
    Membership.objects.create(
        person=ales,
        organisation=viasna,
        role_en="SECRET-MEMBERSHIP-RECORD",
        confidentiality=RESTRICTED,
    )

    first = DetentionEpisode.objects.create(
        person=ales,
        arrest_date=date(2011, 8, 4),
        arrest_place="SECRET-ARREST-PLACE",
        release_date=date(2014, 6, 21),
        release_mode="amnesty",
        notes="SECRET-EPISODE-NOTES",
        restricted_fields=["arrest_place", "notes"],
    )
    Charge.objects.create(
        episode=first,
        code="Criminal Code of the Republic of Belarus",
        article="243",
        part="2",
        label_en="Tax evasion",
    )
    Charge.objects.create(
        episode=first, code="SECRET-CHARGE-CODE", article="1", confidentiality=RESTRICTED
    )
    Proceeding.objects.create(
        episode=first,
        court="Pervomaisky District Court of Minsk",
        date=date(2011, 11, 24),
        stage="first_instance",
        outcome_en="SECRET-PROCEEDING-OUTCOME",
        restricted_fields=["outcome"],
    )
    Sentence.objects.create(
        episode=first,
        date=date(2011, 11, 24),
        term="P4Y6M",
        regime="reinforced",
        fine_amount=Decimal("987654.32"),
        fine_currency="BYN",
        confiscation=True,
        restricted_fields=["fine_amount"],
    )
    DetentionPlace.objects.create(
        episode=first,
        name="Penal colony No. 2, Babruysk",
        start_date=date(2012, 1, 30),
        end_date=date(2014, 6, 21),
        postal_address="SECRET-POSTAL-ADDRESS, Box 2",
        restricted_fields=["postal_address"],
    )
    DetentionPlace.objects.create(
        episode=first, name="SECRET-PLACE-RECORD", confidentiality=RESTRICTED
    )
    DetentionEpisode.objects.create(person=ales, arrest_date=date(2021, 7, 14))
    # A restricted episode: neither shown nor counted for the public.
    DetentionEpisode.objects.create(
        person=ales,
        arrest_date=date(2001, 2, 3),
        release_date=date(2001, 3, 4),
        release_mode="other",
        arrest_place="SECRET-EPISODE-RECORD",
        confidentiality=RESTRICTED,
    )

    Decision.objects.create(
        person=ales,
        kind="decision",
        body_type="un_wgad",
        body_en="UN Working Group on Arbitrary Detention",
        reference="Opinion No. 39/2012",
        document_symbol="A/HRC/WGAD/2012/39",
        adopted_on=date(2012, 8, 29),
        finding="arbitrary",
        url="https://example.org/SECRET-DECISION-LINK",
        restricted_fields=["url"],
    )
    Decision.objects.create(
        person=ales,
        kind="statement",
        body_type="ngo",
        body_en="SECRET-DECISION-BODY",
        reference="SECRET-DECISION-REFERENCE",
        confidentiality=RESTRICTED,
    )
    CaseUpdate.objects.create(
        person=ales,
        date=date(2023, 1, 10),
        kind="health",
        title_en="Health concern reported",
        title_be="Паведамленне пра здароўе",
        text_en="SECRET-UPDATE-TEXT",
        restricted_fields=["text"],
    )
    CaseUpdate.objects.create(
        person=ales,
        date=date(2023, 2, 1),
        kind="legal",
        title_en="SECRET-UPDATE-RECORD",
        confidentiality=RESTRICTED,
    )

    nina = Person.objects.create(
        slug="secret-person",
        name_en="SECRET-PERSON-NAME",
        country="BY",
        confidentiality=RESTRICTED,
    )
    DetentionEpisode.objects.create(person=nina, arrest_date=date(2020, 8, 9))

    now = timezone.now()
    tag = Tag.objects.create(slug="belarus", name="Belarus")
    statement_en = Publication.objects.create(
        kind="statement",
        language="en",
        slug="free-ales",
        title="Free Ales Bialiatski",
        summary="Ten years on, we call for his release.",
        body="<p>Ales Bialiatski must be <strong>freed</strong>.</p>",
        status="published",
        published_at=now - timedelta(days=2),
        countries=["BY"],
    )
    statement_en.related_cases.add(ales, nina)
    statement_en.tags.add(tag)
    MediaContact.objects.create(
        publication=statement_en, name="Press desk", role="Media", email="press@example.org"
    )
    statement_be = Publication.objects.create(
        kind="statement",
        language="be",
        slug="volia-alesiu",
        translation_group=statement_en.translation_group,
        title="Волю Алесю Бяляцкаму",
        summary="Патрабуем вызвалення.",
        body="<p>Волю!</p>",
        status="published",
        published_at=now - timedelta(days=1),
    )
    statement_be.related_cases.add(ales)
    draft = Publication.objects.create(
        kind="news",
        language="en",
        slug="draft-news",
        title="SECRET-DRAFT-TITLE",
        status="draft",
        published_at=now - timedelta(days=1),
    )
    draft.related_cases.add(ales)
    scheduled = Publication.objects.create(
        kind="news",
        language="en",
        slug="embargoed-news",
        title="SECRET-EMBARGOED-TITLE",
        status="published",
        published_at=now + timedelta(days=3),
    )
    scheduled.related_cases.add(ales)

    return CaseFile(
        ales=ales,
        nina=nina,
        viasna=viasna,
        statement_en=statement_en,
        statement_be=statement_be,
        draft=draft,
        scheduled=scheduled,
        secrets=[
            "SECRET-",
            "secret-person",
            "secret-org",
            "secret-viasna-intranet",
            "1962-09-25",
            "987654",
            "2001-02-03",
        ],
        public_facts=[
            "Ales Bialiatski",
            "Opinion No. 39/2012",
            "Penal colony No. 2, Babruysk",
            "Health concern reported",
        ],
    )


def leaked(text: str, casefile: CaseFile) -> list[str]:
    """The restricted values found in `text` (case-insensitive); empty when nothing leaked."""
    lowered = text.lower()
    return [secret for secret in casefile.secrets if secret.lower() in lowered]


def midnight_utc(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)
