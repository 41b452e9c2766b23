"""The organiser's figures: plain functions in selectors and report."""

import csv
import io

import pytest
from lxml import etree

from solidarity.campaigns import report, selectors
from solidarity.campaigns.models import Delivery, Pledge
from solidarity.campaigns.tests.helpers import solidarity_day
from solidarity.campaigns.tests.organiser_helpers import (
    LISTED_NAME,
    SECRETS,
    UNLISTED_NAME,
    campaign_with_outcomes,
    pledge,
)

pytestmark = pytest.mark.django_db


def test_preflight_counts_come_from_pledge_states():
    campaign = solidarity_day(goal=10)
    for number in range(4):
        pledge(campaign, number, listed=False, followers=1)
    Pledge.objects.filter(pk=campaign.pledges.first().pk).update(state=Pledge.State.BROKEN)

    counts = selectors.pledge_counts(campaign)

    assert counts["active"] == 3
    assert counts["broken"] == 1
    assert counts["withdrawn"] == 0


def test_after_the_moment_counts_reach_failures_and_lateness():
    campaign = campaign_with_outcomes()

    assert selectors.delivery_counts(campaign) == {
        "pending": 0,
        "in_flight": 0,
        "unknown": 1,
        "posted": 2,
        "failed": 2,
        "cancelled": 0,
    }
    assert selectors.reach(campaign) == 10 + 20  # the two that posted
    assert selectors.failures_by_reason(campaign) == [
        ("failed", "HTTP 422", 2),
        ("unknown", "outcome unknown at the deadline", 1),
    ]
    assert selectors.lateness_ms(campaign) == [100, 300]


def test_percentiles_are_measured_values():
    summary = report.summarise(list(range(100, 0, -1)))
    assert (summary.count, summary.p50, summary.p99, summary.max) == (100, 50, 99, 100)
    assert report.summarise([]) == report.Lateness(0, None, None, None)
    assert report.summarise([7]).p99 == 7


def test_histogram_puts_every_value_in_a_bin():
    counts, low, width = report.histogram([0, 1, 2, 10, 10, 10], bins=5)
    assert sum(counts) == 6
    assert low == 0.0
    assert width == 2.0
    assert counts == [2, 1, 0, 0, 3]


def test_lateness_plot_is_an_svg_without_style_or_script():
    svg = str(report.lateness_svg([5, 80, 120, 120, 900, 2400]))

    tree = etree.fromstring(svg.encode())
    namespace = "{http://www.w3.org/2000/svg}"
    assert tree.tag == f"{namespace}svg"
    bars = tree.findall(f"{namespace}rect")
    assert len(bars) == 20
    assert sum(int(bar.findtext(f"{namespace}title").rsplit(": ", 1)[1]) for bar in bars) == 6
    assert tree.find(f"{namespace}polyline") is not None
    assert "style=" not in svg
    assert "<script" not in svg
    assert str(report.lateness_svg([])) == ""


def test_csv_names_and_receipts_only_supporters_who_chose_to_be_listed():
    campaign = campaign_with_outcomes()

    text = "".join(report.csv_lines(selectors.export_rows(campaign)))
    rows = list(csv.DictReader(io.StringIO(text)))

    assert list(rows[0]) == list(selectors.EXPORT_COLUMNS)
    assert len(rows) == 5
    listed = [row for row in rows if row["listed_name"]]
    assert [row["listed_name"] for row in listed] == [f"{LISTED_NAME} 0"]
    assert listed[0]["receipt_url"] == "https://m1.example/@org/1"
    assert listed[0]["lateness_ms"] == "100"
    unlisted_posted = [r for r in rows if r["state"] == "posted" and not r["listed_name"]]
    assert unlisted_posted[0]["receipt_url"] == ""  # the URL would name the account
    assert unlisted_posted[0]["lateness_ms"] == "300"
    assert UNLISTED_NAME not in text
    assert "@person" not in text
    for value in SECRETS.values():
        assert value not in text
    assert "acct-" not in text


def test_csv_defuses_spreadsheet_formulas_in_names():
    campaign = campaign_with_outcomes()
    Pledge.objects.filter(listed_publicly=True).update(display_name='=HYPERLINK("x")')

    text = "".join(report.csv_lines(selectors.export_rows(campaign)))

    assert "'=HYPERLINK" in text
    assert ",=HYPERLINK" not in text


def test_receipt_is_the_supporters_post_once_posted():
    campaign = campaign_with_outcomes()
    posted = Delivery.objects.filter(campaign=campaign, state="posted").order_by("pk").first()
    failed = Delivery.objects.filter(campaign=campaign, state="failed").first()

    receipt = selectors.receipt_for(posted.pledge)

    assert receipt.remote_url == posted.remote_url
    assert receipt.posted_at == posted.posted_at
    assert selectors.receipt_for(failed.pledge) is None


def test_report_groups_the_figures_for_the_page():
    campaign = campaign_with_outcomes()

    built = report.build(campaign)

    assert not built.before_moment
    assert not built.sending
    assert built.total_deliveries == 5
    assert built.settled_deliveries == 4
    assert built.lateness.p50 == 100
    assert "<svg" in built.plot
