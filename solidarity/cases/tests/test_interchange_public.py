"""Public exports (and the anonymous download URLs) leave out restricted records and fields."""

import io
import json
import zipfile

import pytest
from django.urls import reverse

from solidarity.cases import interchange
from solidarity.cases.tests.interchange_data import make_everything

pytestmark = pytest.mark.django_db

# Values that exist only in restricted records or restricted fields of make_everything().
SECRETS = [
    "hidden-person",
    "hidden-org",
    "1962-09-25",
    "wikidata",
    "A note",
    "Appeal rejected",
    "1234.50",
    "Street 1",
    "A secret place",
    "A restricted update",
    "Secret text",
    "Secret",
    "1996-01-01",
    "https://undocs.org",
    '"restricted"',
]
SECRETS_IN_CSV = [",restricted,"]
# Public values next to them, so a test that finds nothing at all cannot pass.
PUBLIC = ["ales-bialiatski", "Алесь Бяляцкі", "Tax evasion", "P4Y6M", "Penal colony No. 2"]
PUBLIC_PEOPLE = PUBLIC[:2]  # people.csv alone has no episodes


def _assert_public_only(text: str, public=PUBLIC) -> None:
    for value in public:
        assert value in text
    for value in SECRETS + SECRETS_IN_CSV:
        assert value not in text, value


def test_public_json_export_leaves_out_restricted_records_and_fields():
    make_everything()

    text = interchange.export_json(include_restricted=False)

    _assert_public_only(text)
    ales = next(c for c in json.loads(text)["cases"] if c["slug"] == "ales-bialiatski")
    assert ales["birth_date"] is None
    assert ales["restricted_fields"] == []
    assert [m["organisation"] for m in ales["memberships"]] == ["viasna"]


def test_the_organisers_export_has_everything():
    make_everything()

    text = interchange.export_json(include_restricted=True)

    for value in [*PUBLIC, *SECRETS]:
        assert value in text, value


def test_a_signed_in_organiser_passed_as_user_sees_everything(organiser):
    make_everything()

    assert "1962-09-25" in interchange.export_json(organiser)
    assert "1962-09-25" not in interchange.export_json(None)


def _zip_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert "people.csv" in archive.namelist()
        return "\n".join(archive.read(name).decode() for name in archive.namelist())


@pytest.mark.parametrize("name", ["cases:export_json", "cases:export_csv", "cases:export_zip"])
def test_the_anonymous_download_urls_are_public_only(client, name):
    make_everything()

    response = client.get(reverse(name))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    text = _zip_text(response.content) if name.endswith("zip") else response.content.decode()
    if name.endswith("csv"):
        assert text.startswith("slug,name__en,name__be,name__ru,")
    _assert_public_only(text, PUBLIC_PEOPLE if name.endswith("csv") else PUBLIC)


def test_the_download_urls_stay_public_for_organisers_too(organiser_client):
    make_everything()

    response = organiser_client.get(reverse("cases:export_json"))

    assert "1962-09-25" not in response.content.decode()
    assert "ales-bialiatski" in response.content.decode()


def test_the_download_urls_refuse_anything_but_get(client):
    assert client.post(reverse("cases:export_json")).status_code == 405
