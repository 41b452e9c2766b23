"""DPoP proofs (RFC 9449) with ES256, written on `cryptography` alone.

A proof is a small JWT signed by a key that only we hold, naming the request it is for (method
and URL), so a stolen access token is useless without the key. One key is made per pledge and
kept encrypted on it (Pledge.dpop_private_key, PEM); the server binds the tokens to that key.

Written here rather than taken from a JOSE library: it is forty lines, the only algorithm is
ES256, and the one subtle part (a JWS signature is raw r||s, not the DER that `cryptography`
returns) is pinned down by a test that verifies our proofs independently.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
import urllib.parse
from functools import cached_property

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, utils


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def new_private_key() -> str:
    """A fresh P-256 key as unencrypted PKCS#8 PEM (the model field encrypts it at rest)."""
    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")


def access_token_hash(access_token: str) -> str:
    """The `ath` claim: proofs for a resource name the token they go with."""
    return b64url(hashlib.sha256(access_token.encode("ascii")).digest())


def htu(url: str) -> str:
    """The URL a proof names: without query or fragment (RFC 9449, section 4.2)."""
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


class DPoPKey:
    def __init__(self, private_pem: str):
        key = serialization.load_pem_private_key(private_pem.encode("ascii"), password=None)
        if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
            raise ValueError("a DPoP key must be a P-256 (ES256) private key")
        self._key = key

    @cached_property
    def public_jwk(self) -> dict[str, str]:
        numbers = self._key.public_key().public_numbers()
        return {
            "kty": "EC",
            "crv": "P-256",
            "x": b64url(numbers.x.to_bytes(32, "big")),
            "y": b64url(numbers.y.to_bytes(32, "big")),
        }

    def proof(
        self,
        method: str,
        url: str,
        *,
        nonce: str | None = None,
        access_token: str | None = None,
    ) -> str:
        header = {"typ": "dpop+jwt", "alg": "ES256", "jwk": self.public_jwk}
        claims: dict[str, str | int] = {
            "jti": secrets.token_urlsafe(16),
            "htm": method.upper(),
            "htu": htu(url),
            "iat": int(time.time()),
        }
        if nonce:
            claims["nonce"] = nonce
        if access_token:
            claims["ath"] = access_token_hash(access_token)
        signing_input = ".".join(
            b64url(json.dumps(part, separators=(",", ":")).encode()) for part in (header, claims)
        )
        der = self._key.sign(signing_input.encode("ascii"), ec.ECDSA(hashes.SHA256()))
        r, s = utils.decode_dss_signature(der)
        return f"{signing_input}.{b64url(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"


def needs_nonce(status: int, headers, body: bytes | dict | None) -> bool:
    """The server refused the request until we sign its nonce: it processed nothing."""
    if status not in (400, 401) or not headers.get("DPoP-Nonce"):
        return False
    if "use_dpop_nonce" in (headers.get("WWW-Authenticate") or ""):
        return True
    if isinstance(body, bytes):
        try:
            body = json.loads(body or b"{}")
        except ValueError:
            return False
    return isinstance(body, dict) and body.get("error") == "use_dpop_nonce"
