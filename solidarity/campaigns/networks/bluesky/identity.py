"""From what a supporter types (a handle, a DID or a PDS address) to their PDS.

handle -> DID -> DID document -> PDS URL. Every address the supporter typed, or that their
documents name (a handle's host, a did:web host, the PDS), is reached only through
`solidarity.core.safe_http`, so a hostile handle or document cannot make us call our own
network. Services the operator configures (the did:plc directory, an optional handle
resolver) are trusted addresses and use a plain client.
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass

import httpx
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from solidarity.core import safe_http

MAX_DOCUMENT_BYTES = 64 * 1024
TIMEOUT = httpx.Timeout(10.0)
DID_PLC = re.compile(r"^did:plc:[a-z2-7]{24}$")
DID_WEB = re.compile(r"^did:web:[a-zA-Z0-9.%-]+$")

UNKNOWN_HANDLE = _("We could not find this Bluesky handle. Check how you typed it.")
BAD_INPUT = _(
    "Type your Bluesky handle, such as name.bsky.social, or your server's address, "
    "such as https://pds.example."
)
NO_PDS = _("This account's identity does not name a Bluesky server we can use.")
HANDLE_MISMATCH = _("This handle's identity does not confirm the handle, so we cannot use it.")


class IdentityError(Exception):
    """The supporter's account could not be found; `message` is for them."""

    def __init__(self, message, detail: str = ""):
        super().__init__(str(message))
        self.message = message
        self.detail = detail


@dataclass(frozen=True)
class Target:
    """Where to send the supporter: their PDS, and who they said they are, if they said."""

    pds: str  # e.g. https://pds.example or http://127.0.0.1:2583 (tests)
    did: str = ""
    handle: str = ""


def plc_url() -> str:
    return getattr(settings, "SOLIDARITY_PLC_URL", "https://plc.directory").rstrip("/")


def trusted_client() -> httpx.Client:
    return httpx.Client(trust_env=False, timeout=TIMEOUT, follow_redirects=False)


def safe_client() -> httpx.Client:
    return safe_http.safe_client(timeout=TIMEOUT)


def read_json(response: httpx.Response) -> dict:
    """A small JSON object from a server we do not trust, or an IdentityError."""
    if response.status_code != 200 or len(response.content) > MAX_DOCUMENT_BYTES:
        raise IdentityError(UNKNOWN_HANDLE, f"HTTP {response.status_code} from {response.url}")
    try:
        body = response.json()
    except ValueError as error:
        raise IdentityError(UNKNOWN_HANDLE, f"not JSON from {response.url}") from error
    if not isinstance(body, dict):
        raise IdentityError(UNKNOWN_HANDLE, f"not an object from {response.url}")
    return body


# --- What was typed --------------------------------------------------------------------


def normalise_handle(text: str) -> str:
    handle = text.strip().removeprefix("@").lower()
    try:
        host = safe_http.canonical_host(handle)
    except safe_http.RefusedAddress as error:
        raise IdentityError(BAD_INPUT, handle) from error
    if ":" in host or re.fullmatch(r"[\d.]+", host):
        raise IdentityError(BAD_INPUT, handle)  # an IP address is no handle
    return host


def pds_url(text: str) -> str:
    """A typed or published PDS address, checked for its form; its address is checked on use."""
    policy = safe_http.Policy.from_settings()
    parts = urllib.parse.urlsplit(text.strip())
    scheme = parts.scheme.lower()
    if scheme not in ({"https", "http"} if policy.allow_http else {"https"}):
        raise safe_http.RefusedAddress(safe_http.NOT_HTTPS, "not_https", text)
    server = safe_http.normalise_server(f"{scheme}://{parts.netloc}")
    policy.addresses(*safe_http.split_server(server))  # refuse a private address at once
    return f"{scheme}://{server}"


def target_for(text: str) -> Target:
    """Resolve what the supporter typed; raises IdentityError or safe_http.RefusedAddress."""
    text = (text or "").strip()
    if not text or len(text) > 300:
        raise IdentityError(BAD_INPUT)
    if "://" in text:
        return Target(pds=pds_url(text))
    if text.startswith("did:"):
        document = did_document(text)
        return Target(pds=pds_of(document), did=text, handle=handle_of(document))
    handle = normalise_handle(text)
    did = resolve_handle(handle)
    document = did_document(did)
    if handle_of(document) != handle:
        raise IdentityError(HANDLE_MISMATCH, f"{handle} -> {did}")
    return Target(pds=pds_of(document), did=did, handle=handle)


# --- Handle to DID ---------------------------------------------------------------------


def resolve_handle(handle: str) -> str:
    """The DID a handle names: by a configured resolver, or by DNS, then HTTPS well-known."""
    resolver = getattr(settings, "SOLIDARITY_BLUESKY_HANDLE_RESOLVER", "")
    if resolver:
        return _resolve_with_service(resolver.rstrip("/"), handle)
    did = _resolve_by_dns(handle) or _resolve_by_well_known(handle)
    if not did:
        raise IdentityError(UNKNOWN_HANDLE, handle)
    return did


def _checked_did(text: str) -> str:
    text = text.strip()
    if DID_PLC.match(text) or DID_WEB.match(text):
        return text
    raise IdentityError(UNKNOWN_HANDLE, f"not a DID we resolve: {text[:80]}")


def _resolve_with_service(base: str, handle: str) -> str:
    with trusted_client() as client:
        response = client.get(
            f"{base}/xrpc/com.atproto.identity.resolveHandle", params={"handle": handle}
        )
    return _checked_did(str(read_json(response).get("did", "")))


def _resolve_by_dns(handle: str) -> str:
    # A TXT query goes to our own recursive resolver, never to an address the handle names.
    import dns.exception
    import dns.resolver

    try:
        answer = dns.resolver.resolve(f"_atproto.{handle}", "TXT", lifetime=5)
    except (dns.exception.DNSException, OSError):
        return ""
    for record in answer:
        text = b"".join(record.strings).decode("ascii", "replace")
        if text.startswith("did="):
            return _checked_did(text.removeprefix("did="))
    return ""


def _resolve_by_well_known(handle: str) -> str:
    with safe_client() as client:
        try:
            response = safe_http.fetch(client, "GET", f"https://{handle}/.well-known/atproto-did")
        except httpx.HTTPError:
            return ""
    if response.status_code != 200 or len(response.content) > 200:
        return ""
    return _checked_did(response.text)


# --- DID to document to PDS ------------------------------------------------------------


def did_document(did: str) -> dict:
    did = _checked_did(did)
    if did.startswith("did:plc:"):
        with trusted_client() as client:
            return read_json(client.get(f"{plc_url()}/{did}"))
    host = urllib.parse.unquote(did.removeprefix("did:web:"))
    if ":" in host:
        raise IdentityError(UNKNOWN_HANDLE, did)  # atproto's did:web has no path and no port
    url = f"https://{host}/.well-known/did.json"
    with safe_client() as client:
        try:
            document = read_json(safe_http.fetch(client, "GET", url))
        except httpx.HTTPError as error:
            raise IdentityError(UNKNOWN_HANDLE, f"{url}: {error}") from error
    if document.get("id") != did:
        raise IdentityError(UNKNOWN_HANDLE, f"{url} is not the document of {did}")
    return document


def pds_of(document: dict) -> str:
    for service in document.get("service") or []:
        if (
            isinstance(service, dict)
            and str(service.get("id", "")).endswith("#atproto_pds")
            and service.get("type") == "AtprotoPersonalDataServer"
            and isinstance(service.get("serviceEndpoint"), str)
        ):
            return pds_url(service["serviceEndpoint"])
    raise IdentityError(NO_PDS, str(document.get("id", "")))


def handle_of(document: dict) -> str:
    for name in document.get("alsoKnownAs") or []:
        if isinstance(name, str) and name.startswith("at://"):
            return name.removeprefix("at://").lower()
    return ""
