"""Tables of the pow domain."""

from __future__ import annotations
