"""casetrack demo: forces, departments, a user for every role and a realistic case set,
loaded once into an empty database, in one transaction."""

from __future__ import annotations

from typing import Any

import click
from sqlalchemy import func, select

from casetrack.auth.models import User
from casetrack.auth.second_factors import enrol_known_totp
from casetrack.auth.service import create_user
from casetrack.commands import command_errors
from casetrack.demo.cases import load_demo_cases
from casetrack.demo.casework import load_demo_casework, load_demo_proceedings
from casetrack.demo.queues import load_demo_queues
from casetrack.extensions import db
from casetrack.org.service import add_department, add_force

DEMO_PASSWORD = "Standards-demo-2026"  # noqa: S105 (published demo sign-in)
# The demo accounts' authenticator app (SPEC §16): one published key for all of them. Add it to
# an authenticator app, or `make demo-code` prints the code of the moment. Each code works once
# per account.
DEMO_TOTP_SECRET = "DEMOCASETRACKTOTPSECRETKEY234567"  # noqa: S105

FORCES = [
    (
        "WMP",
        "West Midlands Police",
        [
            ("BIRM_E", "Birmingham East NPU"),
            ("BIRM_W", "Birmingham West NPU"),
            ("COV", "Coventry NPU"),
            ("CONTACT", "Force Contact"),
        ],
    ),
    (
        "WMERC",
        "West Mercia Police",
        [
            ("HEREF", "Herefordshire LPA"),
            ("TELF", "Telford & Wrekin LPA"),
        ],
    ),
    (
        "WARKS",
        "Warwickshire Police",
        [
            ("NWARKS", "North Warwickshire LPA"),
            ("SWARKS", "South Warwickshire LPA"),
        ],
    ),
]

# email, name, role, forces, departments, own staff number
USERS = [
    ("admin@example.police.uk", "Alex Admin", "admin", ["WMP"], [], None),
    (
        "sm.birmingham@example.police.uk",
        "Sam Patel",
        "standards_manager",
        ["WMP"],
        ["BIRM_E", "BIRM_W"],
        "WMP4471",
    ),
    (
        "sm.coventry@example.police.uk",
        "Chris Walsh",
        "standards_manager",
        ["WMP"],
        ["COV", "CONTACT"],
        "WMP5120",
    ),
    (
        "sm.telford@example.police.uk",
        "Morgan Price",
        "standards_manager",
        ["WMERC"],
        ["TELF", "HEREF"],
        "WM2208",
    ),
    (
        "sm.warwickshire@example.police.uk",
        "Dana Reid",
        "standards_manager",
        ["WARKS"],
        ["NWARKS", "SWARKS"],
        "WK1187",
    ),
    ("psd@example.police.uk", "Priya Shah", "psd", ["WMP"], [], "WMP3310"),
    ("psd.collab@example.police.uk", "Jordan Hughes", "psd", ["WMERC", "WARKS"], [], None),
    ("head.psd@example.police.uk", "Helen Okafor", "psd_head", ["WMP"], [], None),
    ("leadership@example.police.uk", "Lee Jones", "leadership", ["WMP"], [], None),
]


def demo_sign_ins() -> list[tuple[str, str]]:
    return [(email, role) for email, _name, role, *_ in USERS]


def load_demo() -> None:
    forces, departments = {}, {}
    for code, name, depts in FORCES:
        forces[code] = add_force(code, name)
        for dept_code, dept_name in depts:
            departments[(code, dept_code)] = add_department(forces[code], dept_code, dept_name)
    for email, name, role, force_codes, dept_codes, staff_number in USERS:
        user = create_user(
            email=email,
            name=name,
            role=role,
            password=DEMO_PASSWORD,
            forces=[forces[c] for c in force_codes],
            departments=[departments[(force_codes[0], d)] for d in dept_codes],
            staff_number=staff_number,
            must_change_password=False,
        )
        enrol_known_totp(user, DEMO_TOTP_SECRET, why="demo")
    _pending_request(forces["WMP"])
    load_demo_cases()
    load_demo_casework()
    load_demo_proceedings()
    load_demo_queues()


PENDING_ACCOUNT = ("new.investigator@example.police.uk", "Rowan Ellis")


def _pending_request(force: Any) -> None:
    """One request waiting for the head of PSD (SPEC §9.1): the administrator has asked for a
    new PSD investigator in WMP; until Helen Okafor approves it, the account has no role."""
    from casetrack.approvals.service import create_account
    from casetrack.auth.service import user_by_email

    email, name = PENDING_ACCOUNT
    create_account(
        by=user_by_email("admin@example.police.uk"),
        email=email,
        name=name,
        role="psd",
        password=None,
        forces=[force],
    )


@click.command("demo")
@command_errors
def demo_command() -> None:
    """Load demonstration data into an empty database (does nothing if users exist)."""
    if db.session.scalar(select(func.count()).select_from(User)):
        click.echo("Demo data not loaded: the database already has users.")
    else:
        load_demo()
        db.session.commit()
        click.echo("Demo data loaded.")
    present = set(db.session.scalars(select(User.email)).all())
    rows = [(email, role) for email, role in demo_sign_ins() if email in present]
    if rows:
        click.echo(f"\nDemo sign-ins (password for all: {DEMO_PASSWORD}):")
        for email, role in rows:
            click.echo(f"  {role:<18} {email}")
        click.echo(
            f"\nSecond factor: add the key {DEMO_TOTP_SECRET} to an authenticator app, or run "
            "`make demo-code` for the code of the moment (each code works once per account)."
        )
