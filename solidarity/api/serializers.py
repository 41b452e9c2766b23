"""What the read API returns. Records arrive already filtered and redacted by the selectors.

Restricted fields are left out of the output altogether rather than shown empty: an empty
"postal_address" would still tell a reader that an address exists and is being held back.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from solidarity.api.fields import LANGUAGE_CODES, EnumField, TranslatedField
from solidarity.cases import counter, models, selectors
from solidarity.core.confidentiality import can_see_restricted
from solidarity.publications.models import Publication

STATUSES = [selectors.Status.DETAINED, selectors.Status.RELEASED, selectors.Status.NOT_DETAINED]


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Per parameter, what is wrong with it.",
    )


class ConfidentialSerializer(serializers.Serializer):
    """Leaves out the fields a record restricts, for a viewer who may not see them.

    A field that only makes sense beside a restricted one (a fine's currency) goes with it.
    """

    companions: dict[str, tuple[str, ...]] = {}

    sources = serializers.SerializerMethodField()

    def to_representation(self, instance) -> dict:
        data = super().to_representation(instance)
        if not can_see_restricted(self.context.get("viewer")):
            for name in instance.restricted_fields or []:
                for key in (name, *self.companions.get(name, ())):
                    data.pop(key, None)
        return data

    def get_sources(self, instance) -> list[str]:
        return instance.source_list()


def optional(field_class, **kwargs):
    """A field that is absent from the output when the record restricts it."""
    return field_class(required=False, **kwargs)


def absolute(request, path: str) -> str:
    return request.build_absolute_uri(path) if request is not None else path


def page_urls(request, url_name: str, **kwargs) -> dict[str, str]:
    urls = {}
    for code in LANGUAGE_CODES:
        with translation.override(code):
            urls[code] = absolute(request, reverse(url_name, kwargs=kwargs))
    return urls


@extend_schema_field(
    {
        "type": "object",
        "properties": {code: {"type": "string", "format": "uri"} for code in LANGUAGE_CODES},
        "required": LANGUAGE_CODES,
    }
)
class PageUrlsField(serializers.Field):
    def __init__(self, url_name: str, **kwargs) -> None:
        self.url_name = url_name
        kwargs["source"] = "slug"
        super().__init__(**kwargs)

    def to_representation(self, slug: str) -> dict[str, str]:
        return page_urls(self.context.get("request"), self.url_name, slug=slug)


@extend_schema_field({"type": "string", "format": "uri", "nullable": True})
class PhotoUrlField(serializers.Field):
    def to_representation(self, photo) -> str | None:
        return absolute(self.context.get("request"), photo.url) if photo else None


class OrganisationSerializer(ConfidentialSerializer):
    slug = serializers.SlugField()
    name = TranslatedField()
    abbreviation = serializers.CharField()
    country = serializers.CharField(help_text="ISO 3166-1 alpha-2 code, or empty.")
    url = optional(serializers.URLField, allow_blank=True)


class OrganisationRefSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = TranslatedField()
    abbreviation = serializers.CharField()


class MembershipSerializer(ConfidentialSerializer):
    organisation = OrganisationRefSerializer()
    role = optional(TranslatedField)
    start_date = optional(serializers.DateField, allow_null=True)
    end_date = optional(serializers.DateField, allow_null=True)


class ChargeSerializer(ConfidentialSerializer):
    code = serializers.CharField()
    article = serializers.CharField()
    part = serializers.CharField()
    label = TranslatedField()


class ProceedingSerializer(ConfidentialSerializer):
    court = serializers.CharField()
    date = serializers.DateField()
    stage = EnumField(choices=models.ProceedingStage.values)
    outcome = optional(TranslatedField)


class SentenceSerializer(ConfidentialSerializer):
    companions = {"fine_amount": ("fine_currency",)}

    date = serializers.DateField()
    term = serializers.CharField(help_text="ISO 8601 duration such as P4Y6M, or empty.")
    regime = EnumField(choices=models.Regime.values, allow_blank=True)
    fine_amount = optional(
        serializers.DecimalField, max_digits=14, decimal_places=2, allow_null=True
    )
    fine_currency = optional(serializers.CharField, help_text="ISO 4217 code, or empty.")
    confiscation = serializers.BooleanField()


class PlaceSerializer(ConfidentialSerializer):
    name = serializers.CharField()
    start_date = serializers.DateField(allow_null=True)
    end_date = serializers.DateField(allow_null=True)
    postal_address = optional(serializers.CharField, help_text="Where letters can be sent.")


class EpisodeSerializer(ConfidentialSerializer):
    arrest_date = serializers.DateField()
    arrest_place = optional(serializers.CharField)
    release_date = serializers.DateField(allow_null=True)
    release_mode = EnumField(choices=models.ReleaseMode.values, allow_blank=True)
    notes = optional(serializers.CharField)
    charges = ChargeSerializer(many=True)
    proceedings = ProceedingSerializer(many=True)
    sentences = SentenceSerializer(many=True)
    places = PlaceSerializer(many=True)


class DecisionSerializer(ConfidentialSerializer):
    kind = EnumField(choices=models.Decision.Kind.values)
    body_type = EnumField(choices=models.BodyType.values)
    body = TranslatedField()
    reference = serializers.CharField()
    document_symbol = serializers.CharField()
    adopted_on = serializers.DateField(allow_null=True)
    published_on = serializers.DateField(allow_null=True)
    session = serializers.CharField()
    finding = EnumField(choices=models.Finding.values, allow_blank=True)
    summary = TranslatedField()
    quotation = TranslatedField()
    url = optional(serializers.URLField, allow_blank=True)


class UpdateSerializer(ConfidentialSerializer):
    date = serializers.DateField()
    kind = EnumField(choices=models.UpdateKind.values)
    title = TranslatedField()
    text = optional(TranslatedField)


class SpanSerializer(serializers.Serializer):
    years = serializers.IntegerField(min_value=0)
    months = serializers.IntegerField(min_value=0)
    days = serializers.IntegerField(min_value=0)
    total_days = serializers.IntegerField(min_value=0)


class CounterSerializer(serializers.Serializer):
    as_of = serializers.DateField(help_text="Today in the case's own time zone.")
    current = SpanSerializer(allow_null=True, help_text="The ongoing detention, if any.")
    total = SpanSerializer(help_text="All detentions on record, added up.")


def counter_data(person: models.Person) -> dict:
    """The detention counter, from the episodes the viewer may see."""
    episodes = list(person.episodes.all())
    case_counter = selectors.case_counter(person, episodes)
    today = case_counter.today
    ongoing = [e for e in episodes if e.is_ongoing]

    def span(value: counter.Span, total_days: int) -> dict:
        return {
            "years": value.years,
            "months": value.months,
            "days": value.days,
            "total_days": total_days,
        }

    current = None
    if case_counter.current is not None:
        current_days = counter.detained_days(ongoing[-1].arrest_date, None, today)
        current = span(case_counter.current, current_days)
    total_days = sum(counter.detained_days(e.arrest_date, e.release_date, today) for e in episodes)
    return {
        "status": case_counter.status,
        "as_of": today,
        "current": current,
        "total": span(case_counter.total, total_days),
    }


class CaseSummarySerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = TranslatedField()
    country = serializers.CharField(help_text="ISO 3166-1 alpha-2 code, or empty.")
    status = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    pages = PageUrlsField("cases:detail", help_text="The case's web page in each language.")

    @extend_schema_field(EnumField(choices=STATUSES))
    def get_status(self, person: models.Person) -> str:
        if person.is_detained:
            return selectors.Status.DETAINED
        return selectors.Status.RELEASED if person.has_episode else selectors.Status.NOT_DETAINED

    def get_url(self, person: models.Person) -> str:
        path = reverse("api:case-detail", kwargs={"slug": person.slug})
        return absolute(self.context.get("request"), path)


class CaseSerializer(ConfidentialSerializer):
    slug = serializers.SlugField()
    name = TranslatedField()
    other_names = serializers.SerializerMethodField()
    country = serializers.CharField(help_text="ISO 3166-1 alpha-2 code, or empty.")
    time_zone = serializers.CharField(help_text="Days of detention are counted in this zone.")
    birth_date = optional(serializers.DateField, allow_null=True)
    gender = optional(EnumField, choices=models.Gender.values, allow_blank=True)
    photo = optional(PhotoUrlField)
    photo_credit = serializers.CharField()
    biography = optional(TranslatedField)
    identifiers = optional(serializers.DictField, child=serializers.CharField())
    status = serializers.SerializerMethodField()
    counter = serializers.SerializerMethodField()
    pages = PageUrlsField("cases:detail", help_text="The case's web page in each language.")
    memberships = MembershipSerializer(many=True)
    episodes = EpisodeSerializer(many=True)
    decisions = DecisionSerializer(many=True)
    updates = UpdateSerializer(many=True)

    def to_representation(self, person: models.Person) -> dict:
        self._counter = counter_data(person)
        return super().to_representation(person)

    def get_other_names(self, person: models.Person) -> list[str]:
        return [line.strip() for line in person.other_names.splitlines() if line.strip()]

    @extend_schema_field(EnumField(choices=STATUSES))
    def get_status(self, person: models.Person) -> str:
        return self._counter["status"]

    @extend_schema_field(CounterSerializer)
    def get_counter(self, person: models.Person) -> dict:
        data = dict(self._counter)
        data.pop("status")
        return CounterSerializer(data).data


class CaseRefSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = TranslatedField()
    url = serializers.SerializerMethodField()

    def get_url(self, person: models.Person) -> str:
        path = reverse("api:case-detail", kwargs={"slug": person.slug})
        return absolute(self.context.get("request"), path)


class TagSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


class TranslationRefSerializer(serializers.Serializer):
    language = EnumField(choices=LANGUAGE_CODES)
    slug = serializers.SlugField()
    url = serializers.SerializerMethodField()

    def get_url(self, publication: Publication) -> str:
        return publication_api_url(self.context.get("request"), publication)


class MediaContactSerializer(serializers.Serializer):
    name = serializers.CharField()
    role = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.CharField()


def publication_api_url(request, publication: Publication) -> str:
    path = reverse(
        "api:publication-detail",
        kwargs={"language": publication.language, "slug": publication.slug},
    )
    return absolute(request, path)


class PublicationSummarySerializer(serializers.Serializer):
    language = EnumField(choices=LANGUAGE_CODES)
    slug = serializers.SlugField()
    kind = EnumField(choices=Publication.Kind.values)
    title = serializers.CharField()
    summary = serializers.CharField()
    published_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    url = serializers.SerializerMethodField()
    page = serializers.SerializerMethodField()
    related_cases = CaseRefSerializer(many=True, help_text="Public cases only.")
    tags = TagSerializer(many=True)
    countries = serializers.SerializerMethodField()
    translations = serializers.SerializerMethodField()

    def get_url(self, publication: Publication) -> str:
        return publication_api_url(self.context.get("request"), publication)

    @extend_schema_field({"type": "string", "format": "uri"})
    def get_page(self, publication: Publication) -> str:
        return absolute(self.context.get("request"), publication.get_absolute_url())

    def get_countries(self, publication: Publication) -> list[str]:
        return [country.code for country in publication.countries]

    @extend_schema_field(TranslationRefSerializer(many=True))
    def get_translations(self, publication: Publication) -> list[dict]:
        versions = publication.translations().order_by("language")
        return TranslationRefSerializer(versions, many=True, context=self.context).data


class PublicationSerializer(PublicationSummarySerializer):
    body = serializers.CharField(help_text="Sanitised HTML.")
    media_contacts = MediaContactSerializer(many=True)
