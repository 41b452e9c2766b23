"""The organiser's Thunderclap pages in the admin: the message, its versions, open, cancel,
the preview and the report, as a superuser signed in through the Django test client."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from solidarity.campaigns.models import Campaign, MessageVariant, MessageVersion
from solidarity.campaigns.tests.helpers import FREE_ALES, ales, solidarity_day
from solidarity.campaigns.tests.organiser_helpers import (
    campaign_with_outcomes,
    plain_static,  # noqa: F401  (fixture)
    pledge,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("plain_static")]


@pytest.fixture
def boss(client, django_user_model):
    user = django_user_model.objects.create_superuser("boss", "boss@example.org", "x" * 16)
    client.force_login(user)
    return client


def url(name: str, campaign: Campaign, *args) -> str:
    return reverse(f"admin:campaigns_campaign_{name}", args=[campaign.pk, *args])


def draft(**fields) -> Campaign:
    moment = timezone.now() + timedelta(days=3)
    campaign = Campaign.objects.create(
        slug=fields.pop("slug", "draft"),
        title="Free Ales",
        moment=moment,
        pledge_deadline=moment,
        **fields,
    )
    campaign.cases.add(ales())
    return campaign


def test_organiser_creates_a_campaign_in_the_admin(boss):
    moment = timezone.now() + timedelta(days=10)
    response = boss.post(
        reverse("admin:campaigns_campaign_add"),
        {
            "title": "Solidarity day",
            "slug": "solidarity-day",
            "description": "",
            "cases": [ales().pk],
            "moment_0": moment.strftime("%Y-%m-%d"),
            "moment_1": "12:00:00",
            "time_zone": "Europe/Minsk",
            "pledge_deadline_0": moment.strftime("%Y-%m-%d"),
            "pledge_deadline_1": "11:00:00",
            "supporter_goal": "20",
            "give_up_after": "00:30:00",
            "link": "",
            "image_alt": "",
            "personal_line_max": "40",
            "recurrence": "",
            "versions-TOTAL_FORMS": "0",
            "versions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    campaign = Campaign.objects.get(slug="solidarity-day")
    assert campaign.state == Campaign.State.DRAFT
    assert campaign.created_by.username == "boss"
    assert campaign.personal_line_max == 40


def test_message_is_checked_against_each_network_and_never_saved_invalid(boss):
    campaign = draft()
    too_long_for_bluesky = "#FreeAles " + "word " * 70  # ~360: fine on Mastodon, not Bluesky

    response = boss.post(url("message", campaign), {"en": too_long_for_bluesky, "be": ""})

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert any("Bluesky" in problem for problem in errors["en"])
    assert not any("Mastodon" in problem for problem in errors["en"])
    assert not MessageVersion.objects.filter(campaign=campaign).exists()

    response = boss.post(url("message", campaign), {"ru": "слово " * 100})
    assert any("Mastodon" in p for p in response.context["form"].errors["ru"])
    assert any("Bluesky" in p for p in response.context["form"].errors["ru"])

    response = boss.post(url("message", campaign), {"en": "", "be": "", "ru": ""})
    assert response.context["form"].non_field_errors()
    assert not MessageVersion.objects.filter(campaign=campaign).exists()


def test_the_longest_personal_line_counts_against_the_limit(boss):
    campaign = draft(personal_line_max=200)
    text = "#FreeAles " + "word " * 25  # 135 characters; with 200 more, over Bluesky's 300

    response = boss.post(url("message", campaign), {"en": text})

    assert any("Bluesky" in p for p in response.context["form"].errors["en"])


def test_an_edit_after_pledges_makes_a_new_version_and_keeps_the_old_one(boss):
    campaign = solidarity_day(goal=1)
    supporter = pledge(campaign, 1, listed=False, followers=5)
    first = campaign.current_version()

    page = boss.get(url("message", campaign)).content.decode()
    assert "#FreeAles" in page  # the form starts from the text in force
    response = boss.post(url("message", campaign), {"en": FREE_ALES + " #Viasna", "ru": ""})

    assert response.status_code == 302
    versions = list(campaign.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert MessageVariant.objects.get(version=first, language="en").text == FREE_ALES
    assert campaign.current_version().variants.get(language="en").text.endswith("#Viasna")
    supporter.refresh_from_db()
    assert supporter.agreed_version == first  # consent does not move silently


def test_publishing_the_same_text_again_makes_no_version(boss):
    campaign = solidarity_day(goal=1)

    response = boss.post(url("message", campaign), {"en": FREE_ALES})

    assert response.status_code == 302
    assert campaign.versions.count() == 1


def test_withdraw_a_version_with_a_post(boss):
    campaign = solidarity_day(goal=1)
    version = campaign.current_version()
    withdraw = url("withdraw_version", campaign, version.pk)

    assert boss.get(withdraw).status_code == 405
    assert boss.post(withdraw).status_code == 302

    version.refresh_from_db()
    assert version.withdrawn
    assert campaign.current_version() is None


def test_withdraw_is_refused_once_armed(boss):
    campaign = solidarity_day(goal=1)
    Campaign.objects.filter(pk=campaign.pk).update(state=Campaign.State.ARMED)
    version = campaign.current_version()

    boss.post(url("withdraw_version", campaign, version.pk))

    version.refresh_from_db()
    assert not version.withdrawn


def test_open_needs_a_message(boss):
    campaign = draft()

    response = boss.post(url("open", campaign), follow=True)
    campaign.refresh_from_db()
    assert campaign.state == Campaign.State.DRAFT
    assert "Write the message" in response.content.decode()

    boss.post(url("message", campaign), {"en": FREE_ALES})
    boss.post(url("open", campaign))
    campaign.refresh_from_db()
    assert campaign.state == Campaign.State.OPEN
    assert boss.get(url("open", campaign)).status_code == 405


def test_cancel_asks_first_then_stops_everything(boss):
    campaign = solidarity_day(goal=1)

    page = boss.get(url("cancel", campaign))
    assert page.status_code == 200
    assert "cannot be undone" in page.content.decode()
    campaign.refresh_from_db()
    assert campaign.state == Campaign.State.OPEN

    response = boss.post(url("cancel", campaign))
    assert response.status_code == 302
    assert response["Location"] == url("report", campaign)
    campaign.refresh_from_db()
    assert campaign.state == Campaign.State.CANCELLED
    assert campaign.cancelled_at is not None

    # Over: nothing left to cancel.
    assert boss.get(url("cancel", campaign)).status_code == 302


def test_change_page_previews_each_network_without_inline_style_or_script(boss):
    link = "https://www.viasna.example/news/2024/08/04/solidarity-day-with-ales"
    campaign = solidarity_day(goal=1, link=link, personal_line_max=50)

    response = boss.get(reverse("admin:campaigns_campaign_change", args=[campaign.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    preview = page[page.index('class="module thunderclap-preview"') :]
    # Mastodon shows links without scheme or www, cut after 30 characters.
    assert ">viasna.example/news/2024/08/04…</a>" in preview
    assert '<a class="hashtag" rel="tag">#FreeAles</a>' in preview
    # Bluesky: facets marked with their UTF-8 byte ranges, counts against 300 and 3,000.
    assert '<mark title="hashtag facet, bytes 0–8">#Belarus</mark>' in preview
    assert "/ 300 graphemes" in preview
    assert "/ 3000 bytes (UTF-8)" in preview
    assert "/ 500 characters (links count as 23)" in preview
    assert "style=" not in preview
    assert "<script" not in preview
    assert "Content-Security-Policy" in response.headers
    assert url("open", campaign) not in page  # open already
    assert url("cancel", campaign) in page


def test_report_refreshes_itself_only_while_sending(boss):
    campaign = campaign_with_outcomes()
    done = boss.get(url("report", campaign)).content.decode()
    assert 'http-equiv="refresh"' not in done
    assert 'class="count-posted">2<' in done
    assert 'class="reach">30<' in done
    assert "p50 100 ms · p99 300 ms" in done
    assert "HTTP 422" in done
    assert "<svg" in done

    Campaign.objects.filter(pk=campaign.pk).update(state=Campaign.State.SENDING)
    sending = boss.get(url("report", campaign)).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in sending
    assert '<progress max="5" value="4">' in sending


def test_report_before_the_moment_shows_ready_and_broken(boss):
    campaign = solidarity_day(goal=3)
    for number in range(3):
        pledge(campaign, number, listed=False, followers=1)
    campaign.pledges.filter(pk=campaign.pledges.last().pk).update(state="broken")

    page = boss.get(url("report", campaign)).content.decode()

    assert 'class="count-ready">2<' in page
    assert 'class="count-broken">1<' in page


def test_csv_download(boss):
    campaign = campaign_with_outcomes()

    response = boss.get(url("csv", campaign))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode()
    assert body.splitlines()[0].startswith("delivery_id,network,host,language,state,posted_at")
    assert len(body.splitlines()) == 6


def test_deleting_a_campaign_with_pledges_is_not_offered(boss):
    campaign = solidarity_day(goal=1)
    pledge(campaign, 1, listed=False, followers=1)

    assert (
        boss.post(reverse("admin:campaigns_campaign_delete", args=[campaign.pk])).status_code == 403
    )
    assert Campaign.objects.filter(pk=campaign.pk).exists()

    empty = draft(slug="empty")
    boss.post(reverse("admin:campaigns_campaign_delete", args=[empty.pk]), {"post": "yes"})
    assert not Campaign.objects.filter(pk=empty.pk).exists()


def test_fields_are_frozen_once_armed(boss):
    campaign = solidarity_day(goal=1)
    Campaign.objects.filter(pk=campaign.pk).update(state=Campaign.State.ARMED)

    page = boss.get(reverse("admin:campaigns_campaign_change", args=[campaign.pk]))

    assert 'name="moment_0"' not in page.content.decode()
    assert 'name="title"' not in page.content.decode()
