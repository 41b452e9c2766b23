"""The case registry, after the HURIDOCS Events Standard Formats and Popolo.

A Person has detention episodes (arrest ... release; a re-arrest is a new episode), each with
charges, proceedings, sentences and places of detention. Decisions and statements by others,
and dated updates (health concerns among them), hang off the person. Status is never typed:
it is derived from the episodes (see `selectors.case_status`).
"""

import functools
import re
import zoneinfo

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from solidarity.core.confidentiality import ConfidentialModel

ISO_DURATION = re.compile(r"^P(?=\d)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")


def validate_iso_duration(value: str) -> None:
    if not ISO_DURATION.match(value or ""):
        raise ValidationError(
            _("Enter the term as an ISO 8601 duration such as P4Y6M (4 years 6 months)."),
            code="invalid_duration",
        )


# Listing the zones walks the tz database on disk (tens of ms); once per process is enough.
_time_zones = functools.cache(zoneinfo.available_timezones)


def validate_time_zone(value: str) -> None:
    if value not in _time_zones():
        raise ValidationError(
            _("“%(value)s” is not an IANA time zone such as Europe/Minsk."),
            params={"value": value},
            code="invalid_time_zone",
        )


class DemoFlagged(models.Model):
    is_demo = models.BooleanField(_("demonstration data"), default=False, editable=False)

    class Meta:
        abstract = True


class Organisation(ConfidentialModel, DemoFlagged):
    RESTRICTABLE_FIELDS = ("url",)

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    name = models.CharField(_("name"), max_length=300)
    abbreviation = models.CharField(_("abbreviation"), max_length=40, blank=True)
    country = CountryField(_("country"), blank=True)
    url = models.URLField(_("website"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")
    UNKNOWN = "", _("Not stated")


class Person(ConfidentialModel, DemoFlagged):
    # Names and spellings are never restrictable: search matches them for everyone.
    RESTRICTABLE_FIELDS = ("birth_date", "gender", "photo", "biography", "identifiers")

    slug = models.SlugField(
        _("slug"),
        max_length=120,
        unique=True,
        help_text=_("Part of the page address; do not change once public."),
    )
    name = models.CharField(_("name"), max_length=200)
    other_names = models.TextField(
        _("other names and spellings"),
        blank=True,
        help_text=_("Other transliterations and spellings, one per line; used by search."),
    )
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    country = CountryField(_("country"), blank=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="UTC",
        validators=[validate_time_zone],
        help_text=_("Days of detention are counted in this IANA time zone, e.g. Europe/Minsk."),
    )
    photo = models.ImageField(_("photo"), upload_to="people/", blank=True)
    photo_credit = models.CharField(_("photo credit"), max_length=200, blank=True)
    biography = models.TextField(_("short biography"), blank=True)
    identifiers = models.JSONField(
        _("identifiers"),
        default=dict,
        blank=True,
        help_text=_('Identifiers in other registries, e.g. {"wikidata": "Q…"}.'),
    )
    organisations = models.ManyToManyField(
        Organisation, through="Membership", related_name="members", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        permissions = [("view_restricted", _("Can see restricted records and fields"))]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("cases:detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        super().clean()
        if not isinstance(self.identifiers, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in self.identifiers.items()
        ):
            raise ValidationError(
                {
                    "identifiers": _(
                        "Identifiers must map a registry name to an identifier, both text."
                    )
                }
            )


class Membership(ConfidentialModel):
    RESTRICTABLE_FIELDS = ("role", "start_date", "end_date")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=200, blank=True)
    start_date = models.DateField(_("from"), null=True, blank=True)
    end_date = models.DateField(_("until"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["start_date", "pk"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.role} – {self.organisation}"

    def clean(self) -> None:
        super().clean()
        _check_period(self.start_date, self.end_date)


def _check_period(start, end, end_field: str = "end_date") -> None:
    if start and end and end < start:
        raise ValidationError({end_field: _("The end of a period cannot precede its start.")})


class ReleaseMode(models.TextChoices):
    SERVED = "served", _("Sentence served")
    AMNESTY = "amnesty", _("Amnesty")
    PARDON = "pardon", _("Pardon")
    ACQUITTAL = "acquittal", _("Acquittal")
    OTHER = "other", _("Other")


class DetentionEpisode(ConfidentialModel):
    """One continuous deprivation of liberty, from arrest to release."""

    RESTRICTABLE_FIELDS = ("arrest_place", "notes")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="episodes")
    arrest_date = models.DateField(_("arrest date"))
    arrest_place = models.CharField(_("place of arrest"), max_length=300, blank=True)
    release_date = models.DateField(_("release date"), null=True, blank=True)
    release_mode = models.CharField(
        _("release mode"), max_length=12, choices=ReleaseMode.choices, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["arrest_date", "pk"]
        verbose_name = _("detention episode")
        verbose_name_plural = _("detention episodes")

    def __str__(self) -> str:
        return f"{self.person} – {self.arrest_date}"

    @property
    def is_ongoing(self) -> bool:
        return self.release_date is None

    def clean(self) -> None:
        super().clean()
        _check_period(self.arrest_date, self.release_date, "release_date")
        if self.release_date and not self.release_mode:
            raise ValidationError({"release_mode": _("Say how the person was released.")})
        if self.release_mode and not self.release_date:
            raise ValidationError({"release_date": _("A release mode needs a release date.")})


class Charge(ConfidentialModel):
    RESTRICTABLE_FIELDS = ()

    episode = models.ForeignKey(DetentionEpisode, on_delete=models.CASCADE, related_name="charges")
    code = models.CharField(
        _("code"), max_length=200, help_text=_("e.g. Criminal Code of the Republic of Belarus")
    )
    article = models.CharField(_("article"), max_length=20)
    part = models.CharField(_("part"), max_length=20, blank=True)
    label = models.CharField(
        _("label"),
        max_length=300,
        blank=True,
        help_text=_("What the article is about, e.g. tax evasion."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("charge")
        verbose_name_plural = _("charges")

    def __str__(self) -> str:
        return f"{self.code} {self.article}.{self.part}".rstrip(".")


class ProceedingStage(models.TextChoices):
    INVESTIGATION = "investigation", _("Investigation")
    FIRST_INSTANCE = "first_instance", _("First instance")
    APPEAL = "appeal", _("Appeal")
    CASSATION = "cassation", _("Cassation")
    SUPERVISORY = "supervisory", _("Supervisory review")
    OTHER = "other", _("Other")


class Proceeding(ConfidentialModel):
    RESTRICTABLE_FIELDS = ("outcome",)

    episode = models.ForeignKey(
        DetentionEpisode, on_delete=models.CASCADE, related_name="proceedings"
    )
    court = models.CharField(_("court"), max_length=300)
    date = models.DateField(_("date"))
    stage = models.CharField(_("stage"), max_length=20, choices=ProceedingStage.choices)
    outcome = models.CharField(_("outcome"), max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("proceeding")
        verbose_name_plural = _("proceedings")

    def __str__(self) -> str:
        return f"{self.court}, {self.date}"


class Regime(models.TextChoices):
    GENERAL = "general", _("General regime")
    REINFORCED = "reinforced", _("Reinforced regime")
    STRICT = "strict", _("Strict regime")
    SPECIAL = "special", _("Special regime")
    PRISON = "prison", _("Prison")
    OTHER = "other", _("Other")


class Sentence(ConfidentialModel):
    RESTRICTABLE_FIELDS = ("fine_amount",)

    episode = models.ForeignKey(
        DetentionEpisode, on_delete=models.CASCADE, related_name="sentences"
    )
    date = models.DateField(_("date"))
    term = models.CharField(
        _("term"),
        max_length=20,
        blank=True,
        validators=[validate_iso_duration],
        help_text=_("ISO 8601 duration, e.g. P4Y6M."),
    )
    regime = models.CharField(_("regime"), max_length=12, choices=Regime.choices, blank=True)
    fine_amount = models.DecimalField(
        _("fine"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    fine_currency = models.CharField(_("currency"), max_length=3, blank=True)
    confiscation = models.BooleanField(_("confiscation of property"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("sentence")
        verbose_name_plural = _("sentences")

    def __str__(self) -> str:
        return f"{self.term} ({self.date})"

    def clean(self) -> None:
        super().clean()
        if self.fine_amount is not None and len(self.fine_currency) != 3:
            raise ValidationError({"fine_currency": _("Give the fine's ISO 4217 currency.")})


class DetentionPlace(ConfidentialModel):
    RESTRICTABLE_FIELDS = ("postal_address",)

    episode = models.ForeignKey(DetentionEpisode, on_delete=models.CASCADE, related_name="places")
    name = models.CharField(_("name"), max_length=300)
    start_date = models.DateField(_("from"), null=True, blank=True)
    end_date = models.DateField(_("until"), null=True, blank=True)
    postal_address = models.TextField(_("postal address for letters"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["start_date", "pk"]
        verbose_name = _("place of detention")
        verbose_name_plural = _("places of detention")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        _check_period(self.start_date, self.end_date)


class BodyType(models.TextChoices):
    UN_WGAD = "un_wgad", _("UN Working Group on Arbitrary Detention")
    UN_SPECIAL_RAPPORTEUR = "un_special_rapporteur", _("UN Special Rapporteur")
    UN_TREATY_BODY = "un_treaty_body", _("UN treaty body")
    INTERGOVERNMENTAL = "intergovernmental", _("Intergovernmental body")
    NGO = "ngo", _("Non-governmental organisation")
    OTHER = "other", _("Other")


class Finding(models.TextChoices):
    ARBITRARY = "arbitrary", _("Detention arbitrary")
    CALL_FOR_RELEASE = "call_for_release", _("Call for release")
    CONCERN = "concern", _("Concern expressed")
    OTHER = "other", _("Other")


class Decision(ConfidentialModel):
    """A decision or statement about the case by someone else (UN body, rapporteur, NGO)."""

    RESTRICTABLE_FIELDS = ("url",)

    class Kind(models.TextChoices):
        DECISION = "decision", _("Decision")
        STATEMENT = "statement", _("Statement")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    body_type = models.CharField(_("type of body"), max_length=24, choices=BodyType.choices)
    body = models.CharField(
        _("body"),
        max_length=300,
        help_text=_("Who decided or spoke, e.g. UN Special Rapporteur on …"),
    )
    reference = models.CharField(
        _("reference"), max_length=200, blank=True, help_text=_("e.g. Opinion No. 39/2012")
    )
    document_symbol = models.CharField(
        _("document symbol"), max_length=100, blank=True, help_text=_("e.g. A/HRC/WGAD/2012/39")
    )
    adopted_on = models.DateField(_("adopted or issued on"), null=True, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    session = models.CharField(_("session"), max_length=200, blank=True)
    finding = models.CharField(_("finding"), max_length=20, choices=Finding.choices, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    quotation = models.TextField(_("quotation"), blank=True)
    url = models.URLField(_("link"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["adopted_on", "published_on", "pk"]
        verbose_name = _("decision or statement")
        verbose_name_plural = _("decisions and statements")

    def __str__(self) -> str:
        return self.reference or f"{self.body} ({self.adopted_on or self.published_on})"

    @property
    def date(self):
        return self.adopted_on or self.published_on


class UpdateKind(models.TextChoices):
    HEALTH = "health", _("Health concern")
    LEGAL = "legal", _("Legal")
    CONDITIONS = "conditions", _("Conditions of detention")
    OTHER = "other", _("Other")


class CaseUpdate(ConfidentialModel):
    RESTRICTABLE_FIELDS = ("text",)

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="updates")
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=12, choices=UpdateKind.choices)
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("text"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("update")
        verbose_name_plural = _("updates")

    def __str__(self) -> str:
        return self.title
