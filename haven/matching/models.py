"""Tables of the matching domain."""

from __future__ import annotations
