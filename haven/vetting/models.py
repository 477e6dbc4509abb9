"""Tables of the vetting domain."""

from __future__ import annotations
