from django.urls import path

from solidarity.publications import views
from solidarity.publications.feeds import publications_feed

app_name = "publications"
urlpatterns = [
    path("", views.publication_list, name="list"),
    path("feed/", publications_feed, name="feed"),
    path("<slug:slug>/", views.publication_detail, name="detail"),
]
