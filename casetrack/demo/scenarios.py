"""Kinds of social-media misconduct for the demo cases, from the force's Social & Digital Media
policy and the press reports in the specification's reference documents.

Each summary template says which platforms it reads right with; `{platform}` and `{place}` are
filled in when a case is planned. No real person is named anywhere.
"""

from __future__ import annotations

from casetrack.demo.data import UNIFORMED, Scenario
from casetrack.demo.scenarios_messages import MESSAGE_SCENARIOS

POST_SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        key="offensive_comments",
        weight=14,
        texts=(
            (
                "A member of the public reported comments posted from the subject's personal "
                "{platform} account about the people involved in a road traffic collision in "
                "{place}. The comments mocked the injured driver, and the profile picture shows "
                "the subject in uniform, so readers could link the remarks to the force.",
                ("facebook", "twitter_x"),
                ("public_complaint",),
            ),
            (
                "The subject replied to a local news story about a protest in {place} on "
                "{platform}, calling the protesters 'scum' who 'deserved what they got'. The "
                "reply was shared widely before it was deleted and was reported by several people.",
                ("facebook", "twitter_x"),
                ("public_complaint", "media", "anonymous"),
            ),
            (
                "Corporate Communications found posts on the subject's personal {platform} "
                "account ridiculing people in mental health crisis met on duty in {place}. The "
                "account does not name the force, but earlier posts show the subject's shoulder "
                "number.",
                ("twitter_x", "tiktok", "instagram"),
                ("ccd_monitoring",),
            ),
        ),
        categories=("inappropriate_content",),
        standards=("authority_respect_courtesy", "discreditable_conduct"),
        severities=(("no_misconduct", 3), ("misconduct", 6), ("gross_misconduct", 1)),
        psd_share=0.6,
        maybe_flags=("media_interest",),
        interim=("content_removed",),
    ),
    Scenario(
        key="uniform_dating_profile",
        weight=8,
        texts=(
            (
                "A member of the public reported that the subject's profile on a dating app "
                "includes several photographs of the subject in full uniform, one beside a marked "
                "police car. The profile text invites matches to 'get to know the officer behind "
                "the badge'.",
                ("other",),
                ("public_complaint", "anonymous"),
            ),
            (
                "The subject's public {platform} profile, used to promote a personal-training "
                "business, features photographs in police uniform and describes the subject as "
                "serving in {place}. A colleague raised it as use of police identity for personal "
                "gain.",
                ("instagram", "tiktok", "facebook"),
                ("colleague",),
            ),
            (
                "Photographs of the subject in uniform and with force equipment were used on a "
                "dating profile, reported by a match after the subject boasted about being able to "
                "'look people up'. There is no indication that police systems were accessed.",
                ("other",),
                ("public_complaint",),
            ),
        ),
        categories=("personal_gain",),
        standards=("discreditable_conduct", "orders_instructions"),
        severities=(("no_misconduct", 6), ("misconduct", 2)),
        psd_share=0.2,
        interim=("content_removed",),
        roles=UNIFORMED,
    ),
    Scenario(
        key="crime_scene_images",
        weight=7,
        texts=(
            (
                "The subject posted photographs from the scene of a fatal collision in {place} on "
                "{platform}, with a vehicle registration visible, before the family had been "
                "told. The post was removed after a call from the duty inspector.",
                ("instagram", "facebook", "snapchat"),
                ("ccd_monitoring", "line_manager", "public_complaint"),
            ),
            (
                "A {platform} story posted by the subject showed the inside of a house in {place} "
                "where a warrant was being executed, captioned 'Another one bites the dust'. The "
                "address could be identified from the images.",
                ("instagram", "snapchat"),
                ("colleague", "anonymous", "public_complaint"),
            ),
            (
                "The subject shared a video filmed on a personal phone at the scene of a "
                "stabbing in {place} on {platform}. Corporate Communications flagged it after it "
                "was picked up by a local news page.",
                ("tiktok", "facebook"),
                ("ccd_monitoring", "media"),
            ),
        ),
        categories=("operational_disclosure", "inappropriate_content"),
        standards=("confidentiality", "discreditable_conduct"),
        severities=(("no_misconduct", 1), ("misconduct", 5), ("gross_misconduct", 2)),
        psd_share=0.7,
        risk_flags=("operational_risk",),
        maybe_flags=("media_interest",),
        interim=("content_removed",),
        roles=UNIFORMED,
    ),
    Scenario(
        key="political_activity",
        weight=4,
        texts=(
            (
                "The subject, who holds a politically restricted post, campaigned on {platform} "
                "for a candidate in the local council elections in {place}, including posts "
                "urging people to vote. A member of the public asked whether the force was "
                "taking sides.",
                ("facebook", "twitter_x"),
                ("public_complaint",),
            ),
            (
                "Posts on the subject's {platform} account attacked the policies of a national "
                "political party and linked to a rival party's fundraising page. The subject's "
                "post is politically restricted and the profile names the force as employer.",
                ("twitter_x", "facebook"),
                ("ccd_monitoring", "colleague", "media"),
            ),
            (
                "The subject appears in {platform} photographs as an organiser of a "
                "party-political leafleting session in {place}, with posts describing their part "
                "in it. The subject's job in the force is designated as politically restricted.",
                ("facebook", "instagram"),
                ("colleague", "anonymous", "ccd_monitoring"),
            ),
        ),
        categories=("political_activity",),
        standards=("orders_instructions", "discreditable_conduct"),
        severities=(("no_misconduct", 5), ("misconduct", 2)),
        psd_share=0.25,
        interim=("content_removed",),
        restricted_post=True,
    ),
    Scenario(
        key="unauthorised_corporate_account",
        weight=7,
        texts=(
            (
                "Corporate Communications found a {platform} account using the force crest and "
                "the name of the {place} neighbourhood team that the subject had set up without "
                "authorisation. It had been posting appeals and replying to residents for months.",
                ("facebook", "twitter_x", "instagram"),
                ("ccd_monitoring",),
            ),
            (
                "The subject used an authorised team {platform} account to post messages "
                "criticising budget cuts and senior leadership, presenting them as the force's "
                "view. The account was suspended while enquiries are made, and the press took an "
                "interest.",
                ("twitter_x", "facebook"),
                ("ccd_monitoring", "media"),
            ),
            (
                "Replies posted from a force-branded {platform} account run by the subject argued "
                "with and mocked a resident who had complained about a slow response in {place}. "
                "The resident sent in screenshots.",
                ("twitter_x", "facebook", "tiktok"),
                ("public_complaint",),
            ),
        ),
        categories=("corporate_account_misuse",),
        standards=("orders_instructions", "duties_responsibilities"),
        severities=(("no_misconduct", 5), ("misconduct", 3)),
        psd_share=0.3,
        corporate=True,
        maybe_flags=("media_interest",),
        interim=("account_suspended",),
    ),
    Scenario(
        key="on_duty_use",
        weight=8,
        texts=(
            (
                "A member of the public filmed the subject scrolling {platform} in a marked car "
                "in {place} while an emergency call was waiting to be attended. The subject's "
                "account shows several posts made during the shift.",
                ("facebook", "instagram", "tiktok"),
                ("public_complaint",),
            ),
            (
                "The subject posted {platform} videos filmed in the station and in a patrol car "
                "while on duty, including one recorded while driving. A line manager saw them and "
                "raised the concern.",
                ("tiktok", "instagram", "snapchat"),
                ("line_manager",),
            ),
            (
                "Device records show the subject spent long periods on personal {platform} use "
                "while on duty, during which assigned work was left waiting. A supervisor in "
                "{place} raised it after several warnings.",
                ("facebook", "twitter_x", "tiktok"),
                ("line_manager",),
            ),
        ),
        categories=("on_duty_use",),
        standards=("duties_responsibilities", "orders_instructions"),
        severities=(("no_misconduct", 6), ("misconduct", 2)),
        psd_share=0.15,
        roles=("police_officer", "special_constable", "pcso", "police_staff"),
    ),
    Scenario(
        key="investigation_discussed",
        weight=6,
        texts=(
            (
                "The subject discussed details of an ongoing investigation in {place}, including "
                "who the suspect was, with friends on {platform}. A relative of the suspect saw "
                "the posts and complained.",
                ("facebook", "whatsapp"),
                ("public_complaint",),
            ),
            (
                "Comments by the subject under a {platform} post about a Crown Court trial "
                "called the defendant 'guilty as sin' while the jury was still out, risking "
                "contempt of court. The court notified the force.",
                ("facebook", "twitter_x"),
                ("other",),
            ),
            (
                "The subject posted on {platform} about a forthcoming operation in {place}, "
                "giving the date and the street to be targeted. The operation had to be "
                "postponed.",
                ("facebook", "twitter_x", "instagram"),
                ("colleague", "ccd_monitoring", "anonymous"),
            ),
        ),
        categories=("operational_disclosure",),
        standards=("confidentiality", "discreditable_conduct"),
        severities=(("no_misconduct", 1), ("misconduct", 5), ("gross_misconduct", 2)),
        psd_share=0.85,
        risk_flags=("operational_risk",),
        maybe_flags=("media_interest",),
        interim=("content_removed", "restricted_duties"),
    ),
    Scenario(
        key="discreditable_posts",
        weight=5,
        texts=(
            (
                "The subject posted a video on {platform} of themselves drunk at a party, using "
                "parts of police uniform and handcuffs as props. The video was shared on a "
                "community page in {place}.",
                ("tiktok", "snapchat", "instagram"),
                ("public_complaint", "anonymous", "ccd_monitoring"),
            ),
            (
                "The subject posted a photograph on {platform} of a colleague asleep in the "
                "station in {place}, with a mocking caption, which was then shared outside the "
                "force.",
                ("facebook", "instagram", "snapchat"),
                ("colleague", "ccd_monitoring"),
            ),
        ),
        categories=("inappropriate_content",),
        standards=("discreditable_conduct",),
        severities=(("no_misconduct", 5), ("misconduct", 3)),
        psd_share=0.3,
        interim=("content_removed",),
    ),
)

SCENARIOS: tuple[Scenario, ...] = POST_SCENARIOS + MESSAGE_SCENARIOS
BY_KEY = {scenario.key: scenario for scenario in SCENARIOS}
