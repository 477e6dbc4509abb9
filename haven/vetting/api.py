"""JSON endpoints of the vetting domain."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
