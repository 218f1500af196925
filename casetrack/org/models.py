"""Force and Department."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casetrack.extensions import db


class Force(db.Model):
    __tablename__ = "forces"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(120))

    departments: Mapped[list[Department]] = relationship(
        back_populates="force", order_by="Department.name"
    )

    def __repr__(self) -> str:
        return f"<Force {self.code}>"


class Department(db.Model):
    __tablename__ = "departments"
    __table_args__ = (UniqueConstraint("force_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    force_id: Mapped[int] = mapped_column(ForeignKey("forces.id"), index=True)
    code: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(120))

    force: Mapped[Force] = relationship(back_populates="departments")

    @property
    def label(self) -> str:
        return f"{self.name} ({self.force.code})"

    def __repr__(self) -> str:
        return f"<Department {self.force_id}/{self.code}>"
