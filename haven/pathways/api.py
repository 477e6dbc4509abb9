"""JSON endpoints of the pathways domain."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
