from django.urls import path

from solidarity.cases import export_views, views
from solidarity.cases.feeds import case_feed

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("export.json", export_views.export_json, name="export_json"),
    path("export.csv", export_views.export_people_csv, name="export_csv"),
    path("export.zip", export_views.export_csv_zip, name="export_zip"),
    path("<slug:slug>/", views.case_detail, name="detail"),
    path("<slug:slug>/feed/", case_feed, name="feed"),
]
