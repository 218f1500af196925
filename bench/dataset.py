"""Load a synthetic national dataset into a migrated database with bulk Core inserts.

Forces, departments and accounts first (one argon2 hash shared by every account), then
people, then cases with their investigations, codes and timelines in batches, all in one
transaction. Ids are assigned here, so PostgreSQL's sequences are moved past them after.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, insert, text

from bench.common import PASSWORD, TOTP_SECRETS, progress
from bench.synth import DEPARTMENTS, FORCES, CaseMaker, Org, people_rows, received_dates
from casetrack.extensions import db
from casetrack.timeutil import today

BATCH = 5_000
NATIONAL_PSD = "psd.national@bench.police.uk"
# The first force's workforce for the subject picker's measurement (SPEC §12: "a force of
# 20,000 people"); the others have cases // 40 each. Not in the tests' tiny datasets.
BIG_FORCE_PEOPLE = 20_000


@dataclass
class World:
    """What the measurements need to know about the generated data."""

    cases: int
    org: Org
    accounts: list[str] = field(default_factory=list)  # sign-ins for the load test
    people_per_force: int = 0
    big_force_people: int = 0  # the first force's
    seconds: float = 0.0
    rows: int = 0
    # real values to search for: account handles, content URLs, people's names
    samples: dict[str, list[str]] = field(default_factory=dict)


def table(name: str) -> Any:
    return db.metadata.tables[name]


def generate(app: Any, cases: int, seed: int = 20260101) -> World:
    """Fill the app's (empty, migrated) database; returns what was made."""
    started = time.monotonic()
    rng = random.Random(seed)
    with app.app_context():
        from casetrack.auth.passwords import hash_password
        from casetrack.auth.second_factors import seal

        password_hash = hash_password(PASSWORD)
        sealed = [seal(secret) for secret in TOTP_SECRETS]
        with db.engine.begin() as conn:
            _fast_load(conn)
            org = _org(conn)
            world = World(cases, org, accounts=_accounts(conn, org, password_hash, sealed))
            world.people_per_force = max(200, cases // 40)
            world.big_force_people = (
                max(BIG_FORCE_PEOPLE, world.people_per_force)
                if cases >= 1_000
                else world.people_per_force
            )
            people = people_rows(
                rng, org, world.people_per_force, 1, {org.force_ids[0]: world.big_force_people}
            )
            world.rows = _insert(conn, "people", people)
            world.samples["names"] = sorted(
                {p["name"] for p in people[:: max(1, len(people) // 50)]}
            )
            world.rows += _cases(conn, rng, org, cases, world.samples)
            world.rows += _queues(conn)
        _after_load(db.engine)
    world.seconds = time.monotonic() - started
    return world


def _fast_load(conn: Connection) -> None:
    """Load-time settings for this connection only."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("PRAGMA synchronous=OFF")


def _insert(conn: Connection, name: str, rows: list[dict]) -> int:
    """Core executemany in batches on SQLite; COPY on PostgreSQL, where psycopg's executemany
    (a statement per row) is several times slower."""
    if not rows:
        return 0
    if conn.dialect.name == "postgresql":
        columns = list(rows[0])
        cursor = conn.connection.driver_connection.cursor()
        with cursor.copy(f"COPY {name} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row[c] for c in columns])
        return len(rows)
    for start in range(0, len(rows), BATCH):
        conn.execute(insert(table(name)), rows[start : start + BATCH])
    return len(rows)


def _org(conn: Connection) -> Org:
    forces, departments = [], []
    org = Org(force_ids=[], force_codes=[], departments={})
    for force_id, (code, name, _weight) in enumerate(FORCES, start=1):
        forces.append({"id": force_id, "code": code, "name": name})
        org.force_ids.append(force_id)
        org.force_codes.append(code)
        org.departments[force_id] = []
        for dept_code, dept_name in DEPARTMENTS:
            dept_id = len(departments) + 1
            departments.append(
                {"id": dept_id, "force_id": force_id, "code": dept_code, "name": dept_name}
            )
            org.departments[force_id].append(dept_id)
    _insert(conn, "forces", forces)
    _insert(conn, "departments", departments)
    return org


def _accounts(conn: Connection, org: Org, password_hash: str, sealed: list[str]) -> list[str]:
    """A national PSD account over all 20 forces, and a PSD officer and a Standards Manager
    (two departments) for each force, each with an authenticator app per sealed secret.
    Returns the emails, national first."""
    now = datetime.now(UTC)
    users, forces, departments = [], [], []

    def add(email: str, role: str, force_ids: list[int], dept_ids: list[int]) -> int:
        user_id = len(users) + 1
        users.append({
            "id": user_id, "email": email, "name": email.split("@")[0].replace(".", " ").title(),
            "role": role, "password_hash": password_hash, "staff_number": f"BENCH{user_id:04d}",
            "active": True, "must_change_password": False, "created_at": now,
            "password_changed_at": now,
        })  # fmt: skip
        forces.extend({"user_id": user_id, "force_id": f} for f in force_ids)
        departments.extend({"user_id": user_id, "department_id": d} for d in dept_ids)
        return user_id

    add(NATIONAL_PSD, "psd", org.force_ids, [])
    for force_id, code in zip(org.force_ids, org.force_codes, strict=True):
        org.psd_user[force_id] = add(f"psd.{code.lower()}@bench.police.uk", "psd", [force_id], [])
        org.sm_user[force_id] = add(
            f"sm.{code.lower()}@bench.police.uk", "standards_manager", [force_id],
            org.departments[force_id][:2],
        )  # fmt: skip
    _insert(conn, "users", users)
    factors = [
        {"user_id": u["id"], "kind": "totp", "label": f"Bench app {n + 1}", "created_at": now,
         "totp_secret": secret}
        for u in users for n, secret in enumerate(sealed)
    ]  # fmt: skip
    _insert(conn, "second_factors", factors)
    _insert(conn, "user_forces", forces)
    _insert(conn, "user_departments", departments)
    return [u["email"] for u in users]


def _cases(
    conn: Connection, rng: random.Random, org: Org, count: int, samples: dict[str, list[str]]
) -> int:
    maker = CaseMaker(rng, org, today())
    rows, done = 0, 0
    samples.setdefault("handles", [])
    samples.setdefault("urls", [])
    for batch in maker.batches(received_dates(rng, count, today()), BATCH):
        for case in batch.cases[:: max(1, min(BATCH, count) // 10)]:
            samples["handles"].append(case["account_handle"])
            samples["urls"].append(case["content_urls"])
        rows += _insert(conn, "cases", batch.cases)
        rows += _insert(conn, "case_categories", batch.categories)
        rows += _insert(conn, "case_platforms", batch.platforms)
        rows += _insert(conn, "investigations", batch.investigations)
        rows += _insert(conn, "investigation_standards", batch.standards)
        rows += _insert(conn, "case_events", batch.events)
        done += len(batch.cases)
        if done % 25_000 == 0 or done == count:
            progress(f"  {done:,} cases ({rows:,} rows)")
    counters = [
        {"force_id": force_id, "year": year, "last": last}
        for (force_id, year), last in maker.counters.items()
    ]
    return rows + _insert(conn, "reference_counters", counters)


def _queues(conn: Connection) -> int:
    """Tasks and notifications as the workflow would have made them (SPEC §13): each open
    case's task for its stage; a notification for each referral to the force's PSD officer and
    the national PSD account, and one for each investigator's case (older ones read)."""
    rows = 0
    insert = (
        "INSERT INTO tasks (case_id, kind, what, assignee_id, due, created_at, created_by_name) "
    )
    for statement in (
        "SELECT id, 'assessment', 'Assess the concern', created_by_id, assessment_due, "
        "created_at, 'bench' FROM cases WHERE state = 'logged' AND assessment_due IS NOT NULL",
        "SELECT id, 'referral_decision', 'Decide the referral: accept or return', NULL, "
        "decision_due, created_at, 'bench' FROM cases "
        "WHERE state = 'referred_to_psd' AND decision_due IS NOT NULL",
        "SELECT id, 'pcc_notification', 'Notify the Police and Crime Commissioner', "
        "investigator_id, pcc_due, created_at, 'bench' FROM cases "
        "WHERE state = 'psd_investigation' AND pcc_due IS NOT NULL",
    ):
        rows += conn.execute(text(insert + statement)).rowcount
    insert = (
        "INSERT INTO notifications (user_id, kind, case_id, reference, message, created_at, "
        "read_at, email_status, email_attempts) "
    )
    national = "(SELECT id FROM users WHERE email = :national)"
    force_psd = (
        "(SELECT uf.user_id FROM user_forces uf JOIN users u ON u.id = uf.user_id "
        "WHERE uf.force_id = cases.force_id AND u.role = 'psd' AND u.email <> :national)"
    )
    for who in (national, force_psd):
        select_rows = (
            " SELECT " + who + ", 'referral_arrived', id, reference, reference || ' was "  # noqa: S608
            "referred to PSD', created_at, NULL, 'sent', 1 FROM cases WHERE referred_on IS NOT NULL"
        )
        rows += conn.execute(text(insert + select_rows), {"national": NATIONAL_PSD}).rowcount
    rows += conn.execute(
        text(
            insert  # noqa: S608 (constant SQL, no user input)
            + "SELECT investigator_id, 'assigned', id, reference, 'You were assigned ' "
            "|| reference || ' to investigate', created_at, CASE WHEN state = 'closed' THEN "
            "created_at END, 'sent', 1 FROM cases WHERE investigator_id IS NOT NULL"
        )
    ).rowcount
    # what the workflow has moved past has been read
    conn.execute(
        text(
            "UPDATE notifications SET read_at = created_at WHERE kind = 'referral_arrived' AND "
            "case_id IN (SELECT id FROM cases WHERE state <> 'referred_to_psd')"
        )
    )
    return rows


SEQUENCED = ["forces", "departments", "users", "people", "cases", "investigations", "case_events"]


def _after_load(engine: Any) -> None:
    """PostgreSQL: sequences past the ids used here, then VACUUM ANALYZE (as autovacuum would
    after a bulk load). SQLite is left as the application leaves it (no ANALYZE)."""
    if engine.dialect.name != "postgresql":
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for name in SEQUENCED:
            conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "  # noqa: S608
                    f"(SELECT max(id) FROM {name}))"
                )
            )
        conn.execute(text("VACUUM ANALYZE"))
