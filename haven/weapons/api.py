"""JSON endpoints of the weapons stores and their ledger."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/weapons", tags=["weapons"])
