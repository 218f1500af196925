"""The case pack (SPEC §12 "Printing and handing over"): a case as it stands at one moment,
as a PDF for a misconduct meeting, the IOPC or a legal adviser.

What goes in: every §2.1 detail, the subjects with severity, standards and outcome, the
timeline in order, the notes marked shared (never a PSD-only note), and the evidence manifest
with each item's SHA-256 and custody log. Every page carries the protective marking, the
reference and "Page X of Y". Rendered by WeasyPrint with the reports' locked-down fetcher
(casetrack/reports/pdf.py), which can reach nothing but the application's static files.

Who may generate one is who may see the case (casetrack/cases/access.py): the pack shows
nothing the case page does not, and less (no PSD-only notes). The caller checks that with
load_case; the service writes the audit entry and flushes, never commits.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import current_app, render_template
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from casetrack import vocab
from casetrack.audit.service import record
from casetrack.auth.permissions import ROLE_LABELS
from casetrack.cases.models import Case, CaseNote
from casetrack.evidence.models import CORRECTABLE, EVIDENCE_KINDS, EvidenceItem
from casetrack.extensions import db
from casetrack.reports.pdf import render_pdf
from casetrack.timeutil import utcnow


@dataclass
class PackNote:
    number: int
    note: CaseNote
    corrects: PackNote | None = None  # the note in this pack that this one corrects
    corrects_unshown: bool = False  # it corrects a note that is not in the pack
    corrected_by: list[int] = field(default_factory=list)


@dataclass
class CasePack:
    case: Case
    notes: list[PackNote]
    evidence: list[EvidenceItem]
    generated_at: datetime
    generated_by: str
    marking: str

    @property
    def title(self) -> str:
        return f"Case pack {self.case.reference}"

    @property
    def filename(self) -> str:
        return f"{self.case.reference}-case-pack.pdf"


def shared_notes(case: Case) -> list[PackNote]:
    """The notes everyone who may see the case may read, oldest first, numbered, each
    correction pointing to the note it corrects (by number, when that note is shared too)."""
    notes = db.session.scalars(
        select(CaseNote)
        .where(CaseNote.case_id == case.id, CaseNote.psd_only.is_(False))
        .order_by(CaseNote.at, CaseNote.id)
    ).all()
    by_id: dict[int, PackNote] = {}
    result = []
    for number, note in enumerate(notes, start=1):
        entry = PackNote(number, note)
        if note.corrects_id is not None:
            entry.corrects = by_id.get(note.corrects_id)
            entry.corrects_unshown = entry.corrects is None
            if entry.corrects is not None:
                entry.corrects.corrected_by.append(number)
        by_id[note.id] = entry
        result.append(entry)
    return result


def _evidence(case: Case) -> list[EvidenceItem]:
    return list(
        db.session.scalars(
            select(EvidenceItem)
            .where(EvidenceItem.case_id == case.id)
            .options(selectinload(EvidenceItem.custody), selectinload(EvidenceItem.corrections))
            .order_by(EvidenceItem.id)
        )
    )


def assemble(case: Case, user: Any) -> CasePack:
    return CasePack(
        case=case,
        notes=shared_notes(case),
        evidence=_evidence(case),
        generated_at=utcnow(),
        generated_by=f"{user.name} ({user.role_label})",
        marking=current_app.config["PROTECTIVE_MARKING"],
    )


def pack_html(pack: CasePack) -> str:
    return render_template(
        "casepack/pack.html",
        pack=pack,
        case=pack.case,
        vocab=vocab,
        evidence_kinds=EVIDENCE_KINDS,
        correctable=CORRECTABLE,
        role_label=lambda role: vocab.label(ROLE_LABELS, role),
    )


def generate(case: Case, user: Any) -> tuple[CasePack, bytes]:
    """The pack as PDF bytes, and its audit entry: who, which case, and the SHA-256 of the
    exact file handed over (so a copy produced at a hearing can be matched to this entry)."""
    pack = assemble(case, user)
    pdf, _fetcher = render_pdf(pack_html(pack), current_app.static_folder or "")
    record(
        "case_pack_generated",
        object_type="case",
        object_id=case.id,
        details={
            "reference": case.reference,
            "sha256": hashlib.sha256(pdf).hexdigest(),
            "bytes": len(pdf),
            "notes": len(pack.notes),
            "evidence_items": len(pack.evidence),
        },
    )
    return pack, pdf
