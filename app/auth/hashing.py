"""How stored secrets are kept: only a SHA-256 hash, so a leaked database leaks no usable credential.

API tokens, session secrets and invitation links are long random values, so a plain (unsalted) SHA-256
is enough and lets us find the row by the hash.
"""

from __future__ import annotations

import hashlib


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()
