"""Test data for the interchange tests: every field of every record type set, awkward values
included, and a canonical dump of the whole registry to compare before and after."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import models

from solidarity.cases.interchange import schema
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

# Columns that are not data: keys, timestamps set by the database, modeltranslation's mirror
# of the active language (the per-language columns it mirrors are compared).
NOT_DATA = {"id", "created_at", "updated_at"}


def make_everything() -> None:
    """Two organisations and two people with every field and record type, some restricted."""
    viasna = Organisation.objects.create(
        slug="viasna",
        name_en="Human Rights Centre “Viasna”",
        name_be="Праваабарончы цэнтр «Вясна»",
        name_ru="Правозащитный центр «Весна»",
        abbreviation="Viasna",
        country="BY",
        url="https://spring96.org/",
        sources="https://example.org/a|b\nback\\slash",
        is_demo=True,
    )
    hidden = Organisation.objects.create(
        slug="hidden-org",
        name_en="A restricted organisation",
        confidentiality="restricted",
        url="https://example.org/hidden",
        restricted_fields=["url"],
    )
    person = Person.objects.create(
        slug="ales-bialiatski",
        name_en="Ales Bialiatski",
        name_be="Алесь Бяляцкі",
        name_ru="Алесь Беляцкий",
        other_names="Aleś Bialacki\nAles Byalyatski|pipe\n\nlast, with comma",
        birth_date=date(1962, 9, 25),
        gender="male",
        country="BY",
        time_zone="Europe/Minsk",
        photo="people/ales.jpg",
        photo_credit="Photo: someone",
        biography_en='Line one\nline "two", quoted',
        biography_ru="Биография",
        identifiers={"wikidata": "Q1", "odd=key?": "a|b=c"},
        restricted_fields=["birth_date", "identifiers"],
        sources="https://example.org/1\nhttps://example.org/2",
        is_demo=True,
    )
    Membership.objects.create(
        person=person,
        organisation=viasna,
        role_en="Chair",
        role_be="Старшыня",
        start_date=date(1996, 1, 1),
        restricted_fields=["start_date"],
    )
    Membership.objects.create(person=person, organisation=hidden, role_en="Secret")
    first = DetentionEpisode.objects.create(
        person=person,
        arrest_date=date(2011, 8, 4),
        arrest_place="Minsk",
        release_date=date(2014, 6, 21),
        release_mode="amnesty",
        notes="A note\nover two lines",
        restricted_fields=["notes"],
    )
    Charge.objects.create(
        episode=first,
        code="Criminal Code of the Republic of Belarus",
        article="243",
        part="2",
        label_en="Tax evasion",
        label_be="Ухіленне ад выплаты падаткаў",
        label_ru="Уклонение от уплаты налогов",
    )
    Proceeding.objects.create(
        episode=first,
        court="Minsk City Court",
        date=date(2012, 1, 24),
        stage="appeal",
        outcome_en="Appeal rejected",
        restricted_fields=["outcome"],
    )
    Proceeding.objects.create(
        episode=first, court="Same day", date=date(2012, 1, 24), stage="other"
    )
    Sentence.objects.create(
        episode=first,
        date=date(2011, 11, 24),
        term="P4Y6M",
        regime="reinforced",
        fine_amount=Decimal("1234.50"),
        fine_currency="BYN",
        confiscation=True,
        restricted_fields=["fine_amount"],
    )
    DetentionPlace.objects.create(
        episode=first,
        name="Penal colony No. 2, Babruisk",
        start_date=date(2012, 1, 1),
        end_date=date(2014, 6, 21),
        postal_address="Street 1\nTown",
        restricted_fields=["postal_address"],
    )
    DetentionPlace.objects.create(
        episode=first, name="A secret place", confidentiality="restricted"
    )
    second = DetentionEpisode.objects.create(person=person, arrest_date=date(2021, 7, 14))
    Sentence.objects.create(episode=second, date=date(2023, 3, 3), term="P10Y")
    Decision.objects.create(
        person=person,
        kind="decision",
        body_type="un_wgad",
        body_en="UN Working Group on Arbitrary Detention",
        body_ru="Рабочая группа ООН по произвольным задержаниям",
        reference="Opinion No. 39/2012 (Belarus)",
        document_symbol="A/HRC/WGAD/2012/39",
        adopted_on=date(2012, 8, 31),
        published_on=date(2013, 1, 15),
        session="64th session",
        finding="arbitrary",
        summary_en="Arbitrary.",
        quotation_en="A quotation",
        url="https://undocs.org/A/HRC/WGAD/2012/39",
        restricted_fields=["url"],
    )
    CaseUpdate.objects.create(
        person=person,
        date=date(2013, 8, 2),
        kind="health",
        title_en="Health concern",
        title_be="Здароўе",
        text_en="Secret text",
        restricted_fields=["text"],
    )
    CaseUpdate.objects.create(
        person=person,
        date=date(2013, 8, 2),
        kind="other",
        title_en="A restricted update",
        confidentiality="restricted",
    )
    Person.objects.create(
        slug="hidden-person",
        name_en="Hidden Person",
        confidentiality="restricted",
        time_zone="UTC",
    )
    Person.objects.create(slug="plain-person", name_ru="Только по-русски", time_zone="UTC")


def delete_everything() -> None:
    Person.objects.all().delete()
    Organisation.objects.all().delete()


def canonical_dump() -> dict[str, list[dict]]:
    """Every stored value of every case record, keyed by natural keys instead of ids."""
    dump = {}
    for record_type in schema.ALL_TYPES:
        rows = [_row(record) for record in record_type.model.objects.all()]
        dump[record_type.key] = sorted(rows, key=repr)
    return dump


def _row(record: models.Model) -> dict:
    row = {}
    for field in record._meta.concrete_fields:
        if field.name in NOT_DATA:
            continue
        value = getattr(record, field.name)
        if isinstance(field, models.ForeignKey):
            value = _natural_key(value)
        elif isinstance(field, models.FileField):
            value = value.name
        row[field.name] = value if not hasattr(value, "code") else value.code
    return row


def _natural_key(record: models.Model):
    if isinstance(record, Person | Organisation):
        return record.slug
    if isinstance(record, DetentionEpisode):
        return (record.person.slug, str(record.arrest_date))
    raise TypeError(record)
