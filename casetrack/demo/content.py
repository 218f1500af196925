"""What a demo concern says: summary, platform, account, links, dates posted and who reported it."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from casetrack import vocab
from casetrack.demo.data import FIRST_NAMES, GROUP_NAMES, MESSAGING, PLACES, SURNAMES, Scenario
from casetrack.demo.people import Member

URL_PATTERNS = {
    "facebook": "https://www.facebook.com/{slug}/posts/{n}",
    "twitter_x": "https://x.com/{slug}/status/{n}",
    "instagram": "https://www.instagram.com/{slug}/",
    "tiktok": "https://www.tiktok.com/@{slug}/video/{n}",
}
NO_EVIDENCE = (
    "The messages were deleted before they could be captured; the recipient's account of them "
    "is recorded in the initial report."
)


@dataclass
class Content:
    summary: str
    platform: str
    account_type: str
    source: str
    case_type: str
    handle: str | None = None
    urls: list[str] = field(default_factory=list)
    posted: list[date] = field(default_factory=list)
    reporter_name: str | None = None
    reporter_contact: str | None = None
    reporter_anonymous: bool = False
    no_evidence_reason: str | None = None


def _account_type(scenario: Scenario, platform: str) -> str:
    if scenario.corporate:
        return "corporate"
    return "instant_messaging" if platform in MESSAGING else "personal"


def _handle(rng: random.Random, content: Content, member: Member, place: str) -> str | None:
    if content.account_type == "corporate":
        compact = "".join(ch for ch in place.title() if ch.isalpha())
        return f"@{compact}{rng.choice(('Cops', 'Police', 'NPT', 'Beat'))}"
    if " group" in content.summary:
        return f"{rng.choice(GROUP_NAMES)} ({vocab.PLATFORMS[content.platform]} group)"
    if content.account_type == "instant_messaging" or content.platform == "other":
        return None
    first, _, last = member.name.partition(" ")
    return f"@{first.lower()}{last[:1].lower()}{rng.randint(10, 99)}"


def _links(rng: random.Random, content: Content) -> list[str]:
    pattern = URL_PATTERNS.get(content.platform)
    if not pattern or not content.handle or rng.random() > 0.65:
        return []
    slug = content.handle.lstrip("@")
    return [pattern.format(slug=slug, n=rng.randint(10**17, 10**18 - 1))]


def _reporter(rng: random.Random, content: Content) -> None:
    if content.source == "anonymous":
        content.reporter_anonymous = True
    elif content.source == "public_complaint":
        content.reporter_name = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
        content.reporter_contact = f"07700 900{rng.randint(0, 999):03d}"  # Ofcom drama range
    elif content.source == "colleague" and rng.random() < 0.5:
        content.reporter_name = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"


def make_content(
    rng: random.Random, scenario: Scenario, member: Member, department: str, received: date
) -> Content:
    text, platforms, sources = rng.choice(scenario.texts)
    platform = rng.choice(platforms)
    place = rng.choice(PLACES.get(department, ("the force area",)))
    source = rng.choice(sources)
    content = Content(
        summary=text.format(platform=vocab.PLATFORMS[platform], place=place),
        platform=platform,
        account_type=_account_type(scenario, platform),
        source=source,
        case_type="complaint" if source == "public_complaint" else "conduct_matter",
    )
    content.handle = _handle(rng, content, member, place)
    content.urls = _links(rng, content)
    first_post = received - timedelta(days=rng.randint(0, 14))
    content.posted = [first_post]
    if rng.random() < 0.2 and first_post < received:
        content.posted.append(
            first_post + timedelta(days=rng.randint(1, (received - first_post).days))
        )
    _reporter(rng, content)
    if content.account_type == "instant_messaging" and rng.random() < 0.15:
        content.no_evidence_reason = NO_EVIDENCE
    return content
