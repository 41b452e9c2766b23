"""Statements, news, calls, letters and press releases, each in one language.

Translations of one story share a `translation_group`, so the en/be/ru versions link to each
other. The body is sanitised with nh3 on every save, whatever wrote it.
"""

import uuid

import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from solidarity.cases.models import Person

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "u",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "h2",
    "h3",
    "h4",
    "figure",
    "figcaption",
    "img",
    "q",
    "cite",
    "abbr",
    "hr",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "hreflang"},
    "img": {"src", "alt", "width", "height"},
    "abbr": {"title"},
    "q": {"cite"},
    "blockquote": {"cite"},
}


def sanitise_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


class Tag(models.Model):
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=80)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


class PublicationQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Publication.Status.PUBLISHED, published_at__lte=timezone.now())


class Publication(models.Model):
    class Kind(models.TextChoices):
        STATEMENT = "statement", _("Statement")
        NEWS = "news", _("News")
        CALL = "call", _("Call to action")
        LETTER = "letter", _("Letter")
        PRESS_RELEASE = "press_release", _("Press release")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    translation_group = models.UUIDField(
        _("translation group"),
        default=uuid.uuid4,
        db_index=True,
        help_text=_("Versions of one story in other languages share this identifier."),
    )
    slug = models.SlugField(_("slug"), max_length=160)
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    body = models.TextField(
        _("body"), blank=True, help_text=_("HTML; anything but simple formatting is removed.")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("publication date"), default=timezone.now)
    related_cases = models.ManyToManyField(
        Person, blank=True, related_name="publications", verbose_name=_("related cases")
    )
    tags = models.ManyToManyField(
        Tag, blank=True, related_name="publications", verbose_name=_("tags")
    )
    countries = CountryField(_("countries"), multiple=True, blank=True)
    is_demo = models.BooleanField(_("demonstration data"), default=False, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = PublicationQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "pk"]
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        constraints = [
            models.UniqueConstraint(
                fields=["language", "slug"], name="publication_slug_unique_per_language"
            ),
            models.UniqueConstraint(
                fields=["translation_group", "language"], name="one_translation_per_language"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.body = sanitise_html(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        with override(self.language):
            return reverse("publications:detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        super().clean()
        if (
            self.translation_group
            and Publication.objects.filter(
                translation_group=self.translation_group, language=self.language
            )
            .exclude(pk=self.pk)
            .exists()
        ):
            raise ValidationError(
                {"language": _("This story already has a version in that language.")}
            )

    def translations(self):
        return (
            Publication.objects.published()
            .filter(translation_group=self.translation_group)
            .exclude(pk=self.pk)
        )


class MediaContact(models.Model):
    publication = models.ForeignKey(
        Publication, on_delete=models.CASCADE, related_name="media_contacts"
    )
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("media contact")
        verbose_name_plural = _("media contacts")

    def __str__(self) -> str:
        return self.name
