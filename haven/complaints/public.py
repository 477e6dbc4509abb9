"""The complaints domain's public surface: what the shell (the person page) reads."""

from __future__ import annotations

from haven.complaints.lifecycle import LABELS, Category, ComplaintStatus
from haven.complaints.models import Complaint
from haven.complaints.service import Flags, flags, of_person

__all__ = ["LABELS", "Category", "Complaint", "ComplaintStatus", "Flags", "flags", "of_person"]
