"""Person (workforce record), Case, Investigation (one subject in one case), timeline."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.ext.associationproxy import AssociationProxy, association_proxy
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.expression import false

from casetrack.auth.models import User
from casetrack.extensions import db
from casetrack.org.models import Department, Force
from casetrack.timeutil import utcnow


def search_index(name: str, *columns: str) -> Index:
    """For the case list's substring search (ILIKE '%text%'). On PostgreSQL a trigram GIN index
    (pg_trgm; migration 0005 creates it only if the extension can be installed); on SQLite a
    plain index, which the search reads instead of the whole table (it holds every column the
    search tests)."""
    return Index(
        name,
        *columns,
        postgresql_using="gin",
        postgresql_ops=dict.fromkeys(columns, "gin_trgm_ops"),
    )


class Person(db.Model):
    """A member of the workforce who is (or may become) the subject of a concern."""

    __tablename__ = "people"
    __table_args__ = (
        UniqueConstraint("force_id", "staff_number"),
        search_index("ix_people_search", "name", "staff_number"),
        # a subject's role and rank for the statistics, without reading the row (migration 0014)
        Index("ix_people_role_rank", "id", "role", "rank"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    force_id: Mapped[int] = mapped_column(ForeignKey("forces.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    staff_number: Mapped[str | None] = mapped_column(String(32))
    name: Mapped[str | None] = mapped_column(String(120), index=True)
    role: Mapped[str] = mapped_column(String(32))
    rank: Mapped[str | None] = mapped_column(String(32))
    politically_restricted: Mapped[bool] = mapped_column(Boolean, default=False)

    force: Mapped[Force] = relationship()
    department: Mapped[Department | None] = relationship()

    @property
    def display_name(self) -> str:
        name = self.name or "Name not recorded"
        return f"{name} ({self.staff_number})" if self.staff_number else name


def _code_model(class_name: str, table: str, owner: str, owner_table: str) -> type:
    """A multi-valued vocabulary field: one row per (owner, code), indexed for filtering."""
    return type(
        class_name,
        (db.Model,),
        {
            "__tablename__": table,
            "__table_args__": (Index(f"ix_{table}_code", "code", owner),),
            owner: mapped_column(
                ForeignKey(f"{owner_table}.id", ondelete="CASCADE"), primary_key=True
            ),
            "code": mapped_column(String(32), primary_key=True),
            "__repr__": lambda self: f"<{class_name} {self.code}>",
        },
    )


CasePlatform = _code_model("CasePlatform", "case_platforms", "case_id", "cases")
CaseCategory = _code_model("CaseCategory", "case_categories", "case_id", "cases")
CaseRiskFlag = _code_model("CaseRiskFlag", "case_risk_flags", "case_id", "cases")
CaseInterimMeasure = _code_model("CaseInterimMeasure", "case_interim_measures", "case_id", "cases")
InvestigationStandard = _code_model(
    "InvestigationStandard", "investigation_standards", "investigation_id", "investigations"
)


def _codes(rows: str, model: type) -> AssociationProxy:
    return association_proxy(rows, "code", creator=lambda code: model(code=code))


case_access = Table(
    "case_access",
    db.metadata,
    Column("case_id", ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id"), primary_key=True),
)


class Case(db.Model):
    __tablename__ = "cases"
    __table_args__ = (
        Index("ix_cases_force_state_received", "force_id", "state", "received_date"),
        # state and department too, so the statistics read no case rows (migration 0006)
        Index(
            "ix_cases_force_received",
            "force_id",
            "received_date",
            "id",
            "state",
            "department_id",
            "subject_count",  # migration 0014
        ),
        Index("ix_cases_department_received", "department_id", "received_date"),
        Index("ix_cases_received_id", "received_date", "id"),
        Index("ix_cases_investigator_state", "investigator_id", "state"),
        # the few restricted cases, for access.hidden_cases (migration 0013)
        Index("ix_cases_restricted", "restricted"),
        search_index("ix_cases_search", "reference", "summary"),
        # account handles and content URLs (migration 0010; on SQLite the FTS5 table does
        # the work, see casetrack/cases/search.py)
        search_index("ix_cases_search_content", "account_handle", "content_urls"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    force_id: Mapped[int] = mapped_column(ForeignKey("forces.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    state: Mapped[str] = mapped_column(String(24), index=True)
    received_date: Mapped[date] = mapped_column(Date)
    source: Mapped[str | None] = mapped_column(String(32))
    case_type: Mapped[str] = mapped_column(String(24), default="conduct_matter")
    account_type: Mapped[str | None] = mapped_column(String(32))
    account_handle: Mapped[str | None] = mapped_column(String(200))
    content_urls: Mapped[str] = mapped_column(Text, default="")
    content_posted_dates: Mapped[str] = mapped_column(String(400), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    reporter_name: Mapped[str | None] = mapped_column(String(120))
    reporter_contact: Mapped[str | None] = mapped_column(String(200))
    reporter_anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    no_evidence_reason: Mapped[str | None] = mapped_column(Text)
    assessment_rationale: Mapped[str | None] = mapped_column(Text)
    restricted: Mapped[bool] = mapped_column(Boolean, default=False)
    # How many investigations (subjects) the case has: kept by triggers in the database
    # (migration 0014), never written here; the statistics read it (reports/service.py).
    subject_count: Mapped[int] = mapped_column(Integer, server_default="0")
    investigator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    iopc_referred: Mapped[bool | None] = mapped_column(Boolean)
    iopc_date: Mapped[date | None] = mapped_column(Date)
    iopc_reference: Mapped[str | None] = mapped_column(String(64))
    iopc_rationale: Mapped[str | None] = mapped_column(Text)
    # Due dates are worked out when the clock starts (SPEC §3.3) and stored, so "overdue"
    # is a plain indexed comparison in the case list.
    assessment_due: Mapped[date | None] = mapped_column(Date)
    decision_due: Mapped[date | None] = mapped_column(Date)
    pcc_due: Mapped[date | None] = mapped_column(Date)
    referred_on: Mapped[date | None] = mapped_column(Date)
    investigation_started_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    imported: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    force: Mapped[Force] = relationship()
    department: Mapped[Department | None] = relationship()
    investigator: Mapped[User | None] = relationship(foreign_keys=[investigator_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    investigations: Mapped[list[Investigation]] = relationship(
        back_populates="case", order_by="Investigation.id", cascade="all, delete-orphan"
    )
    events: Mapped[list[CaseEvent]] = relationship(
        back_populates="case", order_by="CaseEvent.id", cascade="all, delete-orphan"
    )
    pcc_notifications: Mapped[list[PccNotification]] = relationship(
        back_populates="case",
        order_by="PccNotification.notified_on",
        cascade="all, delete-orphan",
    )
    named_users: Mapped[list[User]] = relationship(secondary=case_access)

    platform_rows = relationship(CasePlatform, cascade="all, delete-orphan")
    category_rows = relationship(CaseCategory, cascade="all, delete-orphan")
    risk_flag_rows = relationship(CaseRiskFlag, cascade="all, delete-orphan")
    interim_measure_rows = relationship(CaseInterimMeasure, cascade="all, delete-orphan")
    platforms = _codes("platform_rows", CasePlatform)
    categories = _codes("category_rows", CaseCategory)
    risk_flags = _codes("risk_flag_rows", CaseRiskFlag)
    interim_measures = _codes("interim_measure_rows", CaseInterimMeasure)


class Investigation(db.Model):
    """One subject within one case: severity, standards and outcome are per subject."""

    __tablename__ = "investigations"
    __table_args__ = (
        UniqueConstraint("case_id", "person_id"),
        Index("ix_investigations_outcome", "outcome"),
        # covers the statistics' joins: case → its subjects' outcomes (migration 0006)
        Index("ix_investigations_case_id", "case_id", "outcome", "person_id"),
        # what the timeliness and proceedings figures read (migration 0014)
        Index(
            "ix_investigations_finalised",
            "case_id",
            "outcome",
            "proceedings",
            "finding",
            "outcome_date",
            "suspended_from",
            "suspended_to",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    severity: Mapped[str] = mapped_column(String(24), default="not_assessed")
    outcome: Mapped[str | None] = mapped_column(String(32))
    outcome_date: Mapped[date | None] = mapped_column(Date)
    # SPEC §14: what follows PSD's severity assessment (casetrack/cases/proceedings.py)
    psd_assessed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    case_to_answer: Mapped[bool | None] = mapped_column(Boolean)
    proceedings: Mapped[str | None] = mapped_column(String(24))
    proceedings_date: Mapped[date | None] = mapped_column(Date)
    proceedings_chair: Mapped[str | None] = mapped_column(String(120))
    finding: Mapped[str | None] = mapped_column(String(24))
    fww_in_force: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    unconnected_incidents: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    outcome_rationale: Mapped[str | None] = mapped_column(Text)
    appeal: Mapped[str | None] = mapped_column(String(16))
    appeal_date: Mapped[date | None] = mapped_column(Date)
    suspended_from: Mapped[date | None] = mapped_column(Date)
    suspended_to: Mapped[date | None] = mapped_column(Date)

    case: Mapped[Case] = relationship(back_populates="investigations")
    person: Mapped[Person] = relationship()
    standard_rows = relationship(InvestigationStandard, cascade="all, delete-orphan")
    standards = _codes("standard_rows", InvestigationStandard)


class CaseEvent(db.Model):
    """The timeline: every action on a case, in order, with who and when."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_name: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(32))
    from_state: Mapped[str | None] = mapped_column(String(24))
    to_state: Mapped[str] = mapped_column(String(24))
    note: Mapped[str] = mapped_column(Text, default="")

    case: Mapped[Case] = relationship(back_populates="events")


class PccNotification(db.Model):
    __tablename__ = "pcc_notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    notified_on: Mapped[date] = mapped_column(Date)

    case: Mapped[Case] = relationship(back_populates="pcc_notifications")


class ReferenceCounter(db.Model):
    """The last sequence number used for a force and year; bumped atomically."""

    __tablename__ = "reference_counters"

    force_id: Mapped[int] = mapped_column(ForeignKey("forces.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


# ---- everyday casework (SPEC §12) ------------------------------------------------------------


class CaseCorrection(db.Model):
    """One corrected detail of a case: who, when, why, and the value before and after. Nothing
    about a case is overwritten without one of these (and its timeline entry and audit entry)."""

    __tablename__ = "case_corrections"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("case_events.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_name: Mapped[str] = mapped_column(String(120))
    field: Mapped[str] = mapped_column(String(32))
    old_value: Mapped[str] = mapped_column(Text, default="")
    new_value: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text)

    case: Mapped[Case] = relationship()


class CaseNote(db.Model):
    """The decision log: dated notes, shared or PSD only, never edited or deleted. A
    correction is a new note whose `corrects_id` points to the note it corrects."""

    __tablename__ = "case_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    author_name: Mapped[str] = mapped_column(String(120))
    author_role: Mapped[str] = mapped_column(String(32))
    psd_only: Mapped[bool] = mapped_column(Boolean, default=False)
    text: Mapped[str] = mapped_column(Text)
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("case_notes.id"))

    case: Mapped[Case] = relationship()
    corrects: Mapped[CaseNote | None] = relationship(remote_side=[id])


class CaseLink(db.Model):
    """Two cases linked (same incident, same account, same group chat), with a reason. Stored
    once, lower id first; a removed link keeps its row with who removed it and why."""

    __tablename__ = "case_links"
    __table_args__ = (Index("ix_case_links_pair", "case_id", "other_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    other_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    reason: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_name: Mapped[str] = mapped_column(String(120))
    removed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    removed_by_name: Mapped[str | None] = mapped_column(String(120))
    removed_reason: Mapped[str | None] = mapped_column(Text)

    case: Mapped[Case] = relationship(foreign_keys=[case_id])
    other: Mapped[Case] = relationship(foreign_keys=[other_id])


# ---- what follows the proceedings (SPEC §14.2) ------------------------------------------------


class ReflectiveReview(db.Model):
    """The reflective review development report (regulation 70(2)) for one subject."""

    __tablename__ = "reflective_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    investigation_id: Mapped[int] = mapped_column(
        ForeignKey("investigations.id", ondelete="CASCADE"), unique=True
    )
    reviewer: Mapped[str | None] = mapped_column(String(120))  # the line manager or reviewer
    matter_summary: Mapped[str] = mapped_column(Text, default="")
    discussion_summary: Mapped[str] = mapped_column(Text, default="")
    key_actions: Mapped[str] = mapped_column(Text, default="")
    lessons_officer: Mapped[str] = mapped_column(Text, default="")
    lessons_force: Mapped[str] = mapped_column(Text, default="")
    review_date: Mapped[date | None] = mapped_column(Date, index=True)
    account_due: Mapped[date] = mapped_column(Date, index=True)
    account_received: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    investigation: Mapped[Investigation] = relationship()


class ListReport(db.Model):
    """A report due to the College of Policing: the Barred List on dismissal, the Advisory List
    when someone resigns or retires under investigation (Police Act 1996 s.88A, s.88I)."""

    __tablename__ = "list_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    investigation_id: Mapped[int] = mapped_column(
        ForeignKey("investigations.id", ondelete="CASCADE"), unique=True
    )
    list_name: Mapped[str] = mapped_column(String(16))  # "barred" or "advisory"
    event_date: Mapped[date] = mapped_column(Date)
    due: Mapped[date] = mapped_column(Date, index=True)
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str | None] = mapped_column(String(32))
    reasons: Mapped[str | None] = mapped_column(Text)
    prior_advisory: Mapped[str | None] = mapped_column(String(200))
    reported_on: Mapped[date | None] = mapped_column(Date)
    reported_by_name: Mapped[str | None] = mapped_column(String(120))

    investigation: Mapped[Investigation] = relationship()
