"""Blind indexes: exact search on encrypted fields without decrypting them.

A blind index is HMAC-SHA256 under the keyring's `index_key` of the field's canonical form,
stored beside the ciphertext and indexed. Equal canonical values give equal indexes, so an
exact-match query compares indexes; without the key, an index reveals nothing but equality
(the accepted leak of any exact-search scheme). The field name is part of the MAC input, so
an NRC and a service number with the same text never share an index.
"""

from __future__ import annotations

import hashlib
import hmac

INDEX_HEX_LENGTH = 64


def blind_index(index_key: bytes, field: str, canonical: str) -> str:
    """The hex HMAC of `canonical` for `field`; the caller canonicalises the value first."""
    message = field.encode() + b"\x00" + canonical.encode()
    return hmac.new(index_key, message, hashlib.sha256).hexdigest()
