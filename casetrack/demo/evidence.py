"""Real evidence files for about fifty demo cases, stored through the real evidence service.

Generated PNG screenshots (a social-media post or a chat, drawn with Pillow), a few PDF web
captures (a small HTML page of the post, rendered by WeasyPrint with no external resources)
and WhatsApp-format chat exports. Each file is attached by the Standards Manager who recorded
the case, straight after recording (while the case is open), captured shortly after the content
was posted and before the case was received. One item is withdrawn, one has a correction.

Files are placed in the store before the demo transaction commits; if that transaction ends
without committing, the files placed for it are removed again, so a failed load leaves no
orphaned files.
"""

from __future__ import annotations

import io
import random
import re
import string
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from html import escape
from typing import TYPE_CHECKING, Any

from PIL import Image, ImageDraw, ImageFont
from sqlalchemy import event, select
from sqlalchemy.orm import Session, SessionTransaction

from casetrack import vocab
from casetrack.auth.models import User
from casetrack.cases.models import Case, CaseEvent
from casetrack.cases.workflow import State
from casetrack.demo.data import FIRST_NAMES, MESSAGING, SURNAMES
from casetrack.evidence import service
from casetrack.evidence.models import CustodyEvent, EvidenceItem
from casetrack.extensions import db
from casetrack.timeutil import LONDON, as_utc, utcnow

if TYPE_CHECKING:
    from casetrack.demo.plan import CasePlan
    from casetrack.demo.timeline import TimelineWriter

CASES_WITH_EVIDENCE = 50
WEB_CAPTURES = 6
MIN_CHAT_EXPORTS = 6
EXPORTED = ("whatsapp", "facebook_messenger")  # the chats kept as a text export
PUBLIC = ("facebook", "twitter_x", "instagram", "tiktok")
SIZE = (800, 500)
WRONG_CASE = "Attached to the wrong case: the account shown is not the subject's."
CORRECTION = (
    "Member of the public (the complainant's partner, on the complainant's phone)",
    "The complainant confirmed by phone that their partner took the screenshot.",
)
EXPORT_METHOD = {
    "whatsapp": "WhatsApp “Export chat” (without media), emailed to the force",
    "facebook_messenger": "Messenger conversation saved as text by the recipient, emailed to "
    "the force",
}

# What the post said, by (scenario, summary variant). No real person or place is named.
POSTS: dict[tuple[str, int], str] = {
    ("offensive_comments", 0): "Drove past that crash in {place}. If you can't drive, get the "
    "bus. Zero sympathy, maybe a few weeks on crutches will teach him something.",
    ("offensive_comments", 1): "Scum, the lot of them. Deserved what they got. Should have been "
    "more of us there.",
    ("offensive_comments", 2): "Another four hours sat with a 'nobody understands me' in {place}. "
    "Some of us have actual crimes to deal with. #nightshift",
    ("uniform_dating_profile", 0): "Get to know the officer behind the badge. Gym, dogs, nights "
    "out. And yes, the uniform is real.",
    ("uniform_dating_profile", 1): "Coach by day, copper by night. Serving {place} and getting you "
    "fit. DM for 1:1 PT packages, first session free for emergency services.",
    ("uniform_dating_profile", 2): "Five years policing {place}. Ask me anything, I can probably "
    "look you up anyway ;)",
    ("crime_scene_images", 0): "Grim one tonight in {place}. Thoughts with everyone involved.",
    ("crime_scene_images", 1): "Another one bites the dust.",
    ("crime_scene_images", 2): "Scene tonight in {place}. It's madness out there.",
    ("political_activity", 0): "Polls open 7am to 10pm on Thursday. {place} needs change, so use "
    "your vote! Proud to be out knocking doors this week.",
    ("political_activity", 1): "This government has gutted public services for fourteen years. "
    "Time they went. Chip in if you can, link below.",
    ("political_activity", 2): "Great turnout for leafleting in {place} this morning. 2,000 "
    "leaflets out before lunch. Thanks team!",
    ("unauthorised_corporate_account", 0): "APPEAL: bike stolen from outside the shops in "
    "{place} yesterday afternoon. Seen it? Message us here.",
    ("unauthorised_corporate_account", 1): "Another round of cuts means fewer officers on your "
    "streets. Don't blame us, blame the people at the top.",
    ("unauthorised_corporate_account", 2): "Maybe if you spent less time moaning online and "
    "more time locking your shed we wouldn't be having this conversation.",
    ("on_duty_use", 0): "Quiet one so far in {place}. Coffee number three.",
    ("on_duty_use", 1): "POV: you're on a late turn and the sarge is out of the office",
    ("on_duty_use", 2): "Anyone watching the match tonight? Stuck on a late, keep me posted.",
    ("investigation_discussed", 0): "Can't say much but the lad from the garage in {place} is "
    "bang to rights. Interview tomorrow. Keep it to yourselves.",
    ("investigation_discussed", 1): "Guilty as sin. Don't know what the jury are waiting for.",
    ("investigation_discussed", 2): "Early start Thursday. A few people on Mill Street in "
    "{place} are getting a knock at 6am.",
    ("discreditable_posts", 0): "Hen do hits different when you bring your work kit",
    ("discreditable_posts", 1): "Hard at work on nights in {place}",
    ("discriminatory_content", 1): "Every time something kicks off in {place} it's the same lot. "
    "Funny that. Not saying anything, just saying.",
    ("body_worn_video", 0): "He was NOT having a good night #copsoftiktok",
}
SECOND = {  # a later post on the same account, by scenario
    "offensive_comments": "Not deleting anything. Some of you need a thicker skin.",
    "crime_scene_images": "People asking me to take it down. It's a photo of a road, relax.",
    "political_activity": "Final push this weekend. Who's joining me on the doorstep?",
    "unauthorised_corporate_account": "We read every message. Don't like it? Don't follow us.",
    "on_duty_use": "Back in the car, back on the feed. Late turn life.",
    "investigation_discussed": "Told you. Charged this morning.",
    "discreditable_posts": "Can't believe how many views that got",
    "discriminatory_content": "Not taking it back. Someone has to say it.",
    "body_worn_video": "Part 2 because you lot asked",
}
MEDIA = {  # posts that carried a photo or a video
    ("uniform_dating_profile", 0): "photo",
    ("uniform_dating_profile", 1): "photo",
    ("uniform_dating_profile", 2): "photo",
    ("crime_scene_images", 0): "photo",
    ("crime_scene_images", 1): "photo",
    ("crime_scene_images", 2): "video",
    ("political_activity", 2): "photo",
    ("on_duty_use", 1): "video",
    ("discreditable_posts", 0): "video",
    ("discreditable_posts", 1): "photo",
    ("body_worn_video", 0): "video",
}
# Chats: (who, message). S is the subject, R whoever gave the chat to the force, A-C others.
OMITTED = "<Media omitted>"
CHATS: dict[tuple[str, int], str] = {  # one message a line, "who: text"
    ("discriminatory_content", 0): """\
A: Anyone swapping a night next week?
S: <Media omitted>
S: 😂😂 can't unsee that
B: Mate 😬
S: Oh come on it's a joke, nobody in here is going to be offended
S: <Media omitted>
R: Not funny. Some of us police those communities every day.
S: Snowflake 🙄
A: This message was deleted""",
    ("discriminatory_content", 2): """\
S: Did you hear who got the sergeant's board? Wonder what she did to get that
B: Ha behave
S: Seriously. And half the DA calls on nights are just people after a free lift to their mum's
B: lol
S: Don't repeat that obviously""",
    ("victim_contact", 0): """\
S: Hi, it's {first} from the other night, the officer who came out to you. Just checking you're OK?
R: Oh hi. Yes I'm ok thanks
S: Good 🙂 You were really brave. If you ever fancy a drink to take your mind off things just say
R: I don't think that's a good idea
S: No pressure. Best not mention I messaged, it's not really allowed haha""",
    ("victim_contact", 1): """\
S: Hi it's {first}, I took your statement earlier. Hope you're alright after everything
S: Couldn't stop thinking about you tonight, you've got a gorgeous smile
R: Who gave you this number?
S: It was on the form 🙈 please don't tell anyone I messaged, I'd get in trouble""",
    ("victim_contact", 2): """\
S: You ok? Haven't heard from you today
R: Bad day. Can you come round later
S: Finish at 10, will message when I'm outside x
S: Delete these after ok""",
    ("police_information_shared", 0): """\
S: <Media omitted>
S: Look at this one from earlier 😂 ring her back and tell her the cat's not a crime
A: Is that her actual address 😂
R: Mate take that down, it's got her details on
S: Relax it's only us lot""",
    ("police_information_shared", 1): """\
S: <Media omitted>
S: Guess who's back in for the fourth time this month
R: No way 😂 what's he done now
S: Same as always. Cell 6 if you want to say hi""",
    ("police_information_shared", 2): """\
A: Anyone know if the {place} job is still going ahead Thursday?
S: Yeah warrant's signed. Target's the brother of the lad from the cash point job
B: Didn't know that. Is he the one on bail?
S: Yep. Should be on the system by tomorrow
R: Can we not put this stuff on here, that's what Teams is for""",
    ("bullying_messages", 0): """\
S: I know it was you who complained.
R: I'm not going to discuss that with you
S: You want to think carefully about where this goes.
S: Would be a shame for it to get messy
R: I'm reporting these messages""",
    ("bullying_messages", 1): """\
S: <Media omitted>
S: Guess who this reminds me of 😂
A: 😂😂
R: Can you stop please
S: Can't take a joke as usual
B: <Media omitted>""",
    ("bullying_messages", 2): """\
S: Good night tonight 😉
R: Yeah was fun, home now
S: You looked unreal tonight. Send me a pic
R: I'd rather not
S: <Media omitted>
R: Please stop. This isn't ok""",
    ("intelligence_not_reported", 0): """\
R: Hi, know you're a copper. Lad dealing out of the flats by the shop in {place}, every night
S: Cheers, leave it with me
R: Did you pass it on? Still going on
S: Yeah sorted, don't worry""",
    ("intelligence_not_reported", 1): """\
R: Sorry to message on here. My neighbour's ex is threatening her again, says he'll do her windows
S: Ah no. I'll have a word with him next time I'm on
R: Should she ring 101?
S: No need, I know him, I'll sort it""",
    ("investigation_discussed", 0): """\
A: Is it true about the lad from the garage?
S: Can't say much but yes it's him. Nicked him Tuesday, interview tomorrow
B: Knew it!!
S: Keep it to yourselves""",
    ("body_worn_video", 1): """\
S: <Media omitted>
S: Sound on 😂😂
A: Who's that?
S: The one from the high street last night, kicking off in the van
R: Should that be on here?""",
}

DIRECT_MESSAGES = {  # chats even on a platform that also has public posts
    ("victim_contact", 0),
    ("bullying_messages", 0),
    ("intelligence_not_reported", 0),
    ("intelligence_not_reported", 1),
}
CAPTURED_BY = {  # case source → (captured by, how)
    "public_complaint": (
        "Member of the public (the complainant)",
        "Screenshot on the complainant's phone, emailed to the force",
    ),
    "anonymous": ("Anonymous reporter", "Screenshot attached to the anonymous online report"),
    "ccd_monitoring": (
        "Corporate Communications monitoring",
        "Screenshot during routine social media monitoring (force laptop, Chrome)",
    ),
    "colleague": (
        "Colleague who raised the concern",
        "Screenshot on a personal phone, emailed to the Standards Manager",
    ),
    "line_manager": ("Line manager", "Screenshot on a force-issued phone"),
    "media": ("Corporate Communications press office", "Screenshot supplied with a press enquiry"),
    "other_force": (
        "Digital forensics unit of the investigating force",
        "Extracted from a phone download and supplied by the investigating force",
    ),
    "self_referral": (
        "The subject (self-referral)",
        "Screenshots handed over by the subject at an integrity health check",
    ),
    "other": ("Support worker who passed it on", "Screenshot forwarded by email"),
}
THEMES = {  # platform → (bar colour, bar text colour, page colour, wordmark)
    "facebook": ("#1877f2", "#ffffff", "#f0f2f5", "facebook"),
    "twitter_x": ("#000000", "#ffffff", "#ffffff", "X"),
    "instagram": ("#ffffff", "#262626", "#fafafa", "Instagram"),
    "tiktok": ("#121212", "#ffffff", "#f8f8f8", "TikTok"),
    "snapchat": ("#fffc00", "#000000", "#ffffff", "Snapchat"),
    "whatsapp": ("#075e54", "#ffffff", "#ece5dd", "WhatsApp"),
    "facebook_messenger": ("#0084ff", "#ffffff", "#ffffff", "Messenger"),
    "other": ("#e8505b", "#ffffff", "#fff5f5", "Sparkd dating"),
}
EXAMPLE_URLS = {
    "facebook": "https://www.facebook.example/{slug}/posts/{n}",
    "twitter_x": "https://x.example/{slug}/status/{n}",
    "instagram": "https://www.instagram.example/p/{code}/",
    "tiktok": "https://www.tiktok.example/@{slug}/video/{n}",
}


@dataclass
class File:
    data: bytes
    filename: str
    details: service.CaptureDetails


@dataclass
class Post:
    """What the files of one case show: the content, who posted it and when."""

    key: tuple[str, int]
    platform: str
    handle: str | None
    display: str
    place: str
    posted: list[datetime]  # London times, one per date the content was posted
    url: str | None


class DemoEvidence:
    """Chooses the demo cases that get evidence and attaches it as each case is recorded."""

    def __init__(self, rng: random.Random, plans: Sequence[CasePlan]) -> None:
        self.rng = rng
        self.placed: list[str] = []
        self._guard(db.session())
        usable = [
            p
            for p in plans
            if p.final_state is not State.WITHDRAWN
            and not p.spec.restricted
            and not p.content.no_evidence_reason
        ]
        exports = [p for p in usable if p.content.platform in EXPORTED and _is_chat(p)]
        chosen = rng.sample(exports, min(MIN_CHAT_EXPORTS, len(exports)))
        rest = [p for p in usable if p not in chosen]
        chosen += rng.sample(rest, min(CASES_WITH_EVIDENCE - len(chosen), len(rest)))
        self.chosen = {id(p) for p in chosen}
        posts = [p for p in chosen if _has_url(p) and not _is_chat(p)]
        picked = rng.sample(posts, min(WEB_CAPTURES + 3, len(posts)))
        self.web_captures = {id(p) for p in picked[:WEB_CAPTURES]}
        # one case gets a screenshot meant for another case (then withdrawn); one a correction
        self.wrong = (id(picked[-3]), picked[-2]) if len(picked) > WEB_CAPTURES + 2 else None
        others = [p for p in posts if p not in picked[-3:-1]]
        complainants = [p for p in others if p.content.source == "public_complaint"]
        self.correct_on = id((complainants or others)[0]) if others else None

    def _guard(self, session: Session) -> None:
        """Remove the files placed for the demo transaction if it ends without committing."""
        store, state = service.store(), {"committed": False, "done": False}

        def committed(_session: Session) -> None:
            state["committed"] = True

        def ended(_session: Session, transaction: SessionTransaction) -> None:
            if transaction.parent is not None or state["done"]:
                return
            state["done"] = True  # (a listener cannot be removed while it is being called)
            if not state["committed"]:
                for name in self.placed:
                    store.path_for(name).unlink(missing_ok=True)
            self.placed.clear()

        event.listen(session, "after_commit", committed)
        event.listen(session, "after_transaction_end", ended)

    def attach(
        self, case: Case, user: User, plan: CasePlan, timeline: TimelineWriter | None = None
    ) -> None:
        """Add this case's evidence (if it is one of the chosen) as `user`, who recorded it.

        Custody entries, and any timeline entries the evidence service writes, are dated just
        after the case was recorded; `timeline` is told so it leaves them as they are.
        """
        if id(plan) not in self.chosen or not service.can_add(user, case):
            return
        recorded = as_utc(case.events[0].at)
        post = self._post(plan, plan.content.posted, recorded)
        if _is_chat(plan):
            files = self._chat(plan, post, recorded)
        else:
            files = [self._screenshot(plan, post, n, recorded) for n in range(len(post.posted))]
            if id(plan) in self.web_captures:
                files.append(self._web_capture(plan, post, recorded))
        at = min(recorded + timedelta(minutes=self.rng.randint(10, 90)), utcnow())
        stamps: dict[int, list[datetime]] = {0: []}  # item id → times; 0: the case timeline
        items = []
        for file in files:
            items.append(self._add(case, user, file, at, stamps))
            at = min(at + timedelta(minutes=self.rng.randint(1, 4)), utcnow())
        later = min(at + timedelta(minutes=self.rng.randint(30, 300)), utcnow())
        if self.wrong and self.wrong[0] == id(plan):
            other = self._post(self.wrong[1], plan.content.posted[:1], recorded)
            item = self._add(case, user, self._screenshot(self.wrong[1], other, 0, recorded), at,
                             stamps)  # fmt: skip
            service.withdraw(item, user, WRONG_CASE)
            item.withdrawn_at = later
            stamps[item.id].append(later)
            stamps[0].append(later)
        if self.correct_on == id(plan):
            service.correct(items[0], user, "captured_by", *CORRECTION)
            items[0].corrections[-1].at = later
            stamps[items[0].id].append(later)
            stamps[0].append(later)
        self._backdate(case, stamps, timeline)

    def _add(
        self, case: Case, user: User, file: File, at: datetime, stamps: dict[int, list[datetime]]
    ) -> EvidenceItem:
        upload = service.store().new_upload()
        try:
            upload.write(file.data)
            [item] = service.add_evidence(
                case, user, [service.Upload(upload, file.filename)], file.details
            )
        finally:
            upload.discard()
        self.placed.append(item.storage_name)
        item.uploaded_at, stamps[item.id] = at, [at]
        stamps[0].append(at)
        return item

    def _backdate(
        self, case: Case, stamps: dict[int, list[datetime]], timeline: TimelineWriter | None
    ) -> None:
        """Custody and timeline entries at the historical times (the services say "now")."""
        custody = db.session.scalars(
            select(CustodyEvent)
            .where(CustodyEvent.item_id.in_(list(stamps)))
            .order_by(CustodyEvent.id)
        )
        done: dict[int, int] = {}
        for entry in custody:
            n = done[entry.item_id] = done.get(entry.item_id, -1) + 1
            times = stamps[entry.item_id]
            entry.at = times[min(n, len(times) - 1)]
        events = db.session.scalars(
            select(CaseEvent)
            .where(CaseEvent.case_id == case.id, CaseEvent.action.startswith("evidence_"))
            .order_by(CaseEvent.id)
        ).all()
        for line, at in zip(events, stamps[0], strict=False):
            line.at = at
        if timeline is not None and events:
            timeline.stamped = len(case.events)  # whether or not they are in the list yet
            timeline.last = max(filter(None, (timeline.last, *stamps[0])))

    # --- what was posted, and when ------------------------------------------------------------

    def _post(self, plan: CasePlan, days: Sequence[date], recorded: datetime) -> Post:
        content = plan.content
        first, _, last = plan.subjects[0].member.name.partition(" ")
        handle = content.handle
        if content.platform == "other":
            display = f"{first}, {self.rng.randint(26, 44)}"
        elif handle and handle.startswith("@"):
            display = handle[1:]
        else:
            display = f"{first} {last[:1]}"
        url = None
        if _has_url(plan):
            code = "".join(self.rng.choices(string.ascii_letters + string.digits, k=11))
            url = EXAMPLE_URLS[content.platform].format(
                slug=(handle or "")[1:], n=self.rng.randint(10**17, 10**18 - 1), code=code
            )
        posted = [self._posted_at(day, recorded) for day in days]
        key = (plan.scenario.key, _variant(plan))
        return Post(key, content.platform, handle, display, _place(plan), posted, url)

    def _posted_at(self, day: date, recorded: datetime) -> datetime:
        """A time on `day` (London), at least 2½ hours before the case was recorded."""
        at = datetime.combine(day, time(7, 0), LONDON) + timedelta(minutes=self.rng.randint(0, 930))
        return min(at, recorded.astimezone(LONDON) - timedelta(minutes=self.rng.randint(150, 240)))

    def _captured(self, posted: datetime, recorded: datetime, after: int = 10) -> datetime:
        """A time (UTC) after `posted` and at least half an hour before the case was recorded."""
        room = int((recorded - posted).total_seconds() // 60) - 30
        low = min(after, room)
        minutes = self.rng.randint(low, max(low, min(room, 2880)))
        if (posted + timedelta(minutes=minutes)).hour < 7 and minutes + 420 <= room:
            minutes += 420  # people mostly take screenshots when they are awake
        return (posted + timedelta(minutes=minutes)).astimezone(UTC)

    # --- the files ------------------------------------------------------------------------------

    def _file(self, data: bytes, name: str, post: Post, **details: Any) -> File:
        """A file with the capture details every item of the case shares."""
        return File(
            data,
            name,
            service.CaptureDetails(platform=post.platform, account_handle=post.handle, **details),
        )

    def _screenshot(self, plan: CasePlan, post: Post, n: int, recorded: datetime) -> File:
        posted, platform = post.posted[n], vocab.PLATFORMS[post.platform]
        if post.platform == "other":
            platform = THEMES["other"][3]
        text = _post_text(plan, post, second=n > 0)
        captured = self._captured(posted, recorded)
        by, how = CAPTURED_BY[plan.content.source]
        what = "The profile" if post.platform == "other" else "A later post" if n else "The post"
        return self._file(
            render_post(post, text, posted, self.rng),
            _screenshot_name(captured, plan.content.source, platform),
            post,
            kind="screenshot",
            captured_at=captured,
            captured_by=by,
            capture_method=how,
            description=f"{what} on {platform} by {post.handle or post.display}: “{_short(text)}”",
            source_url=post.url,
            content_posted_on=posted.date(),
        )

    def _web_capture(self, plan: CasePlan, post: Post, recorded: datetime) -> File:
        posted = post.posted[0]
        captured = self._captured(posted, recorded, after=60)
        by = f"DC {self.rng.choice(SURNAMES)}, Professional Standards"
        if plan.content.source == "ccd_monitoring":
            by = "Corporate Communications monitoring"
        pdf = render_capture(post, _post_text(plan, post), posted, captured, by, self.rng)
        host = (post.url or "").split("/")[2]
        return self._file(
            pdf,
            f"Web capture {host} {captured.astimezone(LONDON):%Y-%m-%d %H%M}.pdf",
            post,
            kind="web_capture",
            captured_at=captured,
            captured_by=by,
            capture_method="Full-page capture saved as PDF on a standalone research laptop "
            "(Chrome, Print to PDF)",
            description="The post and its page as published, with the address and time of "
            "capture in the header, preserved before the post could be deleted.",
            source_url=post.url,
            content_posted_on=posted.date(),
        )

    def _chat(self, plan: CasePlan, post: Post, recorded: datetime) -> list[File]:
        """A WhatsApp-format export (WhatsApp and Messenger) and/or a screenshot of the chat."""
        names, me = self._chat_names(plan)
        messages, at = [], post.posted[0]
        for line in CHATS[post.key].splitlines():
            who, text = line.split(": ", 1)
            first = names["S"].split()[0]
            messages.append((names[who], text.format(first=first, place=post.place), at))
            at += timedelta(minutes=self.rng.choice((0, 1, 1, 2, 3, 4, 6)))
        common = {
            "captured_at": self._captured(at, recorded, after=20),
            "captured_by": CAPTURED_BY[plan.content.source][0],
            "content_posted_on": post.posted[0].date(),
        }
        group = _group(post.handle)
        title, platform = group or names["S"], vocab.PLATFORMS[post.platform]
        files = []
        if post.platform in EXPORTED:
            app = "WhatsApp" if post.platform == "whatsapp" else "Messenger"
            what = f"group “{group}”" if group else f"conversation with {title}"
            files.append(
                self._file(
                    whatsapp_export(messages, group, names["S"], post.platform == "whatsapp"),
                    f"{app} Chat with {title}.txt",
                    post,
                    kind="message_export",
                    capture_method=EXPORT_METHOD[post.platform]
                    if plan.content.source != "other_force"
                    else CAPTURED_BY["other_force"][1],
                    description=f"Export of the {platform} {what}: {len(messages)} messages "
                    "(media not included).",
                    **common,
                )
            )
        if post.platform not in EXPORTED or self.rng.random() < 0.5:
            files.append(
                self._file(
                    render_chat(post.platform, title, messages, names[me], bool(group)),
                    _screenshot_name(common["captured_at"], plan.content.source, platform),
                    post,
                    kind="screenshot",
                    capture_method=CAPTURED_BY[plan.content.source][1]
                    if not files
                    else "Screenshot on the same phone, sent with the export",
                    description=f"Screenshot of the latest {platform} messages with {title}.",
                    **common,
                )
            )
        return files

    def _chat_names(self, plan: CasePlan) -> tuple[dict[str, str], str]:
        """Names in the chat (S the subject, R who handed it over), and whose phone it is."""
        first, _, last = plan.subjects[0].member.name.partition(" ")
        names = {k: f"{n} {self.rng.choice(SURNAMES)[0]}"
                 for k, n in zip("ABCR", self.rng.sample(FIRST_NAMES, 4), strict=True)}  # fmt: skip
        police = plan.scenario.key == "victim_contact"  # as the victim saved the number
        names["S"] = f"{first} (police)" if police else f"{first} {last[:1]}"
        speakers = {line[0] for line in CHATS[(plan.scenario.key, _variant(plan))].splitlines()}
        me = "S" if plan.content.source == "self_referral" else "R" if "R" in speakers else "B"
        return names, me


# --- helpers ---------------------------------------------------------------------------------


def _has_url(plan: CasePlan) -> bool:
    handle = plan.content.handle or ""
    return plan.content.platform in EXAMPLE_URLS and handle.startswith("@")


def _is_chat(plan: CasePlan) -> bool:
    key = (plan.scenario.key, _variant(plan))
    return key in CHATS and (plan.content.platform in MESSAGING or key in DIRECT_MESSAGES)


def _variant(plan: CasePlan) -> int:
    """Which of its scenario's summaries the case has (the longest fixed opening that fits)."""
    best, length = 0, -1
    for n, (template, _platforms, _sources) in enumerate(plan.scenario.texts):
        opening = template.split("{")[0]
        if plan.content.summary.startswith(opening) and len(opening) > length:
            best, length = n, len(opening)
    return best


def _place(plan: CasePlan) -> str:
    from casetrack.demo.data import PLACES

    for place in PLACES.get(plan.department, ()):
        if place in plan.content.summary:
            return place
    return PLACES.get(plan.department, ("town",))[0]


def _group(handle: str | None) -> str | None:
    return handle.split(" (")[0] if handle and handle.endswith("group)") else None


def _post_text(plan: CasePlan, post: Post, second: bool = False) -> str:
    text = (SECOND.get(post.key[0]) if second else None) or POSTS.get(post.key)
    return (text or _quoted(plan.content.summary) or "").format(place=post.place)


def _quoted(summary: str) -> str | None:
    quotes = re.findall(r"'([^']+)'", summary)
    return " ".join(q[:1].upper() + q[1:] + "." for q in quotes) or None


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _screenshot_name(captured: datetime, source: str, platform: str) -> str:
    local = captured.astimezone(LONDON)
    if source in ("ccd_monitoring", "media"):
        return f"Screenshot {local:%Y-%m-%d %H%M%S}.png"
    app = platform.replace(" / ", "").replace(" ", "")
    return f"Screenshot_{local:%Y%m%d-%H%M%S}_{app}.png"


def whatsapp_export(
    messages: list[tuple[str, str, datetime]], group: str | None, subject: str, whatsapp: bool
) -> bytes:
    """The text WhatsApp's "Export chat" writes (UK date format, without media)."""
    start, lines = messages[0][2] - timedelta(days=40), []
    if whatsapp:
        lines.append(
            f"{start:%d/%m/%Y, %H:%M} - Messages and calls are end-to-end encrypted. No one "
            "outside of this chat, not even WhatsApp, can read or listen to them. Tap to learn "
            "more."
        )
    if group and whatsapp:
        lines.append(f'{start:%d/%m/%Y, %H:%M} - {subject} created group "{group}"')
        lines.append(f"{start:%d/%m/%Y, %H:%M} - {subject} added you")
    for who, text, at in messages:
        lines.append(f"{at:%d/%m/%Y, %H:%M} - {who}: {text}")
    return ("\n".join(lines) + "\n").encode("utf-8")


# --- drawing ---------------------------------------------------------------------------------


@cache
def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.load_default(size=size)  # type: ignore[return-value]


EMOJI = re.compile("([\U0001f300-\U0001faff])")


def _plain(text: str) -> str:
    """Text without emoji (for names and titles)."""
    return EMOJI.sub("", text).strip()


def _length(draw: ImageDraw.ImageDraw, text: str, size: int) -> float:
    """Drawn width, counting each emoji as a round face the height of the text."""
    parts = EMOJI.split(text)
    return sum(
        size + 2 if n % 2 else draw.textlength(p, font=_font(size)) for n, p in enumerate(parts)
    )


def _write(
    draw: ImageDraw.ImageDraw, xy: tuple[float, float], text: str, size: int, ink: str
) -> None:
    """Text with emoji drawn as simple yellow faces (the default font has no emoji)."""
    x, y = xy
    for n, part in enumerate(EMOJI.split(text)):
        if n % 2 == 0:
            draw.text((x, y), part, font=_font(size), fill=ink)
            x += draw.textlength(part, font=_font(size))
            continue
        top = y + size * 0.1
        draw.ellipse((x + 1, top, x + size, top + size - 1), fill="#ffcc33", outline="#e0a800")
        for eye in (0.35, 0.65):
            cx = x + 1 + (size - 1) * eye
            draw.ellipse((cx - 1.5, top + size * 0.3, cx + 1.5, top + size * 0.45), fill="#5a3e00")
        draw.arc((x + size * 0.28, top + size * 0.3, x + size * 0.78, top + size * 0.78), 20, 160,
                 fill="#5a3e00", width=2)  # fmt: skip
        x += size + 2


def _wrap(draw: ImageDraw.ImageDraw, text: str, size: int, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if line and _length(draw, trial, size) > width:
            lines.append(line)
            line = word
        else:
            line = trial
    return [*lines, line] if line else lines


def _avatar(draw: ImageDraw.ImageDraw, x: int, y: int, d: int, label: str, colour: str) -> None:
    draw.ellipse((x, y, x + d, y + d), fill=colour)
    initials = "".join(w[0] for w in re.findall(r"[A-Za-z]+", label)[:2]).upper() or "?"
    draw.text((x + d / 2, y + d / 2), initials, font=_font(d // 2 - 2), fill="white", anchor="mm")


def _media(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], kind: str, seed: int) -> None:
    """A muted photo or video frame (no real picture)."""
    x0, y0, x1, y1 = box
    shade = random.Random(seed)
    for y in range(y0, y1):
        t = (y - y0) / (y1 - y0)
        grey = int(70 + 90 * t)
        draw.line((x0, y, x1, y), fill=(grey - 10, grey, grey + 15))
    for _ in range(5):
        w = shade.randint(40, 110)
        bx = shade.randint(x0, x1 - w)
        by = shade.randint((y0 + y1) // 2, y1 - 20)
        tone = shade.randint(40, 110)
        draw.rectangle((bx, by, bx + w, y1), fill=(tone, tone + 5, tone + 12))
    if kind == "video":
        cx, cy = (x0 + x1) // 2, (y0 + y1) // 2
        draw.ellipse((cx - 28, cy - 28, cx + 28, cy + 28), fill=(0, 0, 0, 140))
        draw.polygon([(cx - 9, cy - 14), (cx - 9, cy + 14), (cx + 15, cy)], fill="white")
        draw.text((x1 - 10, y1 - 10), f"0:{shade.randint(12, 58)}", font=_font(14),
                  fill="white", anchor="rd")  # fmt: skip
    draw.rectangle(box, outline="#d0d0d0")


def _stamp(platform: str, at: datetime) -> str:
    if platform == "facebook":
        return f"{at.day} {at:%B} at {at:%H:%M}"
    if platform == "twitter_x":
        return f"{at:%I:%M %p} · {at.day} {at:%b %Y}".lstrip("0")
    if platform == "instagram":
        return f"{at.day} {at:%B %Y}"
    return f"{at:%d/%m/%Y %H:%M}"


def render_post(post: Post, text: str, posted: datetime, rng: random.Random) -> bytes:
    """A desktop screenshot of one post: browser bar (if there is a URL), platform bar, card."""
    bar, ink, page, mark = THEMES.get(post.platform, THEMES["other"])
    image = Image.new("RGB", SIZE, page)
    draw = ImageDraw.Draw(image)
    top = _browser(draw, post.url) if post.url else 0
    draw.rectangle(
        (0, top, 800, top + 48), fill=bar, outline="#dbdbdb" if bar == "#ffffff" else bar
    )
    _bold(draw, (24, top + 24), mark, 24, ink, anchor="lm")
    card = (30, top + 64, 770, 486)
    draw.rounded_rectangle(card, radius=10, fill="white", outline="#dddfe2")
    x, y = card[0] + 20, card[1] + 18
    _avatar(draw, x, y, 48, post.display, "#8a8d91")
    _bold(draw, (x + 62, y + 4), _plain(post.display), 18, "#050505")
    dating = post.platform == "other"
    handle = f"{post.handle} · " if post.handle and post.handle.startswith("@") else ""
    meta = (
        f"{rng.randint(2, 14)} miles away · Active today"
        if dating
        else handle + _stamp(post.platform, posted)
    )
    draw.text((x + 62, y + 28), meta, font=_font(14), fill="#65676b")
    media = MEDIA.get(post.key)
    width = 400 if media else 690
    y += 70
    for line in _wrap(draw, text, 20, width)[:6]:
        _write(draw, (x, y), line, 20, "#050505")
        y += 28
    if media:
        box = (card[2] - 290, card[1] + 80, card[2] - 20, card[1] + 290)
        _media(draw, box, media, rng.randint(0, 10**6))
    if post.platform not in ("other", "snapchat"):  # no public replies there
        for name, comment in _comments(rng, post.key[0], 2):
            if y + 70 > card[3] - 60:
                break
            y = _comment(draw, x, y + 12, width, name, comment)
    draw.line((card[0] + 20, card[3] - 52, card[2] - 20, card[3] - 52), fill="#e4e6eb")
    draw.text((x, card[3] - 28), _counts(post.platform, rng), font=_font(15), fill="#65676b",
              anchor="lm")  # fmt: skip
    return _png(image)


def _browser(draw: ImageDraw.ImageDraw, url: str) -> int:
    """A desktop browser's tab strip and address bar; returns its height."""
    draw.rectangle((0, 0, 800, 40), fill="#dee1e6")
    for n, colour in enumerate(("#ff5f57", "#febc2e", "#28c840")):
        draw.ellipse((12 + 18 * n, 14, 24 + 18 * n, 26), fill=colour)
    draw.rounded_rectangle((80, 7, 780, 33), radius=13, fill="white")
    draw.text((98, 20), url, font=_font(14), fill="#3c4043", anchor="lm")
    return 40


def _bold(draw: ImageDraw.ImageDraw, xy: tuple[int, int], text: str, size: int, ink: str,
          anchor: str = "la") -> None:  # fmt: skip
    draw.text(xy, text, font=_font(size), fill=ink, anchor=anchor, stroke_width=0.5,
              stroke_fill=ink)  # fmt: skip


def _comment(draw: ImageDraw.ImageDraw, x: int, y: int, width: int, name: str, text: str) -> int:
    """A reply under the post; returns the y below it."""
    lines = _wrap(draw, text, 15, width - 80)
    bottom = y + 30 + 19 * len(lines)
    draw.ellipse((x, y + 2, x + 30, y + 32), fill="#c9ccd1")
    draw.rounded_rectangle((x + 40, y, x + width, bottom), radius=12, fill="#f0f2f5")
    _bold(draw, (x + 52, y + 6), name, 14, "#050505")
    for n, line in enumerate(lines):
        draw.text((x + 52, y + 25 + 19 * n), line, font=_font(15), fill="#050505")
    return bottom


def _counts(platform: str, rng: random.Random) -> str:
    likes, comments, shares = rng.randint(3, 480), rng.randint(2, 90), rng.randint(0, 60)
    gap = " " * 6
    return {
        "facebook": f"{likes} reactions{gap}{comments} comments{gap}{shares} shares",
        "twitter_x": f"{comments} replies{gap}{shares} reposts{gap}{likes} likes{gap}"
        f"{likes * rng.randint(8, 40):,} views",
        "instagram": f"{likes} likes{gap}{comments} comments",
        "other": f"{rng.randint(3, 9)} photos{gap}Looking for: something casual",
        "snapchat": f"Viewed by {likes}{gap}{shares} screenshots",
    }.get(platform, f"{likes} likes{gap}{comments} comments{gap}{shares} shares")


def render_chat(
    platform: str, title: str, messages: list[tuple[str, str, datetime]], me: str, group: bool
) -> bytes:
    """A chat screenshot showing the latest messages, the oldest cut off under the header."""
    bar, ink, page, _mark = THEMES.get(platform, THEMES["other"])
    image = Image.new("RGB", SIZE, page)
    draw = ImageDraw.Draw(image)
    bottom = 490
    for who, text, at in reversed(messages):
        bottom = _bubble(draw, platform, bottom, who, text, at, who == me, group) - 8
        if bottom < 60:
            break
    draw.rectangle((0, 0, 800, 60), fill=bar)
    _avatar(draw, 20, 10, 40, title, "#9aa0a6" if ink == "#000000" else "#5f6368")
    _bold(draw, (72, 12), _plain(title), 20, ink)
    members = ", ".join(dict.fromkeys(w for w, _t, _a in messages if w != me))
    draw.text((72, 38), f"{members}, You" if group else "online", font=_font(13), fill=ink)
    return _png(image)


def _bubble(draw: ImageDraw.ImageDraw, platform: str, bottom: int, who: str, text: str,
            at: datetime, own: bool, group: bool) -> int:  # fmt: skip
    """One message drawn up from `bottom`; returns its top."""
    photo = text == OMITTED
    lines = [] if photo else _wrap(draw, text, 17, 430)
    named = group and not own
    height = 30 + 24 * len(lines) + (18 if named else 0) + (132 if photo else 0)
    width = 260 if photo else max(_length(draw, line, 17) for line in lines) + 70
    x0, y0 = (800 - 20 - width if own else 20), bottom - height
    mine = {"whatsapp": "#dcf8c6", "facebook_messenger": "#0084ff", "snapchat": "#eef3fb"}
    theirs = "white" if platform == "whatsapp" else "#e9e9eb"
    fill = mine.get(platform, "#3797f0") if own else theirs
    draw.rounded_rectangle((x0, y0, x0 + width, bottom), radius=12, fill=fill)
    colour = "white" if own and platform in ("facebook_messenger", "instagram") else "#111111"
    y = y0 + 8
    if named:
        draw.text((x0 + 12, y), who, font=_font(14), fill="#d0551b")
        y += 18
    if photo:
        _media(draw, (x0 + 6, y, x0 + width - 6, y + 126), "photo", int(at.timestamp()))
    for line in lines:
        _write(draw, (x0 + 12, y), line, 17, colour)
        y += 24
    draw.text((x0 + width - 10, bottom - 6), f"{at:%H:%M}", font=_font(12),
              fill="white" if photo else colour, anchor="rd")  # fmt: skip
    return y0


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def render_capture(
    post: Post, text: str, posted: datetime, captured: datetime, by: str, rng: random.Random
) -> bytes:
    """A one-page PDF web capture of the post: capture header, then the page as it looked."""
    import weasyprint

    bar, ink, page, mark = THEMES.get(post.platform, THEMES["other"])
    local = captured.astimezone(LONDON)
    media = MEDIA.get(post.key)
    figure = f'<div class="media {media}">{"▶" if media == "video" else ""}</div>' if media else ""
    replies = "".join(
        f'<div class="comment"><b>{escape(n)}</b><br>{escape(c)}</div>'
        for n, c in _comments(rng, post.key[0])
    )
    html = f"""<!doctype html><html><head><meta charset="utf-8"><style>
@page {{ size: A4; margin: 16mm 14mm;
  @bottom-left {{ content: "{escape(post.url or "")}"; font-size: 7pt; color: #666; }}
  @bottom-right {{ content: "{local:%d/%m/%Y, %H:%M}"; font-size: 7pt; color: #666; }} }}
body {{ font-family: "DejaVu Sans", sans-serif; font-size: 10pt; color: #1c1e21; }}
.capture {{ border: 1px solid #999; padding: 6pt 8pt; font-size: 8pt; margin-bottom: 12pt; }}
.capture td {{ padding: 1pt 6pt 1pt 0; vertical-align: top; }}
.bar {{ background: {bar}; color: {ink}; font-weight: bold; font-size: 16pt; padding: 8pt 12pt; }}
.page {{ background: {page}; padding: 14pt; }}
.card {{ background: white; border: 1px solid #dddfe2; border-radius: 8pt; padding: 12pt; }}
.who {{ font-weight: bold; }} .meta {{ color: #65676b; font-size: 8.5pt; }}
.avatar {{ float: left; width: 30pt; height: 30pt; border-radius: 15pt; background: #8a8d91;
  margin-right: 8pt; }}
.text {{ clear: both; font-size: 12pt; line-height: 1.4; padding-top: 8pt; }}
.media {{ height: 150pt; margin-top: 8pt; background: linear-gradient(#556, #99a);
  color: white; font-size: 40pt; text-align: center; line-height: 150pt; }}
.counts {{ color: #65676b; border-top: 1px solid #e4e6eb; margin-top: 10pt; padding-top: 6pt; }}
.comment {{ margin-top: 8pt; background: #f0f2f5; border-radius: 10pt; padding: 6pt 9pt; }}
</style></head><body>
<table class="capture">
<tr><td><b>Captured URL</b></td><td>{escape(post.url or "")}</td></tr>
<tr><td><b>Captured</b></td><td>{local:%d/%m/%Y %H:%M:%S} (UK time)</td></tr>
<tr><td><b>Captured by</b></td><td>{escape(by)}</td></tr>
<tr><td><b>Page title</b></td><td>{escape(post.display)} on {escape(mark)}</td></tr>
</table>
<div class="bar">{escape(mark)}</div>
<div class="page"><div class="card">
<div class="avatar"></div>
<div class="who">{escape(post.display)}</div>
<div class="meta">{escape(post.handle or "")} · {escape(_stamp(post.platform, posted))}</div>
<div class="text">{escape(text)}</div>{figure}
<div class="counts">{rng.randint(3, 480)} likes · {rng.randint(2, 90)} comments ·
{rng.randint(0, 60)} shares</div>
{replies}
</div></div></body></html>"""
    return weasyprint.HTML(string=html, base_url=None).write_pdf()


COMMENTS = (
    "Is this really a police officer?? Reported.",
    "Delete this mate.",
    "Thought you lot were meant to be professional",
    "Screenshotted before you take it down.",
    "Say what you like, it's true",
    "Tagging the force page on this.",
)


COMMENTS_ON_TEAM_PAGES = (
    "Is this an official police page?",
    "Shared",
    "Why isn't this on the main force page?",
    "Who actually runs this account?",
)


def _comments(rng: random.Random, scenario: str, count: int = 3) -> list[tuple[str, str]]:
    team = scenario == "unauthorised_corporate_account"
    return [
        (f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)[0]}.", comment)
        for comment in rng.sample(COMMENTS_ON_TEAM_PAGES if team else COMMENTS, count)
    ]
