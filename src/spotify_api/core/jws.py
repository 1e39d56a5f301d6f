"""HS256 compact JWS, byte for byte as python-jose signs and checks them, for paging cursors.

`jose.jws` builds a key object from the secret on every call (JSON parsing of the key, PEM and
SSH checks, a backend's HMAC); a page signs one or two cursors, so that was most of their cost.
Here the key is prepared once and the token is the same: the header `{"alg":"HS256","typ":"JWT"}`,
the payload dumped as `json.dumps(…, separators=(",", ":"))`, unpadded base64url, and the
segments decoded as jose decodes them (`jose.utils.base64url_decode`), so that every cursor
either accepts, this accepts, and the other way round.
"""

from __future__ import annotations

import binascii
import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any

from jose.utils import base64url_decode, base64url_encode

_HEADER = base64url_encode(
    json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":"), sort_keys=True).encode()
)


class BadSignature(ValueError):
    """The token is malformed, signed with another key or algorithm, or forged."""


class HS256:
    def __init__(self, secret: str) -> None:
        self._key = secret.encode("utf-8")

    def _mac(self, signing_input: bytes) -> bytes:
        return hmac.digest(self._key, signing_input, hashlib.sha256)

    def sign(self, payload: Mapping[str, Any]) -> str:
        body = base64url_encode(json.dumps(payload, separators=(",", ":")).encode("utf-8"))
        signing_input = _HEADER + b"." + body
        return (signing_input + b"." + base64url_encode(self._mac(signing_input))).decode()

    def verify(self, token: str) -> bytes:
        """The payload's bytes, if `token` is signed with this key; else `BadSignature`."""
        try:
            signing_input, crypto = token.encode("utf-8").rsplit(b".", 1)
            header_segment, claims = signing_input.split(b".", 1)
            header = json.loads(base64url_decode(header_segment).decode("utf-8"))
            payload = base64url_decode(claims)
            signature = base64url_decode(crypto)
        except (ValueError, TypeError, binascii.Error) as error:
            raise BadSignature() from error
        if not isinstance(header, Mapping) or header.get("alg") != "HS256":
            raise BadSignature()
        if not hmac.compare_digest(signature, self._mac(signing_input)):
            raise BadSignature()
        return payload
