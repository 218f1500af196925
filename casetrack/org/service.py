"""Create and rename forces and departments, with audit entries. Never commits."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from casetrack.audit.service import record
from casetrack.errors import DomainError
from casetrack.extensions import db
from casetrack.org.models import Department, Force

# Codes as forces write them in their spreadsheets: letters, digits and the separators
# `_`, `.` and `-` (`GMP-D1`, `NPU.B1`, `BIRM_E`), starting with a letter and ending with a
# letter or digit, 2 to 16 characters. A force code may not hold a hyphen: it begins every
# case reference, `<FORCE>-<YYYY>-<NNNNN>` (SPEC §2), whose parts people and scripts split
# at the hyphens, and `A-2024` as a force would make `A-2024-2024-00001`.
DEPARTMENT_CODE_PATTERN = re.compile(r"^[A-Z](?:[A-Z0-9_.-]{0,14}[A-Z0-9])$")
FORCE_CODE_PATTERN = re.compile(r"^[A-Z](?:[A-Z0-9_.]{0,14}[A-Z0-9])$")
CODE_PATTERN = DEPARTMENT_CODE_PATTERN  # the wider of the two (imports and forms)


def clean_code(code: str, what: str) -> str:
    code = (code or "").strip().upper()
    if what == "Force":
        if not FORCE_CODE_PATTERN.fullmatch(code):
            hyphen = (
                " (no hyphens: a force code begins every case reference, whose parts are "
                "separated by hyphens)"
                if "-" in code
                else ""
            )
            raise DomainError(
                "Force code must be 2 to 16 letters, digits, underscores or dots, starting with "
                f"a letter and ending with a letter or digit{hyphen}",
                "code",
            )
    elif not DEPARTMENT_CODE_PATTERN.fullmatch(code):
        raise DomainError(
            f"{what} code must be 2 to 16 letters, digits, underscores, dots or hyphens, "
            "starting with a letter and ending with a letter or digit",
            "code",
        )
    return code


def clean_name(name: str, what: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise DomainError(f"Enter the {what} name", "name")
    if len(name) > 120:
        raise DomainError(f"{what.capitalize()} name must be 120 characters or fewer", "name")
    return name


def force_by_code(code: str) -> Force | None:
    return db.session.scalar(select(Force).where(Force.code == (code or "").strip().upper()))


def add_force(code: str, name: str) -> Force:
    code, name = clean_code(code, "Force"), clean_name(name, "force")
    if force_by_code(code) is not None:
        raise DomainError(f"A force with code {code} already exists", "code")
    force = Force(code=code, name=name)
    db.session.add(force)
    db.session.flush()
    record(
        "force_added", object_type="force", object_id=force.id, details={"code": code, "name": name}
    )
    return force


def rename_force(force: Force, name: str) -> None:
    name = clean_name(name, "force")
    if name != force.name:
        record(
            "force_renamed",
            object_type="force",
            object_id=force.id,
            details={"code": force.code, "from": force.name, "to": name},
        )
        force.name = name


def add_department(force: Force, code: str, name: str) -> Department:
    code, name = clean_code(code, "Department"), clean_name(name, "department")
    exists = db.session.scalar(
        select(func.count())
        .select_from(Department)
        .where(Department.force_id == force.id, Department.code == code)
    )
    if exists:
        raise DomainError(f"{force.code} already has a department with code {code}", "code")
    department = Department(force=force, code=code, name=name)
    db.session.add(department)
    db.session.flush()
    record(
        "department_added",
        object_type="department",
        object_id=department.id,
        details={"force": force.code, "code": code, "name": name},
    )
    return department


def rename_department(department: Department, name: str) -> None:
    name = clean_name(name, "department")
    if name != department.name:
        record(
            "department_renamed",
            object_type="department",
            object_id=department.id,
            details={"code": department.code, "from": department.name, "to": name},
        )
        department.name = name


def department_by_code(force: Force, code: str) -> Department | None:
    return db.session.scalar(
        select(Department).where(
            Department.force_id == force.id, Department.code == (code or "").strip().upper()
        )
    )
