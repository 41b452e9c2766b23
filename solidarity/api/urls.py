from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView

from solidarity.api import views
from solidarity.api.errors import not_found

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("cases/", views.CaseList.as_view(), name="case-list"),
    path("cases/<slug:slug>/", views.CaseDetail.as_view(), name="case-detail"),
    path("organisations/", views.OrganisationList.as_view(), name="organisation-list"),
    path("publications/", views.PublicationList.as_view(), name="publication-list"),
    path(
        "publications/<str:language>/<slug:slug>/",
        views.PublicationDetail.as_view(),
        name="publication-detail",
    ),
    # Last: whatever else is asked under /api/v1/ gets a JSON 404, not the site's HTML page.
    re_path(r"^[\s\S]*$", not_found),
]
