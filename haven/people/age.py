"""Who counts as a child (IDDRS 5.20): anyone who may be under 18, doubt resolved in the
child's favour.

One rule for every domain: reception receives such a person as a child (no military
question asked or stored) and pathways never records a child as serving. With only a year
of birth, a person may be a year younger than the difference of the years.
"""

from __future__ import annotations

from datetime import date

ADULT_AGE = 18


def may_be_a_child(birth_year: int | None, on: date) -> bool:
    """Possibly under 18 on `on`, judged by the year of birth alone (unknown: no)."""
    if birth_year is None:
        return False
    return on.year - birth_year - 1 < ADULT_AGE


def is_child(birth_year: int | None, *, on: date, received_as_child: bool) -> bool:
    """A child for the programme: received as a child, or possibly under 18 on `on`."""
    return received_as_child or may_be_a_child(birth_year, on)
