"""The read API: anonymous by design, so every response holds only public data.

Views parse parameters, ask the selectors and serialise; confidentiality lives in the
selectors (records) and serializers (fields), never here.
"""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotFound

from solidarity.api import params
from solidarity.api.errors import api_exception_handler
from solidarity.api.fields import LANGUAGE_CODES
from solidarity.api.pagination import StrictLimitOffsetPagination
from solidarity.api.serializers import (
    CaseSerializer,
    CaseSummarySerializer,
    ErrorSerializer,
    OrganisationSerializer,
    PublicationSerializer,
    PublicationSummarySerializer,
)
from solidarity.cases import selectors
from solidarity.cases.models import Organisation, Person
from solidarity.publications.models import Publication

BAD_REQUEST = {400: ErrorSerializer}
NOT_FOUND = {400: ErrorSerializer, 404: ErrorSerializer}


class PublicReadView(generics.GenericAPIView):
    filters_class = None
    paginated = False

    def get_exception_handler(self):
        return api_exception_handler

    def get_serializer_context(self) -> dict:
        return super().get_serializer_context() | {"viewer": self.request.user}

    def filters(self) -> dict:
        if not hasattr(self, "_filters"):
            self._filters = params.validated(
                self.filters_class or params.NoFilters,
                self.request.query_params,
                paginated=self.paginated,
            )
        return self._filters


class PublicListView(PublicReadView, generics.ListAPIView):
    pagination_class = StrictLimitOffsetPagination
    paginated = True


class PublicDetailView(PublicReadView, generics.RetrieveAPIView):
    pass


@extend_schema(
    summary="Public cases",
    parameters=[params.CaseFilters],
    responses={200: CaseSummarySerializer(many=True), **BAD_REQUEST},
)
class CaseList(PublicListView):
    serializer_class = CaseSummarySerializer
    filters_class = params.CaseFilters

    def get_queryset(self):
        filters = self.filters()
        return selectors.cases(
            self.request.user,
            country=filters.get("country", ""),
            status=filters.get("status", ""),
            organisation=filters.get("organisation", ""),
            query=filters.get("q", ""),
        ).order_by("slug")


@extend_schema(
    summary="One public case with its whole story",
    responses={200: CaseSerializer, **NOT_FOUND},
)
class CaseDetail(PublicDetailView):
    serializer_class = CaseSerializer

    def get_object(self) -> Person:
        self.filters()
        try:
            return selectors.case_detail(self.request.user, self.kwargs["slug"])
        except Person.DoesNotExist:
            raise NotFound() from None


@extend_schema(
    summary="Public organisations",
    responses={200: OrganisationSerializer(many=True), **BAD_REQUEST},
)
class OrganisationList(PublicListView):
    serializer_class = OrganisationSerializer

    def get_queryset(self):
        self.filters()
        return Organisation.objects.visible_to(self.request.user).order_by("slug")


def published_publications(user):
    """Published publications, with only the public cases among their related cases."""
    return Publication.objects.published().prefetch_related(
        Prefetch("related_cases", queryset=selectors.cases(user).order_by("slug")),
        "tags",
    )


@extend_schema(
    summary="Published publications",
    parameters=[params.PublicationFilters],
    responses={200: PublicationSummarySerializer(many=True), **BAD_REQUEST},
)
class PublicationList(PublicListView):
    serializer_class = PublicationSummarySerializer
    filters_class = params.PublicationFilters

    def get_queryset(self):
        filters = self.filters()
        publications = published_publications(self.request.user)
        if filters.get("language"):
            publications = publications.filter(language=filters["language"])
        if filters.get("kind"):
            publications = publications.filter(kind=filters["kind"])
        if filters.get("case"):
            about = selectors.cases(self.request.user).filter(slug=filters["case"])
            publications = publications.filter(related_cases__in=about)
        return publications.order_by("-published_at", "pk")


@extend_schema(
    summary="One published publication",
    parameters=[
        OpenApiParameter(
            "language",
            str,
            OpenApiParameter.PATH,
            enum=LANGUAGE_CODES,
        )
    ],
    responses={200: PublicationSerializer, **NOT_FOUND},
)
class PublicationDetail(PublicDetailView):
    serializer_class = PublicationSerializer

    def get_object(self) -> Publication:
        self.filters()
        if self.kwargs["language"] not in LANGUAGE_CODES:
            raise NotFound()
        try:
            return (
                published_publications(self.request.user)
                .prefetch_related("media_contacts")
                .get(language=self.kwargs["language"], slug=self.kwargs["slug"])
            )
        except Publication.DoesNotExist:
            raise NotFound() from None
