import importlib.util

from django.urls import path, re_path

from solidarity.campaigns import views

app_name = "campaigns"
urlpatterns = [
    path("calendar.ics", views.calendar_feed, name="calendar"),
    path("mastodon/callback/", views.mastodon_callback, name="mastodon_callback"),
    path("<slug:slug>/", views.campaign_detail, name="detail"),
    path("<slug:slug>/moment.ics", views.campaign_ics, name="ics"),
    path("<slug:slug>/image", views.campaign_image, name="image"),
    path("<slug:slug>/pledge/mastodon/", views.pledge_mastodon_start, name="pledge_mastodon"),
    path("<slug:slug>/pledge/reminder/", views.pledge_reminder, name="pledge_reminder"),
    path("<slug:slug>/thanks/", views.thanks, name="thanks"),
    path("<slug:slug>/check-your-inbox/", views.check_inbox, name="check_inbox"),
    # After the campaign pages, and only a secret's shape (token_urlsafe(32): 43 characters),
    # so that a campaign slugged "withdraw" keeps its own pages.
    re_path(r"^withdraw/(?P<secret>[A-Za-z0-9_-]{32,128})/$", views.manage, name="manage"),
    # The link in a reminder's confirmation email: a signed token (networks/reminder).
    re_path(
        r"^reminder/confirm/(?P<token>[A-Za-z0-9_:-]{8,200})/$",
        views.confirm_reminder,
        name="confirm_reminder",
    ),
]

# Bluesky pledging (OAuth with PAR, PKCE and DPoP) is written alongside in views_bluesky.py,
# which lists its own `urlpatterns` here, one of them named "pledge_bluesky" (with `slug`);
# the campaign page offers Bluesky as soon as that name resolves.
if importlib.util.find_spec("solidarity.campaigns.views_bluesky") is not None:
    from solidarity.campaigns import views_bluesky

    urlpatterns += getattr(views_bluesky, "urlpatterns", [])
