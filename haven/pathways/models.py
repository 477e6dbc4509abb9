"""Tables of the pathways domain."""

from __future__ import annotations
