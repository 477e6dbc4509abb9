"""JSON endpoints of the pow domain."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
