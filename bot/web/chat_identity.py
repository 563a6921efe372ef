"""Web chat identities: a random token kept by the person's browser, never in a URL.

The database only sees a hash of the token, so a copy of the database does not let anyone
read or write as the person.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

TOKEN_BYTES = 32
HEADER = "X-Chat-Token"


def new_token() -> str:
    """A new random chat token (URL-safe text)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def chat_id_for(token: str, secret: bytes) -> str | None:
    """The conversation's chat id for ``token``; None if the token is malformed."""
    if not (20 <= len(token) <= 128) or not token.replace("-", "").replace("_", "").isalnum():
        return None
    return hmac.new(secret, token.encode("ascii"), hashlib.sha256).hexdigest()[:40]
