"""The laptop talks to headquarters over HTTPS only (plain HTTP only on loopback)."""

from __future__ import annotations

import pytest

from haven.sync.client import address
from haven.sync.errors import SyncRefused


def test_headquarters_address_must_be_https_except_on_loopback() -> None:
    assert address("https://hq.example.org/") == "https://hq.example.org"
    assert address(" http://127.0.0.1:8000/ ") == "http://127.0.0.1:8000"
    for refused in ("http://hq.example.org", "ftp://hq.example.org", "hq.example.org"):
        with pytest.raises(SyncRefused) as raised:
            address(refused)
        assert raised.value.code == "not_https"
