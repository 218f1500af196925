"""Tables for the demo case set: workforce size and names, places, the words used on the
timeline, and how often each outcome follows each severity. Made-up names only.
"""

from __future__ import annotations

from dataclasses import dataclass

# force code → (workforce records, share of cases, staff number prefix); WMP also has the
# record of the PSD user in the conflict-of-interest case.
FORCE_PLAN: dict[str, tuple[int, float, str]] = {
    "WMP": (58, 0.52, "WMP"),
    "WMERC": (52, 0.28, "WM"),
    "WARKS": (46, 0.20, "WK"),
}

# The one demo case about a PSD user's own conduct (SPEC §1, conflict of interest).
CONFLICT_USER_EMAIL = "psd@example.police.uk"

FIRST_NAMES = (
    "Aaron", "Adeel", "Aisha", "Amelia", "Amir", "Andrew", "Bethany", "Bilal", "Callum",
    "Carla", "Ciaran", "Claire", "Daniel", "Darren", "Deborah", "Dean", "Eleanor", "Emma",
    "Faisal", "Fiona", "Gareth", "Gemma", "Graham", "Hannah", "Harpreet", "Imran", "Jade",
    "Jamal", "Jasmine", "Karen", "Kieran", "Kirsty", "Laura", "Liam", "Lucy", "Mandeep",
    "Marcus", "Megan", "Michael", "Nadia", "Naomi", "Nathan", "Neil", "Nicola", "Oliver",
    "Owen", "Paul", "Rachel", "Rajinder", "Rebecca", "Rhys", "Richard", "Ryan", "Saima",
    "Sarah", "Shane", "Simon", "Sophie", "Stacey", "Stephen", "Tariq", "Thomas", "Tom",
    "Vanessa", "Wayne", "Yasmin", "Zoe", "Kwame", "Tomasz", "Agnieszka", "Grace", "Ruth",
)  # fmt: skip

SURNAMES = (
    "Ahmed", "Akhtar", "Allen", "Bailey", "Baker", "Bennett", "Bibi", "Bradley", "Brennan",
    "Brooks", "Carter", "Chadha", "Clarke", "Collins", "Cooper", "Davies", "Dhillon", "Doyle",
    "Edwards", "Evans", "Fletcher", "Foster", "Gill", "Gordon", "Grant", "Green", "Hall",
    "Harris", "Hayes", "Hill", "Hussain", "Iqbal", "Jackson", "James", "Jenkins", "Johal",
    "Kaur", "Kelly", "Khan", "Kowalski", "Lewis", "Lloyd", "Malik", "Marshall", "Mason",
    "Mensah", "Mills", "Mitchell", "Morris", "Murphy", "Nash", "Nowak", "O'Brien", "Owusu",
    "Palmer", "Parker", "Parry", "Pearson", "Phillips", "Powell", "Rahman", "Randhawa",
    "Reynolds", "Roberts", "Robinson", "Sandhu", "Saunders", "Sharma", "Simpson", "Singh",
    "Smith", "Stevens", "Taylor", "Thompson", "Turner", "Wade", "Ward", "Watson", "Webb",
    "White", "Whitehouse", "Williams", "Wilson", "Wood", "Wright", "Young",
)  # fmt: skip

# Names that appear in the reference documents or belong to demo users: never reused.
AVOID_NAMES = frozenset(
    {
        "Abigail Hartley",
        "Chris Boarland",
        "Garry Forsyth",
        "Gordon Scobbie",
        "James Leavesley",
        "Mike Woods",
        "Asim Janjua",
        "Mark Brittle",
    }
)

PLACES: dict[str, tuple[str, ...]] = {
    "BIRM_E": ("Erdington", "Stechford", "Small Heath", "Hodge Hill", "Washwood Heath"),
    "BIRM_W": ("Edgbaston", "Harborne", "Ladywood", "Selly Oak", "Northfield"),
    "COV": ("Coventry city centre", "Foleshill", "Tile Hill", "Earlsdon", "Canley"),
    "CONTACT": ("Wolverhampton", "Walsall", "Dudley", "Sutton Coldfield", "Solihull"),
    "HEREF": ("Hereford", "Leominster", "Ross-on-Wye", "Ledbury", "Kington"),
    "TELF": ("Telford", "Wellington", "Oakengates", "Madeley", "Newport"),
    "NWARKS": ("Nuneaton", "Bedworth", "Atherstone", "Coleshill", "Polesworth"),
    "SWARKS": ("Leamington Spa", "Warwick", "Stratford-upon-Avon", "Kenilworth", "Alcester"),
}

GROUP_NAMES = (
    "Response C shift",
    "NPT lads and lasses",
    "Nights crew",
    "Custody team",
    "Contact centre B shift",
    "Five-a-side",
)

ASSESS_RATIONALE = {
    "no_misconduct": (
        "If proven, the conduct would not justify disciplinary proceedings. It is suitable "
        "for reflective practice with the line manager."
    ),
    "misconduct": (
        "If proven, the conduct could amount to a breach of the Standards of Professional "
        "Behaviour justifying disciplinary action."
    ),
    "gross_misconduct": (
        "If proven, the conduct could be so serious that dismissal would be justified."
    ),
}

SEVERITY_RATIONALE = {
    "no_misconduct": (
        "Enquiries show a lapse of judgement rather than misconduct; practice requiring "
        "improvement."
    ),
    "misconduct": "The evidence supports a case to answer for misconduct.",
    "gross_misconduct": "The evidence supports a case to answer for gross misconduct.",
}

LOCAL_REASONS = (
    "Low-level matter with an admission; the line manager will hold a reflective practice "
    "discussion.",
    "Proportionate to deal with through line management; reflective practice to follow.",
    "The subject removed the content straight away and accepts the learning.",
)
REFER_NOTES = (
    "Potential misconduct: referred for a severity assessment.",
    "Serious concern; evidence secured and referred to PSD.",
    "",
)
RETURN_ADVICE = (
    "Does not meet the threshold for a PSD investigation. Please resolve locally through "
    "reflective practice.",
    "Suitable for local resolution; please record the learning on the subject's PDR.",
)
WITHDRAW_REASONS = (
    "The account was found not to belong to a member of the workforce.",
    "The complainant withdrew and the material showed no breach of policy.",
    "Duplicate of a concern already recorded by another department.",
    "The content was posted before the person joined the force and does not engage the "
    "Standards of Professional Behaviour.",
)
IOPC_REFERRED_RATIONALE = {
    "victim_contact": (
        "Mandatory referral: the matter involves an alleged abuse of position and contact with "
        "a victim. The IOPC returned it to the force for local investigation."
    ),
    "discrimination": (
        "Referred: the allegation of discriminatory behaviour may meet the mandatory referral "
        "criteria. The IOPC returned it to the force for local investigation."
    ),
}
IOPC_NOT_REFERRED = (
    "Considered against the mandatory referral criteria: no serious harm or abuse of position "
    "alleged, so not referred. Decision reviewed by the head of PSD."
)
CLOSE_NOTES = ("", "Outcome letters sent.", "Learning shared with the department.")

ACCEPT_NOTES = ("", "Severity assessment to follow.", "Investigation plan agreed.")

# severity → (outcome, weight) for outcomes in a PSD investigation
PSD_OUTCOMES: dict[str, tuple[tuple[str, float], ...]] = {
    "no_misconduct": (
        ("no_case_to_answer", 2),
        ("nfa", 1.5),
        ("reflective_practice", 7),
    ),
    "misconduct": (
        ("reflective_practice", 3),
        ("written_warning", 8),
        ("final_written_warning", 3),
        ("no_case_to_answer", 1),
        ("nfa", 0.5),
        ("resigned", 0.8),
        ("retired", 0.4),
    ),
    "gross_misconduct": (
        ("final_written_warning", 4),
        ("dismissed", 3.5),
        ("resigned", 2.5),
        ("written_warning", 1),
        ("reduction_in_rank", 0.6),
        ("retired", 0.4),
        ("no_case_to_answer", 1),
    ),
}

# Outcomes in local resolution (no written warnings there: the service refuses them).
LOCAL_OUTCOME_WEIGHTS: tuple[tuple[str, float], ...] = (
    ("reflective_practice", 8),
    ("nfa", 1.5),
    ("no_case_to_answer", 1),
    ("resigned", 0.3),
    ("retired", 0.2),
)

LEFT_SERVICE = frozenset({"dismissed", "resigned", "retired"})


UNIFORMED = ("police_officer", "special_constable", "pcso")
EVERYONE = ("police_officer", "special_constable", "pcso", "police_staff", "volunteer")
MESSAGING = frozenset({"whatsapp", "facebook_messenger", "snapchat"})


@dataclass(frozen=True)
class Scenario:
    """One kind of concern: what is said, how it is categorised and how it tends to end."""

    key: str
    weight: int
    # (summary template, platforms it reads right with, sources that fit what it says)
    texts: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]
    categories: tuple[str, ...]
    standards: tuple[str, ...]
    # provisional severity → weight
    severities: tuple[tuple[str, int], ...]
    # chance that a case of this kind goes to PSD when provisionally "misconduct"
    psd_share: float
    corporate: bool = False
    risk_flags: tuple[str, ...] = ()
    maybe_flags: tuple[str, ...] = ()
    interim: tuple[str, ...] = ()
    pair_share: float = 0.05
    roles: tuple[str, ...] = EVERYONE
    restricted_post: bool = False
