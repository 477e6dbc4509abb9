"""Tables of the allowances domain."""

from __future__ import annotations
