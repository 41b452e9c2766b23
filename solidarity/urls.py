from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.generic import RedirectView

from solidarity.campaigns.views_bluesky import oauth_urlpatterns as bluesky_oauth
from solidarity.core.robots import robots_txt
from solidarity.core.sitemaps import SITEMAPS

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("solidarity.api.urls")),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots"),
    path("", include(bluesky_oauth)),  # OAuth client metadata and callback: fixed URLs
]

urlpatterns += i18n_patterns(
    path("", RedirectView.as_view(pattern_name="cases:list", permanent=False), name="home"),
    path("cases/", include("solidarity.cases.urls")),
    path("publications/", include("solidarity.publications.urls")),
    path("thunderclaps/", include("solidarity.campaigns.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=True,
)
