"""Share codes for assignments, easy to read aloud and type."""

from __future__ import annotations

import secrets

# Crockford-style: upper-case letters and digits without the look-alikes 0/O, 1/I/L (and no lower case, so
# l cannot appear either). 31 symbols ** 8 ≈ 8.5e11 codes.
SHARE_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
SHARE_CODE_LENGTH = 8


def new_share_code() -> str:
    return "".join(secrets.choice(SHARE_CODE_ALPHABET) for _ in range(SHARE_CODE_LENGTH))
