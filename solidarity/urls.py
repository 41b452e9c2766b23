from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("solidarity.api.urls")),
]

urlpatterns += i18n_patterns(
    path("", RedirectView.as_view(pattern_name="cases:list", permanent=False), name="home"),
    path("cases/", include("solidarity.cases.urls")),
    path("publications/", include("solidarity.publications.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=True,
)
