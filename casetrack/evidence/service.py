"""Add, view, download, verify, correct and withdraw evidence. Every step is written to the
item's custody log and to the audit log, in the caller's transaction; nothing here commits.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from PIL import Image
from sqlalchemy import select

from casetrack import vocab
from casetrack.audit.service import record
from casetrack.auth.models import User
from casetrack.cases.access import may_change_evidence
from casetrack.cases.models import Case
from casetrack.cases.workflow import OPEN_STATES, State
from casetrack.errors import DomainError, Problems
from casetrack.evidence.models import (
    CORRECTABLE,
    EVIDENCE_KINDS,
    CustodyEvent,
    EvidenceCorrection,
    EvidenceItem,
)
from casetrack.evidence.storage import HashingFile, Store, sniff
from casetrack.extensions import db
from casetrack.timeutil import to_local, today, utcnow


def store() -> Store:
    return Store(current_app.config["EVIDENCE_DIR"])


@dataclass
class CaptureDetails:
    kind: str
    captured_at: datetime
    captured_by: str
    capture_method: str
    description: str = ""
    source_url: str | None = None
    platform: str | None = None
    account_handle: str | None = None
    content_posted_on: date | None = None


@dataclass
class Upload:
    """One file as it arrived: the hashed temporary file and the name the user gave it."""

    file: HashingFile
    filename: str


def clean_filename(name: str | None) -> str:
    """The user's file name for display and download only: no folders, no control chars."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip().lstrip(".")
    return (base or "unnamed")[-255:]


def who(user: User | None) -> str:
    return f"{user.name} ({user.email})" if user else "system"


def custody(
    item: EvidenceItem, user: User | None, action: str, sha256: str | None = None, note: str = ""
) -> None:
    db.session.add(
        CustodyEvent(
            item=item,
            actor_id=user.id if user else None,
            actor_name=who(user),
            action=action,
            sha256=sha256 or item.sha256,
            note=note,
        )
    )
    record(
        f"evidence_{action}",
        object_type="evidence",
        object_id=item.id,
        details={"case": item.case_id, "sha256": sha256 or item.sha256, "note": note[:200]},
    )


def refused_files(uploads: Sequence[Upload]) -> str | None:
    """Why any of the files cannot be kept (empty, or not an allowed type by its content), in
    one message for the file field, or None."""
    refused = []
    for upload in uploads:
        name = clean_filename(upload.filename)
        if upload.file.size == 0:
            refused.append(f"{name} is empty: choose the file again.")
        elif sniff(upload.file.head) is None:
            refused.append(
                f"{name} is not a type of file that can be kept as evidence (by its content, "
                "whatever its name)."
            )
    if any(r.endswith("whatever its name).") for r in refused):
        refused.append("Use images, PDF, video, MHTML or WARC captures, ZIP exports or plain text.")
    return " ".join(refused) or None


def source_url_problem(url: str | None) -> str | None:
    """A source web address must be http(s) with a host."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return "Enter the source as a web address starting https:// or http://"
    return None


FUTURE_CAPTURE = "The capture time cannot be in the future"
POSTED_AFTER_CAPTURE = "Content cannot have been posted after it was captured"


def capture_date_problems(
    captured_on: date | None, captured_at: datetime | None, content_posted_on: date | None
) -> list[tuple[str, str]]:
    """The capture and posting dates' rule. `captured_at` may be unknown (the time was mistyped):
    the London date alone is then checked, so the form can show this with the time's error."""
    problems: list[tuple[str, str]] = []
    if captured_at is not None:
        captured_on = to_local(captured_at).date()  # the London date, as on the form
    if captured_on is None:
        return problems
    if (captured_at is not None and captured_at > utcnow()) or captured_on > today():
        problems.append(("captured_on", FUTURE_CAPTURE))
    if content_posted_on and content_posted_on > captured_on:
        problems.append(("content_posted_on", POSTED_AFTER_CAPTURE))
    return problems


def validate_details(details: CaptureDetails) -> None:
    """Every problem with the details at once (DomainError.problems), in the form's order."""
    problems = Problems()
    if details.kind not in EVIDENCE_KINDS:
        problems.add("Choose what the evidence is", "kind")
    url_problem = source_url_problem(details.source_url)
    if url_problem:
        problems.add(url_problem, "source_url")
    if details.platform and details.platform not in vocab.PLATFORMS:
        problems.add("Unknown platform", "platform")
    for field, message in capture_date_problems(
        None, details.captured_at, details.content_posted_on
    ):
        problems.add(message, field)
    if not details.captured_by.strip():
        problems.add("Enter who captured it (a member of the public is fine)", "captured_by")
    if not details.capture_method.strip():
        problems.add("Enter how it was captured", "capture_method")
    problems.raise_any()


def details_from_case(case: Case) -> dict[str, str]:
    """What an upload form starts with: the case's own platform, handle and web address, where
    the case has just one of each (with several, the user chooses)."""
    urls = [u.strip() for u in (case.content_urls or "").splitlines() if u.strip()]
    platforms = list(case.platforms)
    prefill = {"account_handle": case.account_handle or ""}
    if len(platforms) == 1:
        prefill["platform"] = platforms[0]
    if len(urls) == 1:
        prefill["source_url"] = urls[0]
    return prefill


def preview_size(item: EvidenceItem) -> tuple[int, int] | None:
    """The preview image's width and height in pixels, read from its header (Pillow reads no
    pixels here), so the page reserves its space before it loads; None if unreadable."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # only the size
            with Image.open(store().path_for(item.storage_name)) as image:
                return image.size
    except (OSError, ValueError, Image.DecompressionBombError):
        return None


def evidence_for(case: Case) -> list[EvidenceItem]:
    return list(
        db.session.scalars(
            select(EvidenceItem).where(EvidenceItem.case_id == case.id).order_by(EvidenceItem.id)
        )
    )


def can_add(user: User, case: Case) -> bool:
    """Add, correct or withdraw evidence on this case now (the access rule: open, and with the
    user's side)."""
    return may_change_evidence(user, case)


def check_change(user: User, case: Case, what: str) -> None:
    """The authoritative check for every evidence change, with the reason in words."""
    if may_change_evidence(user, case):
        return
    state = State(case.state)
    if state not in OPEN_STATES:
        raise DomainError(
            f"Evidence on a {state.label.lower()} case cannot be {what}"
            + (": reopen the case first" if state is State.CLOSED else "")
        )
    raise DomainError(f"Evidence on this case cannot be {what} by you at this stage")


def add_evidence(
    case: Case, user: User, uploads: Sequence[Upload], details: CaptureDetails
) -> list[EvidenceItem]:
    """Check every file first (a bad one refuses the lot), then place each and add its row."""
    check_change(user, case, "added")
    problems = Problems()
    if not uploads:
        problems.add("Choose at least one file", "files")
    refused = refused_files(uploads)
    if refused:
        problems.add(refused, "files")
    problems.check(validate_details, details)
    problems.raise_any()
    items = []
    target = store()
    for upload in uploads:
        kind = sniff(upload.file.head)
        assert kind is not None  # refused_files() checked every one
        storage_name = target.place(upload.file)
        item = EvidenceItem(
            case=case,
            kind=details.kind,
            source_url=(details.source_url or "").strip() or None,
            platform=details.platform or None,
            account_handle=(details.account_handle or "").strip() or None,
            content_posted_on=details.content_posted_on,
            captured_at=details.captured_at,
            captured_by=details.captured_by.strip(),
            capture_method=details.capture_method.strip(),
            description=details.description.strip(),
            original_filename=clean_filename(upload.filename),
            storage_name=storage_name,
            size=upload.file.size,
            sha256=upload.file.sha256,
            media_type=kind.media_type,
            uploaded_by_id=user.id,
            uploaded_by_name=user.name,
        )
        db.session.add(item)
        db.session.flush()
        custody(
            item,
            user,
            "uploaded",
            note=f"{item.original_filename}, {item.size} bytes, {kind.description}",
        )
        items.append(item)
    names = ", ".join(i.original_filename for i in items)
    case_event(items[0], user, "evidence_added", f"Evidence preserved: {names}.")
    return items


def verify(item: EvidenceItem, user: User | None, reason: str = "verified") -> bool:
    """Re-hash the stored file; log the result either way. True when it matches."""
    try:
        digest, size = store().hash_of(item.storage_name)
    except FileNotFoundError:
        digest, size = None, None
    ok = digest == item.sha256 and size == item.size
    item.last_verified_at, item.last_verified_ok = utcnow(), ok
    if ok:
        custody(item, user, reason, sha256=digest)
    else:
        found = "file missing" if digest is None else f"found {digest}, {size} bytes"
        custody(
            item,
            user,
            "verify_failed",
            sha256=digest,
            note=f"expected {item.sha256}, {item.size} bytes; {found}",
        )
    return ok


def _shown(value: object) -> str:
    if value is None or value == "":
        return "(not recorded)"
    return value.isoformat(sep=" ") if isinstance(value, datetime) else str(value)


def _choice(value: str, table: dict[str, str], what: str, required: bool) -> str | None:
    if not value and not required:
        return None
    found = {code.lower(): code for code in table} | {v.lower(): c for c, v in table.items()}
    code = found.get(value.lower())
    if code is None:
        raise DomainError(f"{what} must be one of: " + ", ".join(table.values()), "value")
    return code


def clean_correction(field: str, value: str | None) -> str | None:
    """The corrected value in the same form as the original field, or a clear refusal."""
    value = (value or "").strip()
    if field == "kind":
        return _choice(value, EVIDENCE_KINDS, "What it is", required=True)
    if field == "platform":
        return _choice(value, vocab.PLATFORMS, "Platform", required=False)
    if field in ("content_posted_on", "captured_at"):
        return _clean_date(value, field)
    if field == "source_url" and value:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise DomainError(
                "Enter the source as a web address starting https:// or http://", "value"
            )
    if field in ("captured_by", "capture_method") and not value:
        raise DomainError(f"{CORRECTABLE[field]} cannot be empty", "value")
    return value or None


def _clean_date(value: str, field: str) -> str | None:
    if not value and field == "content_posted_on":
        return None
    for pattern in ("%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y", "%Y-%m-%d"):
        try:
            parsed = datetime.strptime(value, pattern)
        except ValueError:
            continue
        if parsed.date() > today():
            raise DomainError("The date cannot be in the future", "value")
        if field == "content_posted_on":
            return parsed.date().isoformat()
        return parsed.strftime("%Y-%m-%d %H:%M")
    raise DomainError(
        "Enter a real date as DD/MM/YYYY (and a time as HH:MM for the capture)", "value"
    )


def correct(item: EvidenceItem, user: User, field: str, value: str | None, reason: str) -> None:
    """Record a correction to a metadata field; the original stays as it was."""
    check_change(user, item.case, "corrected")
    if field not in CORRECTABLE:
        raise DomainError("Choose a field to correct", "field")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Enter the reason for the correction", "reason")
    new = clean_correction(field, value)
    old = _shown(item.current(field))
    db.session.add(
        EvidenceCorrection(
            item=item,
            field=field,
            old_value=old,
            new_value=new,
            reason=reason[:2000],
            actor_name=who(user),
        )
    )
    custody(
        item,
        user,
        "corrected",
        note=f"{CORRECTABLE[field]} corrected from {old} to {_shown(new)}. Reason: {reason}",
    )
    case_event(
        item,
        user,
        "evidence_corrected",
        f"Evidence {item.original_filename}: {CORRECTABLE[field].lower()} corrected.",
    )


def case_event(item: EvidenceItem, user: User, action: str, note: str) -> None:
    """Evidence changes also appear on the case's timeline (the state does not change)."""
    from casetrack.cases.models import CaseEvent

    state = item.case.state
    db.session.add(
        CaseEvent(
            case=item.case,
            actor_id=user.id,
            actor_name=user.name,
            action=action,
            from_state=state,
            to_state=state,
            note=note[:2000],
        )
    )


def withdraw(item: EvidenceItem, user: User, reason: str) -> None:
    """Mark a wrongly attached file withdrawn. The file and its row stay."""
    check_change(user, item.case, "withdrawn")
    if item.withdrawn:
        raise DomainError("This item is already withdrawn")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Enter the reason for withdrawing it", "reason")
    item.withdrawn, item.withdrawn_reason, item.withdrawn_at = True, reason[:2000], utcnow()
    item.withdrawn_by_name = who(user)
    custody(item, user, "withdrawn", note=reason)
    case_event(
        item, user, "evidence_withdrawn", f"Evidence {item.original_filename} withdrawn: {reason}"
    )


def details_of(item: EvidenceItem) -> dict[str, Any]:
    """Capture metadata as currently corrected, for pages, manifests and exports."""
    return {field: item.current(field) for field in CORRECTABLE}
