"""Synthetic national data as plain row dicts (pure: no database), seeded and repeatable.

Cases are spread over ten years with volume growing over time; the older a case, the more
likely it is closed. Each case has 1–3 subjects (1.3 on average), 1–2 categories and
platforms, and the timeline events its state implies.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from casetrack import vocab

FORCES = [
    ("MPS", "Metropolitan Police Service", 8.0),
    ("GMP", "Greater Manchester Police", 5.0),
    ("WMP", "West Midlands Police", 4.0),
    ("WYP", "West Yorkshire Police", 4.0),
    ("THAMES", "Thames Valley Police", 3.0),
    ("MERPOL", "Merseyside Police", 3.0),
    ("NTHUMB", "Northumbria Police", 3.0),
    ("KENT", "Kent Police", 2.5),
    ("HANTS", "Hampshire and Isle of Wight Constabulary", 2.5),
    ("ESSEX", "Essex Police", 2.5),
    ("AVON", "Avon and Somerset Police", 2.5),
    ("DEVCORN", "Devon and Cornwall Police", 2.5),
    ("LANCS", "Lancashire Constabulary", 2.5),
    ("SYP", "South Yorkshire Police", 2.5),
    ("SUSSEX", "Sussex Police", 2.0),
    ("NOTTS", "Nottinghamshire Police", 2.0),
    ("LEICS", "Leicestershire Police", 2.0),
    ("WMERC", "West Mercia Police", 2.0),
    ("WARKS", "Warwickshire Police", 1.0),
    ("DYFED", "Dyfed-Powys Police", 1.0),
]
DEPARTMENTS = [
    ("NORTH", "North LPA"),
    ("SOUTH", "South LPA"),
    ("CITY", "City Centre LPA"),
    ("CONTACT", "Force Contact"),
]
FIRST = [
    "Alex",
    "Sam",
    "Chris",
    "Jordan",
    "Morgan",
    "Priya",
    "Helen",
    "Lee",
    "Dana",
    "Amir",
    "Grace",
    "Tom",
    "Aisha",
    "Owen",
    "Ruth",
    "Kai",
]
LAST = [
    "Patel",
    "Walsh",
    "Price",
    "Reid",
    "Shah",
    "Hughes",
    "Okafor",
    "Jones",
    "Smith",
    "Khan",
    "Evans",
    "Murphy",
    "Clarke",
    "Ali",
]
PHRASES = [
    "posted a photograph taken inside the custody suite",
    "shared details of an ongoing operation in a group chat",
    "made offensive comments about a protest",
    "messaged a victim of crime after the investigation ended",
    "used the force account to promote a personal business",
    "endorsed a political candidate while identifiable as an officer",
    "filmed a colleague without consent and posted it",
    "liked and shared discriminatory content",
]
ROLE_WEIGHTS = {"police_officer": 60, "police_staff": 25, "pcso": 8, "special_constable": 5,
                "volunteer": 2}  # fmt: skip
RANK_WEIGHTS = {"constable": 70, "sergeant": 20, "inspector": 6, "chief_inspector": 3,
                "superintendent": 1}  # fmt: skip
CLOSING = {  # age band (days) → state weights; mostly closed, the newest mostly open
    540: {"closed": 95, "withdrawn": 4, "psd_investigation": 1},
    180: {"closed": 75, "withdrawn": 4, "psd_investigation": 12, "local_resolution": 5,
          "referred_to_psd": 2, "assessed": 2},
    0: {"closed": 30, "withdrawn": 4, "psd_investigation": 25, "local_resolution": 12,
        "referred_to_psd": 9, "assessed": 10, "logged": 10},
}  # fmt: skip
PATHS = {  # timeline actions per final state (closed cases pick local or PSD at random)
    "logged": ["record"],
    "assessed": ["record", "assess"],
    "local_resolution": ["record", "assess", "resolve_locally"],
    "referred_to_psd": ["record", "assess", "refer_to_psd"],
    "psd_investigation": ["record", "assess", "refer_to_psd", "psd_accept"],
    "withdrawn": ["record", "withdraw"],
    "closed_local": ["record", "assess", "resolve_locally", "record_outcome", "close"],
    "closed_psd": ["record", "assess", "refer_to_psd", "psd_accept", "record_outcome", "close"],
}
AFTER = {"record": "logged", "assess": "assessed", "resolve_locally": "local_resolution",
         "refer_to_psd": "referred_to_psd", "psd_accept": "psd_investigation",
         "withdraw": "withdrawn", "close": "closed"}  # fmt: skip
LOCAL = ["no_case_to_answer", "nfa", "reflective_practice", "management_advice"]
PSD_OUTCOMES = {"no_case_to_answer": 20, "nfa": 15, "reflective_practice": 15,
                "management_action": 8, "written_warning": 14, "final_written_warning": 8,
                "reduction_in_rank": 2, "dismissed": 8, "resigned": 7, "retired": 3}  # fmt: skip


def pick(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


@dataclass
class Org:
    """Ids of what the rows refer to: forces, departments, people, users."""

    force_ids: list[int]
    force_codes: list[str]
    departments: dict[int, list[int]]  # force id → department ids
    people: dict[int, list[int]] = field(default_factory=dict)  # force id → person ids
    psd_user: dict[int, int] = field(default_factory=dict)  # force id → PSD user id
    sm_user: dict[int, int] = field(default_factory=dict)  # force id → Standards Manager id


def people_rows(
    rng: random.Random,
    org: Org,
    per_force: int,
    first_id: int,
    sizes: dict[int, int] | None = None,
) -> list[dict]:
    """Each force's workforce: per_force people, or sizes[force id] where given."""
    rows, next_id = [], first_id
    for force_id, code in zip(org.force_ids, org.force_codes, strict=True):
        size = (sizes or {}).get(force_id, per_force)
        org.people[force_id] = list(range(next_id, next_id + size))
        for n in range(size):
            role = pick(rng, ROLE_WEIGHTS)
            rank = pick(rng, RANK_WEIGHTS) if role in vocab.RANKED_ROLES else None
            rows.append({
                "id": next_id, "force_id": force_id, "staff_number": f"{code}{n + 1:05d}",
                "department_id": rng.choice(org.departments[force_id]),
                "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}", "role": role, "rank": rank,
                "politically_restricted": rng.random() < 0.02,
            })  # fmt: skip
            next_id += 1
    return rows


def received_dates(rng: random.Random, count: int, today: date) -> list[date]:
    """Ten years back from today, density rising from 0.5 to 1.5 (caseloads grow)."""
    span = 3652
    offsets = [
        rng.uniform(0, span) if rng.random() < 0.5 else rng.triangular(0, span, span)
        for _ in range(count)
    ]
    start = today - timedelta(days=span)
    return sorted(start + timedelta(days=int(o)) for o in offsets)


@dataclass
class Rows:
    """One batch of rows for every case table."""

    cases: list[dict] = field(default_factory=list)
    investigations: list[dict] = field(default_factory=list)
    standards: list[dict] = field(default_factory=list)
    categories: list[dict] = field(default_factory=list)
    platforms: list[dict] = field(default_factory=list)
    events: list[dict] = field(default_factory=list)


class CaseMaker:
    """Turns (id, received date) into the rows of one case, keeping running counters."""

    def __init__(self, rng: random.Random, org: Org, today: date) -> None:
        self.rng, self.org, self.today = rng, org, today
        self.weights = [w for _, _, w in FORCES][: len(org.force_ids)]
        self.counters: dict[tuple[int, int], int] = {}
        self.next_investigation = self.next_event = 1

    def batches(self, dates: list[date], size: int) -> Iterator[Rows]:
        for start in range(0, len(dates), size):
            rows = Rows()
            for offset, received in enumerate(dates[start : start + size]):
                self.add(rows, start + offset + 1, received)
            yield rows

    def add(self, rows: Rows, case_id: int, received: date) -> None:
        rng = self.rng
        force_id = rng.choices(self.org.force_ids, weights=self.weights)[0]
        age = (self.today - received).days
        state = pick(rng, next(w for band, w in CLOSING.items() if age > band or band == 0))
        path = state if state != "closed" else rng.choice(["closed_local", "closed_psd"])
        days = self._timeline(path, received, age)
        rows.cases.append(self._case(case_id, force_id, received, state, path, days))
        self._subjects(rows, case_id, force_id, path, days[-1])
        self._codes(rows, case_id)
        self._events(rows, case_id, force_id, PATHS[path], received, days)

    def _timeline(self, path: str, received: date, age: int) -> list[date]:
        """The day of each action on the path: spread over at most the case's age."""
        steps = PATHS[path]
        length = min(age, self.rng.randint(60, 420) if "psd" in path else self.rng.randint(5, 150))
        cuts = sorted(self.rng.randint(0, max(length, 0)) for _ in steps[1:])
        return [received] + [received + timedelta(days=c) for c in cuts]

    def _reference(self, force_id: int, received: date) -> str:
        key = (force_id, received.year)
        self.counters[key] = self.counters.get(key, 0) + 1
        code = self.org.force_codes[self.org.force_ids.index(force_id)]
        return f"{code}-{received.year}-{self.counters[key]:05d}"

    def _case(
        self, case_id: int, force_id: int, received: date, state: str, path: str, days: list[date]
    ) -> dict:
        rng, steps = self.rng, PATHS[path]
        on = dict(zip(steps, days, strict=True))
        source = rng.choice(list(vocab.SOURCES))
        stamp = datetime.combine(received, time(9, 30), tzinfo=UTC)
        accepted = on.get("psd_accept")
        return {
            "id": case_id, "reference": self._reference(force_id, received),
            "force_id": force_id, "department_id": rng.choice(self.org.departments[force_id]),
            "state": state, "received_date": received, "source": source,
            "case_type": "complaint" if source == "public_complaint" else "conduct_matter",
            "account_type": rng.choice(list(vocab.ACCOUNT_TYPES)),
            "account_handle": f"@user{rng.randint(1000, 99999)}",
            "content_urls": f"https://social.example/post/{case_id}",
            "content_posted_dates": (received - timedelta(days=rng.randint(0, 30))).isoformat(),
            "summary": f"Subject {rng.choice(PHRASES)}; reported on {received:%d %B %Y}.",
            "reporter_name": None if source == "anonymous" else rng.choice(FIRST),
            "reporter_contact": None, "reporter_anonymous": source == "anonymous",
            "no_evidence_reason": None,
            "assessment_rationale": "Assessed against the standards." if "assess" in on else None,
            "restricted": rng.random() < 0.01,
            "investigator_id": self.org.psd_user[force_id] if accepted else None,
            "iopc_referred": (rng.random() < 0.1) if accepted else None,
            "iopc_date": None, "iopc_reference": None, "iopc_rationale": None,
            "assessment_due": received + timedelta(days=7),
            "decision_due": on["refer_to_psd"] + timedelta(days=14) if "refer_to_psd" in on
            else None,
            "pcc_due": accepted + timedelta(days=365) if accepted else None,
            "referred_on": on.get("refer_to_psd"), "investigation_started_on": accepted,
            "closed_on": on.get("close"), "imported": False,
            "created_by_id": self.org.sm_user[force_id], "created_at": stamp,
            "updated_at": stamp, "version": len(steps),
        }  # fmt: skip

    def _subjects(self, rows: Rows, case_id: int, force_id: int, path: str, last: date) -> None:
        rng = self.rng
        count = rng.choices([1, 2, 3], weights=[75, 20, 5])[0]
        for person_id in rng.sample(self.org.people[force_id], count):
            severity, outcome = self._severity_outcome(path, last)
            rows.investigations.append({
                "id": self.next_investigation, "case_id": case_id, "person_id": person_id,
                "severity": severity, "outcome": outcome,
                "outcome_date": last if outcome else None,
            })  # fmt: skip
            if severity != "not_assessed":
                for code in rng.sample(list(vocab.STANDARDS), rng.randint(1, 2)):
                    rows.standards.append(
                        {"investigation_id": self.next_investigation, "code": code}
                    )
            self.next_investigation += 1

    def _severity_outcome(self, path: str, last: date) -> tuple[str, str | None]:
        rng = self.rng
        if path in ("logged", "withdrawn"):
            return "not_assessed", None
        if "psd" in path:
            severity = pick(rng, {"misconduct": 60, "gross_misconduct": 25, "no_misconduct": 15})
        else:
            severity = pick(rng, {"no_misconduct": 50, "misconduct": 50})
        if not path.startswith("closed"):
            return severity, None
        outcome = rng.choice(LOCAL) if path == "closed_local" else pick(rng, PSD_OUTCOMES)
        if last.year < 2020 and outcome == "reflective_practice":
            outcome = "management_advice"
        if last.year >= 2020 and outcome in ("management_advice", "management_action"):
            outcome = "reflective_practice"
        return severity, outcome

    def _codes(self, rows: Rows, case_id: int) -> None:
        rng = self.rng
        for code in rng.sample(list(vocab.CATEGORIES), rng.choice([1, 1, 2])):
            rows.categories.append({"case_id": case_id, "code": code})
        for code in rng.sample(list(vocab.PLATFORMS), rng.choice([1, 1, 2])):
            rows.platforms.append({"case_id": case_id, "code": code})

    def _events(
        self, rows: Rows, case_id: int, force_id: int, steps: list[str], received: date,
        days: list[date],
    ) -> None:  # fmt: skip
        state = None
        for action, day in zip(steps, days, strict=True):
            to_state = AFTER.get(action, state or "logged")
            psd = action in ("psd_accept", "record_outcome", "close") and "psd_accept" in steps
            actor = self.org.psd_user[force_id] if psd else self.org.sm_user[force_id]
            rows.events.append({
                "id": self.next_event, "case_id": case_id, "actor_id": actor,
                "at": datetime.combine(day, time(10, 0), tzinfo=UTC),
                "actor_name": "Synthetic user", "action": action, "from_state": state,
                "to_state": to_state, "note": "",
            })  # fmt: skip
            state, self.next_event = to_state, self.next_event + 1
