"""Tables of forces, ranks, positions, units and their equivalences. Reference data shared by
all."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from haven.db.base import Base, IdMixin, TimestampMixin


class Force(IdMixin, TimestampMixin, Base):
    """An armed force: the regime's army, police, a militia, or a receiving force."""

    __tablename__ = "forces"

    name: Mapped[str] = mapped_column(String(200), unique=True)
    name_my: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    is_receiving: Mapped[bool] = mapped_column(default=False)


class Rank(IdMixin, TimestampMixin, Base):
    """One rank of a force's table; `seniority` 1 is the most senior."""

    __tablename__ = "ranks"
    __table_args__ = (UniqueConstraint("force_id", "seniority"),)

    force_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("forces.id"), index=True)
    seniority: Mapped[int]
    name_en: Mapped[str] = mapped_column(String(100))
    name_my: Mapped[str | None] = mapped_column(String(100))
    verified: Mapped[bool] = mapped_column(default=False)
    pay_group: Mapped[str | None] = mapped_column(String(40))


class RankAlias(IdMixin, TimestampMixin, Base):
    """Another way a rank is written (an abbreviation, a Burmese short form, a romanisation):
    `text` as given, `key` its `ranktext.rank_key`, unique within the force, so that a
    written rank names one rank of a force at most."""

    __tablename__ = "rank_aliases"
    __table_args__ = (UniqueConstraint("force_id", "key"),)

    force_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("forces.id"), index=True)
    rank_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ranks.id"), index=True)
    text: Mapped[str] = mapped_column(String(100))
    key: Mapped[str] = mapped_column(String(100))


class Unit(IdMixin, TimestampMixin, Base):
    """A unit of a force, identified by its normalised kind and number (LIB-531)."""

    __tablename__ = "units"
    __table_args__ = (UniqueConstraint("force_id", "kind", "number"),)

    force_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("forces.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    number: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("units.id"))

    @property
    def label(self) -> str:
        return f"{self.kind}-{self.number}"


class RankEquivalence(IdMixin, TimestampMixin, Base):
    """Which rank of a receiving force a source rank becomes, from a date (until a date)."""

    __tablename__ = "rank_equivalences"
    __table_args__ = (
        CheckConstraint("effective_to IS NULL OR effective_to > effective_from", name="period"),
    )

    receiving_force_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("forces.id"), index=True)
    source_rank_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ranks.id"), index=True)
    target_rank_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ranks.id"))
    effective_from: Mapped[date]
    effective_to: Mapped[date | None]


class Position(IdMixin, TimestampMixin, Base):
    """One appointment of a force's table (battalion commander, clerk, cook …).

    `grade` orders appointments by command responsibility: 1 is the most senior, and
    appointments of the same grade stand level (a clerk, a medic and a driver). `code` names
    the seeded appointments, so reference data is added once; positions added by an
    administrator have none.
    """

    __tablename__ = "positions"
    __table_args__ = (
        UniqueConstraint("force_id", "code"),
        UniqueConstraint("force_id", "name_en"),
        CheckConstraint("grade >= 1", name="grade"),
    )

    force_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("forces.id"), index=True)
    code: Mapped[str | None] = mapped_column(String(40))
    grade: Mapped[int]
    name_en: Mapped[str] = mapped_column(String(100))
    name_my: Mapped[str | None] = mapped_column(String(100))
    verified: Mapped[bool] = mapped_column(default=False)


class PositionEquivalence(IdMixin, TimestampMixin, Base):
    """Which position of a receiving force a source position becomes, from a date (until a
    date): the same shape as rank equivalence."""

    __tablename__ = "position_equivalences"
    __table_args__ = (
        CheckConstraint("effective_to IS NULL OR effective_to > effective_from", name="period"),
    )

    receiving_force_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("forces.id"), index=True)
    source_position_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("positions.id"), index=True)
    target_position_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("positions.id"))
    effective_from: Mapped[date]
    effective_to: Mapped[date | None]
