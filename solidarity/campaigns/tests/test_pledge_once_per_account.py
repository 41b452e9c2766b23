"""One live pledge per account per campaign: pledging again replaces the earlier pledge, whose
access is given back at its network, and the database refuses a second live one."""

import re
import threading

import pytest
from django.db import IntegrityError, connections, transaction

from solidarity.campaigns import actions
from solidarity.campaigns.models import Network, Pledge
from solidarity.campaigns.tests import pledging
from solidarity.campaigns.tests.helpers import pledge_mastodon, solidarity_day
from solidarity.campaigns.tests.pledging import local_path, pledge_through_mastodon
from solidarity.testing.mastodon import MastodonUser

pytestmark = pytest.mark.usefixtures("loopback_servers")

mastodon_server = pledging.mastodon_server
pledge_settings = pledging.pledge_settings


def private_link(thanks) -> str:
    found = re.search(r'<a href="([^"]*/thunderclaps/withdraw/[^"]+/)"', thanks.content.decode())
    return local_path(found[1]).rstrip("?")


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("pledge_settings")
def test_a_second_mastodon_pledge_replaces_the_first_and_revokes_its_token(client, mastodon_server):
    campaign = solidarity_day(slug="twice-mastodon", goal=2)
    user = mastodon_server.create_user("twice")
    first = pledge_through_mastodon(client, campaign, mastodon_server, user, email="a@example.org")
    old = Pledge.objects.get(campaign=campaign)
    old_token = MastodonUser(user.id, user.username, str(old.access_token))
    assert mastodon_server.token_works(old_token)
    assert "was replaced" not in first.content.decode()

    again = pledge_through_mastodon(client, campaign, mastodon_server, user, personal_line="")

    assert again.status_code == 200
    assert "Your earlier pledge from this account was replaced" in again.content.decode()
    old.refresh_from_db()
    assert old.state == Pledge.State.WITHDRAWN
    assert (old.access_token, old.handle, old.email) == ("", "", "")
    assert not mastodon_server.token_works(old_token)  # a 401 at the server
    (new,) = Pledge.objects.filter(campaign=campaign, state__in=actions.LIVE)
    assert new.account_id == user.id and new.pk != old.pk
    assert mastodon_server.token_works(MastodonUser(user.id, user.username, new.access_token))
    assert actions.count_supporters(campaign) == 1
    assert client.get(campaign.get_absolute_url()).context["support"].count == 1
    # The first private link is dead; the second one works.
    assert client.get(private_link(first)).status_code == 404
    assert client.get(private_link(again)).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_broken_pledge_is_replaced_too_and_other_accounts_are_left_alone(mastodon_server):
    campaign = solidarity_day(slug="twice-broken")
    reconnecting, neighbour = (mastodon_server.create_user(n) for n in ("reconnect", "other"))
    broken = pledge_mastodon(campaign, mastodon_server, reconnecting).pledge
    Pledge.objects.filter(pk=broken.pk).update(state=Pledge.State.BROKEN)
    kept = pledge_mastodon(campaign, mastodon_server, neighbour).pledge
    # The same account on another campaign is another pledge.
    elsewhere = pledge_mastodon(solidarity_day(slug="elsewhere"), mastodon_server, reconnecting)

    fresh = MastodonUser(reconnecting.id, reconnecting.username, "fresh")
    pledged = pledge_mastodon(campaign, mastodon_server, fresh)

    assert pledged.replaced
    assert Pledge.objects.get(pk=broken.pk).state == Pledge.State.WITHDRAWN
    assert not mastodon_server.token_works(reconnecting)  # revoked at the server
    assert Pledge.objects.get(pk=kept.pk).state == Pledge.State.ACTIVE
    assert Pledge.objects.get(pk=elsewhere.pledge.pk).state == Pledge.State.ACTIVE
    assert actions.count_supporters(campaign) == 2


@pytest.mark.django_db(transaction=True)
def test_a_token_handed_out_again_is_not_revoked_under_the_new_pledge(mastodon_server):
    campaign = solidarity_day(slug="same-token")
    user = mastodon_server.create_user("same")
    first = pledge_mastodon(campaign, mastodon_server, user).pledge

    again = pledge_mastodon(campaign, mastodon_server, user)

    assert again.replaced
    assert Pledge.objects.get(pk=first.pk).access_token == ""
    assert mastodon_server.token_works(user)


@pytest.mark.django_db
def test_the_database_refuses_a_second_live_pledge_from_one_account():
    campaign = solidarity_day(slug="constraint")
    pledge = actions.do_pledge(
        campaign,
        network=Network.MASTODON,
        language="en",
        server="https://m1.example",
        account_id="42",
    ).pledge

    def row(state, secret, **fields):
        fields = {"server": pledge.server, "account_id": pledge.account_id} | fields
        return Pledge.objects.create(
            campaign=campaign,
            network=Network.MASTODON,
            language="en",
            agreed_version=pledge.agreed_version,
            withdraw_secret_hash=secret,
            state=state,
            **fields,
        )

    for state in (Pledge.State.ACTIVE, Pledge.State.BROKEN):
        with pytest.raises(IntegrityError), transaction.atomic():
            row(state, f"dup-{state}")
    # What is not live, or is another account, or has no account (a reminder), may repeat.
    row(Pledge.State.WITHDRAWN, "old-1")
    row(Pledge.State.FINISHED, "old-2")
    row(Pledge.State.ACTIVE, "other-server", server="https://m2.example")
    row(Pledge.State.ACTIVE, "other-account", account_id="43")
    row(Pledge.State.ACTIVE, "reminder-1", server="", account_id="")
    row(Pledge.State.ACTIVE, "reminder-2", server="", account_id="")


@pytest.mark.django_db(transaction=True)
def test_two_completions_at_once_leave_one_live_pledge(mastodon_server):
    """Two callbacks for one account finishing together: each waits for the other's commit
    (the campaign row's lock; SQLite serialises writers), so the later replaces the earlier."""
    database = connections["default"]
    if database.vendor == "sqlite" and database.is_in_memory_db():
        # Shared-cache memory databases lock per table and do not wait (SQLITE_LOCKED).
        pytest.skip("needs a database file (SQLITE_TEST_NAME) or PostgreSQL")
    campaign = solidarity_day(slug="race")
    user = mastodon_server.create_user("racer")
    start = threading.Barrier(2)
    errors = []

    def complete(token):
        try:
            start.wait()
            pledge_mastodon(campaign, mastodon_server, MastodonUser(user.id, user.username, token))
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=complete, args=(f"token-{n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    states = sorted(Pledge.objects.filter(campaign=campaign).values_list("state", flat=True))
    assert states == [Pledge.State.ACTIVE, Pledge.State.WITHDRAWN]
