"""JSON endpoints of the agreements domain."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
