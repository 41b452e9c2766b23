"""Thunderclaps: one message, one moment, many voices.

A Campaign carries versioned message texts (one variant per language). A supporter's Pledge
records which version they agreed to; an edit makes a new version that each supporter must
confirm. At the moment every pledge becomes one Delivery whose idempotency identity is fixed
before any network call (see engine/).
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from solidarity.cases.models import DetentionEpisode, Person, validate_time_zone
from solidarity.core.secrets import EncryptedTextField

# app.bsky.embed.images takes at most this much; Mastodon servers take far more.
MAX_IMAGE_BYTES = 1_000_000


class Campaign(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open for pledges")
        ARMED = "armed", _("Armed")
        SENDING = "sending", _("Sending")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")
        GOAL_NOT_REACHED = "goal_not_reached", _("Goal not reached")

    class Recurrence(models.TextChoices):
        NONE = "", _("Once")
        YEARLY = "yearly", _("Every year on the same date")
        ARREST_ANNIVERSARY = "arrest_anniversary", _("Every year on the arrest anniversary")

    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    cases = models.ManyToManyField(Person, related_name="campaigns", verbose_name=_("cases"))
    moment = models.DateTimeField(_("moment"), help_text=_("When every post goes out."))
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    pledge_deadline = models.DateTimeField(_("pledge deadline"))
    supporter_goal = models.PositiveIntegerField(_("supporter goal"), default=1)
    give_up_after = models.DurationField(
        _("give up after"),
        default=timedelta(minutes=30),
        help_text=_("Deliveries still failing this long after the moment are given up."),
    )
    link = models.URLField(_("link"), blank=True)
    image = models.ImageField(_("image"), upload_to="campaigns/", blank=True)
    image_alt = models.CharField(_("image description (alt text)"), max_length=1000, blank=True)
    personal_line_max = models.PositiveSmallIntegerField(
        _("personal line length"),
        default=0,
        help_text=_("How many characters a supporter may add; 0 for none."),
    )
    recurrence = models.CharField(
        _("repeats"), max_length=20, choices=Recurrence.choices, blank=True
    )
    anniversary_of = models.ForeignKey(
        DetentionEpisode,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("anniversary of"),
    )
    previous = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="next",
        editable=False,
    )
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.DRAFT, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Bookkeeping of the worker, so a restart neither repeats nor skips a step.
    checked_day_before_at = models.DateTimeField(null=True, blank=True, editable=False)
    checked_hour_before_at = models.DateTimeField(null=True, blank=True, editable=False)
    released_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-moment"]
        verbose_name = _("Thunderclap")
        verbose_name_plural = _("Thunderclaps")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("campaigns:detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        super().clean()
        if self.moment and self.pledge_deadline and self.pledge_deadline > self.moment:
            raise ValidationError(
                {"pledge_deadline": _("Pledges must close at or before the moment.")}
            )
        if self.image and not self.image_alt.strip():
            raise ValidationError(
                {"image_alt": _("Describe the image for people who cannot see it.")}
            )
        if self.image and self.image.size > MAX_IMAGE_BYTES:
            raise ValidationError(
                {"image": _("Bluesky takes images of up to 1 MB; please use a smaller one.")}
            )
        self._check_image_unchanged()
        if self.recurrence == self.Recurrence.ARREST_ANNIVERSARY and not self.anniversary_of:
            raise ValidationError({"anniversary_of": _("Choose the arrest to commemorate.")})

    def _check_image_unchanged(self) -> None:
        """The image is part of what supporters agreed to, like the text; and the Mastodon
        pledges made without it did not grant the right to upload one."""
        if self.pk is None or not self.pledges.exists():
            return
        stored = type(self).objects.filter(pk=self.pk).values("image", "image_alt").first()
        if stored and (stored["image"] or "", stored["image_alt"]) != (
            self.image.name or "",
            self.image_alt,
        ):
            raise ValidationError(
                {"image": _("Supporters have pledged; the image and its description stay.")}
            )

    @property
    def give_up_at(self):
        return self.moment + self.give_up_after

    def current_version(self) -> "MessageVersion | None":
        return self.versions.filter(withdrawn=False).order_by("-number").first()


class MessageVersion(models.Model):
    """An immutable set of message texts; editing a message makes a new version."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    created_at = models.DateTimeField(auto_now_add=True)
    withdrawn = models.BooleanField(
        _("withdrawn"),
        default=False,
        help_text=_("Pledges still on a withdrawn version post nothing."),
    )

    class Meta:
        ordering = ["campaign", "number"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="one_number_per_version")
        ]
        verbose_name = _("message version")
        verbose_name_plural = _("message versions")

    def __str__(self) -> str:
        return f"{self.campaign} v{self.number}"


class MessageVariant(models.Model):
    version = models.ForeignKey(MessageVersion, on_delete=models.CASCADE, related_name="variants")
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    text = models.TextField(_("text"))

    class Meta:
        ordering = ["version", "language"]
        constraints = [
            models.UniqueConstraint(fields=["version", "language"], name="one_variant_per_language")
        ]
        verbose_name = _("message variant")
        verbose_name_plural = _("message variants")

    def __str__(self) -> str:
        return f"{self.version} [{self.language}]"


class Network(models.TextChoices):
    MASTODON = "mastodon", "Mastodon"
    BLUESKY = "bluesky", "Bluesky"
    REMINDER = "reminder", _("Reminder with a share link")


class Pledge(models.Model):
    """A supporter's consent to post one agreed text from one account at the moment."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for authorisation or confirmation")
        ACTIVE = "active", _("Active")
        BROKEN = "broken", _("Needs reconnecting")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        FINISHED = "finished", _("Finished")

    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        ORGANISATION = "organisation", _("Organisation")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="pledges")
    network = models.CharField(_("network"), max_length=10, choices=Network.choices)
    kind = models.CharField(
        _("supporter"), max_length=12, choices=Kind.choices, default=Kind.PERSON
    )
    display_name = models.CharField(_("name to list"), max_length=200, blank=True)
    listed_publicly = models.BooleanField(_("list my name publicly"), default=False)
    language = models.CharField(_("message language"), max_length=8, choices=settings.LANGUAGES)
    agreed_version = models.ForeignKey(
        MessageVersion, on_delete=models.PROTECT, related_name="pledges"
    )
    personal_line = models.CharField(_("personal line"), max_length=200, blank=True)
    # Where and who: a server host (Mastodon) or PDS URL (Bluesky), and the account there.
    server = models.CharField(max_length=255, blank=True)
    account_id = models.CharField(max_length=255, blank=True)
    handle = EncryptedTextField(blank=True)
    access_token = EncryptedTextField(blank=True)
    refresh_token = EncryptedTextField(blank=True)
    dpop_private_key = EncryptedTextField(blank=True)
    email = EncryptedTextField(blank=True)
    followers_count = models.PositiveIntegerField(null=True, blank=True)
    followers_checked_at = models.DateTimeField(null=True, blank=True)
    # Only a hash: the private withdraw link is shown to the supporter once and never stored.
    withdraw_secret_hash = models.CharField(max_length=64, unique=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    broken_reason = models.CharField(max_length=200, blank=True)
    # A Bluesky refresh token works once: whoever sets this (a conditional UPDATE) is the
    # only process that may spend it until the time passes.
    session_refresh_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        indexes = [models.Index(fields=["campaign", "state"])]
        constraints = [
            # One account posts once: a second pledge replaces the first (actions.do_pledge),
            # and this refuses whatever got past that. Reminders have no account_id.
            models.UniqueConstraint(
                fields=["campaign", "network", "server", "account_id"],
                condition=models.Q(state__in=["active", "broken"]) & ~models.Q(account_id=""),
                name="one_live_pledge_per_account",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_network_display()} pledge #{self.pk}"

    @property
    def host(self) -> str:
        return self.server.removeprefix("https://").removeprefix("http://").split("/")[0]

    def erase_secrets(self) -> None:
        for field in ("handle", "access_token", "refresh_token", "dpop_private_key", "email"):
            setattr(self, field, "")


class Delivery(models.Model):
    """One post from one pledge at one moment, exactly once.

    `idempotency_key` and `record_key` are fixed when the delivery is created, before any
    network call, so a retry after an unknown outcome is recognisable by the server (an
    Idempotency-Key header; a Bluesky record key) and by our reconciliation.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        IN_FLIGHT = "in_flight", _("Being sent")
        UNKNOWN = "unknown", _("Outcome unknown, checking")
        POSTED = "posted", _("Posted")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="deliveries")
    pledge = models.OneToOneField(Pledge, on_delete=models.CASCADE, related_name="delivery")
    network = models.CharField(max_length=10, choices=Network.choices)
    host = models.CharField(max_length=255, db_index=True)
    text = models.TextField()
    language = models.CharField(max_length=8)
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    record_key = models.CharField(max_length=32, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    lease_owner = models.CharField(max_length=64, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    first_attempt_at = models.DateTimeField(null=True, blank=True)
    remote_id = models.CharField(max_length=255, blank=True)
    remote_url = models.URLField(max_length=500, blank=True)
    posted_at = models.DateTimeField(null=True, blank=True)
    failure_reason = models.CharField(max_length=200, blank=True)
    # The campaign image as this account's server holds it, uploaded before the moment:
    # {"mastodon_media_id": ...} or {"bluesky_blob": {...}}. Empty: post the text alone.
    media = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [models.Index(fields=["campaign", "state", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"delivery #{self.pk} ({self.state})"

    @property
    def lateness(self) -> timedelta | None:
        return self.posted_at - self.campaign.moment if self.posted_at else None


class ServerApp(models.Model):
    """Our OAuth client on one Mastodon server, registered once and reused."""

    network = models.CharField(max_length=10, choices=Network.choices)
    server = models.CharField(max_length=255)
    redirect_uri = models.URLField(max_length=500)
    client_id = models.CharField(max_length=255)
    client_secret = EncryptedTextField()
    registered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["network", "server"], name="one_app_per_server")
        ]

    def __str__(self) -> str:
        return f"{self.network} app on {self.server}"
