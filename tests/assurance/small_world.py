"""A small demo installation for the browser checks: the demo's forces, departments and users
(same sign-ins as `casetrack demo`), and a Standards Manager's cases in every workflow state,
with evidence (one item withdrawn), a restricted case and a subject — built through the real
services in a few seconds instead of the full realistic demo set."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask

STATES = {
    "logged": [],
    "assessed": ["assess"],
    "local_resolution": ["assess", "resolve_locally"],
    "referred_to_psd": ["assess", "refer_to_psd"],
    "psd_investigation": ["assess", "refer_to_psd", "psd_accept"],
    "closed": ["assess", "refer_to_psd", "psd_accept", "assess_severity", "outcomes", "close"],
    "withdrawn": ["withdraw"],
}
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7"
    b"\x9a\x86\x9e\x00\x00\x00\x00IEND\xaeB`\x82"
)


def load_small_demo() -> None:
    from sqlalchemy import select

    from casetrack.auth.models import User
    from casetrack.auth.service import create_user
    from casetrack.cases import service
    from casetrack.cases.proceedings_service import ProceedingsDetails, record_proceedings
    from casetrack.cases.workflow import Action
    from casetrack.demo import DEMO_PASSWORD, FORCES, USERS
    from casetrack.evidence import service as evidence
    from casetrack.extensions import db
    from casetrack.org.service import add_department, add_force
    from casetrack.timeutil import today, utcnow

    forces, departments = {}, {}
    for code, name, depts in FORCES:
        forces[code] = add_force(code, name)
        for dept_code, dept_name in depts:
            departments[(code, dept_code)] = add_department(forces[code], dept_code, dept_name)
    for email, name, role, force_codes, dept_codes, staff_number in USERS:
        create_user(
            email=email,
            name=name,
            role=role,
            password=DEMO_PASSWORD,
            forces=[forces[c] for c in force_codes],
            departments=[departments[(force_codes[0], d)] for d in dept_codes],
            staff_number=staff_number,
            must_change_password=False,
        )
    db.session.flush()
    sm = db.session.scalar(select(User).where(User.email == "sm.birmingham@example.police.uk"))
    psd = db.session.scalar(select(User).where(User.email == "psd@example.police.uk"))
    department = departments[("WMP", "BIRM_E")]
    n = 0
    for restricted in (False, True):
        for state, steps in STATES.items():
            if restricted and state != "assessed":
                continue
            n += 1
            person = service.find_or_add_person(
                forces["WMP"],
                service.SubjectDetails(
                    name=f"Jordan Example {n}",
                    staff_number=f"WMP9{n:03d}",
                    role="police_officer",
                    rank="constable",
                    department=department,
                ),
            )
            case = service.record_concern(
                sm,
                service.ConcernDetails(
                    received_date=today() - timedelta(days=10 + n),
                    department=department,
                    summary=f"Posted offensive comments about a member of the public ({state}).",
                    categories=["inappropriate_content"],
                    platforms=["facebook"],
                    account_handle="@example.account",
                    content_urls=["https://facebook.example/p/1"],
                    restricted=restricted,
                ),
                [person],
            )
            db.session.flush()
            for step in steps:
                actor = (
                    psd if step in ("psd_accept", "assess_severity", "outcomes", "close") else sm
                )
                inv_ids = [inv.id for inv in case.investigations]
                if step == "assess":
                    service.perform(
                        case,
                        Action.ASSESS,
                        sm,
                        case.version,
                        subjects={i: ("misconduct", ["discreditable_conduct"]) for i in inv_ids},
                        risk_flags=[],
                        interim_measures=[],
                        rationale="Assessed.",
                    )
                elif step == "psd_accept":
                    service.perform(
                        case, Action.PSD_ACCEPT, psd, case.version, investigator_id=psd.id
                    )
                elif step == "assess_severity":
                    service.perform(
                        case,
                        Action.ASSESS_SEVERITY,
                        psd,
                        case.version,
                        severities={i: "misconduct" for i in inv_ids},
                        rationale="Misconduct.",
                    )
                elif step == "outcomes":
                    service.perform(
                        case,
                        Action.IOPC_DECISION,
                        psd,
                        case.version,
                        referred=False,
                        referral_date=None,
                        reference=None,
                        rationale="Not required.",
                    )
                    for i in inv_ids:
                        record_proceedings(
                            case,
                            psd,
                            case.version,
                            i,
                            ProceedingsDetails(
                                case_to_answer=True,
                                proceedings="misconduct_meeting",
                                proceedings_date=today(),
                                chair="Supt A. Chair",
                                finding="misconduct",
                            ),
                        )
                        service.perform(
                            case,
                            Action.RECORD_OUTCOME,
                            psd,
                            case.version,
                            investigation_id=i,
                            outcome="written_warning",
                            outcome_date=today(),
                            rationale="Found at the meeting.",
                        )
                else:
                    service.perform(case, Action(step), actor, case.version, note="Because.")
                db.session.flush()
            if state in ("assessed", "psd_investigation") and not restricted:
                items = []
                for name in ("screenshot.png", "wrong-case.png"):
                    upload = evidence.store().new_upload()
                    upload.write(PNG + name.encode())
                    try:
                        items += evidence.add_evidence(
                            case,
                            sm if state == "assessed" else psd,  # whoever holds the case
                            [evidence.Upload(upload, name)],
                            evidence.CaptureDetails(
                                kind="screenshot",
                                captured_at=utcnow() - timedelta(days=1),
                                captured_by="Member of the public",
                                capture_method="Screenshot",
                                description="The post as reported.",
                                platform="facebook",
                            ),
                        )
                    finally:
                        upload.discard()
                    db.session.flush()
                evidence.withdraw(
                    items[-1], sm if state == "assessed" else psd, "Attached to the wrong case."
                )
            db.session.flush()


@dataclass
class SmallServer:
    url: str
    app: Flask


def serve_small_demo(tmp_path_factory: Any) -> Iterator[SmallServer]:
    from casetrack import create_app
    from casetrack.extensions import db
    from conftest import _empty_tables, _migrate, base_config, serve_live

    database: Path = tmp_path_factory.mktemp("assurance-db") / "casetrack.sqlite3"
    config = base_config(tmp_path_factory.mktemp("assurance"), f"sqlite:///{database}")
    config["RATELIMIT_ENABLED"] = False
    _migrate(config)
    app = create_app(config)
    with app.app_context():
        _empty_tables()
        load_small_demo()
        db.session.commit()
        db.session.remove()
    with serve_live(app, "assurance-live") as url:
        yield SmallServer(url=url, app=app)
