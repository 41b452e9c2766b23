"""Our DPoP proofs are valid ES256 JWTs that name the request, checked independently."""

import base64
import json

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, utils

from solidarity.campaigns.networks.bluesky.dpop import (
    DPoPKey,
    access_token_hash,
    needs_nonce,
    new_private_key,
)


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def verify(proof: str) -> tuple[dict, dict]:
    """Check the signature with the key the proof's own header carries, as a server does."""
    header_part, claims_part, signature_part = proof.split(".")
    header = json.loads(unb64(header_part))
    jwk = header["jwk"]
    public = ec.EllipticCurvePublicNumbers(
        int.from_bytes(unb64(jwk["x"]), "big"),
        int.from_bytes(unb64(jwk["y"]), "big"),
        ec.SECP256R1(),
    ).public_key()
    raw = unb64(signature_part)
    assert len(raw) == 64  # JWS wants r||s, not DER
    der = utils.encode_dss_signature(
        int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")
    )
    public.verify(der, f"{header_part}.{claims_part}".encode(), ec.ECDSA(hashes.SHA256()))
    return header, json.loads(unb64(claims_part))


def test_a_proof_names_the_request_and_verifies_with_its_own_key():
    key = DPoPKey(new_private_key())
    proof = key.proof(
        "post", "https://pds.example/xrpc/com.atproto.repo.putRecord?x=1#f", nonce="n1"
    )
    header, claims = verify(proof)
    assert header["typ"] == "dpop+jwt" and header["alg"] == "ES256"
    assert "d" not in header["jwk"]  # never the private part
    assert claims["htm"] == "POST"
    assert claims["htu"] == "https://pds.example/xrpc/com.atproto.repo.putRecord"
    assert claims["nonce"] == "n1"
    assert "ath" not in claims
    assert len(claims["jti"]) >= 16


def test_a_resource_proof_carries_the_access_token_hash_and_a_fresh_jti():
    key = DPoPKey(new_private_key())
    first = verify(key.proof("GET", "https://pds.example/x", access_token="tok"))[1]
    second = verify(key.proof("GET", "https://pds.example/x", access_token="tok"))[1]
    # base64url(SHA-256("tok")), from RFC 9449's definition
    assert first["ath"] == "GnZ0607njffhrEOak8P6jjyUV4TU3sn9jjARc4svHWI" == access_token_hash("tok")
    assert first["jti"] != second["jti"]


def test_a_tampered_proof_does_not_verify():
    key = DPoPKey(new_private_key())
    header, _claims, signature = key.proof("GET", "https://pds.example/x").split(".")
    forged = base64.urlsafe_b64encode(b'{"htm":"POST"}').rstrip(b"=").decode()
    with pytest.raises(InvalidSignature):
        verify(f"{header}.{forged}.{signature}")


def test_only_p256_keys_are_accepted():
    from cryptography.hazmat.primitives import serialization

    other = ec.generate_private_key(ec.SECP384R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    with pytest.raises(ValueError, match="P-256"):
        DPoPKey(other.decode())


@pytest.mark.parametrize(
    ("status", "headers", "body", "expected"),
    [
        (401, {"DPoP-Nonce": "n", "WWW-Authenticate": 'DPoP error="use_dpop_nonce"'}, b"", True),
        (400, {"DPoP-Nonce": "n"}, b'{"error":"use_dpop_nonce"}', True),
        (401, {"DPoP-Nonce": "n"}, b'{"error":"invalid_token"}', False),
        (401, {}, b'{"error":"use_dpop_nonce"}', False),  # no nonce to use
        (200, {"DPoP-Nonce": "n"}, b"{}", False),
    ],
)
def test_needs_nonce_only_for_a_refusal_that_offers_one(status, headers, body, expected):
    assert needs_nonce(status, headers, body) is expected
