"""Demo kinds of misconduct in messages and contact: discriminatory chat, contacting victims,
police information on messaging apps, bullying, unreported intelligence, body-worn video.
"""

from __future__ import annotations

from casetrack.demo.data import UNIFORMED, Scenario

MESSAGE_SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        key="discriminatory_content",
        weight=10,
        texts=(
            (
                "A colleague reported racist and homophobic 'jokes' and memes shared by the "
                "subject in a {platform} group used by officers and staff working in {place}. The "
                "colleague left the group and provided screenshots of the messages.",
                ("whatsapp", "facebook_messenger"),
                ("colleague",),
            ),
            (
                "The subject posted a comment on {platform} describing a faith community in "
                "{place} in derogatory terms after a local incident. A member of the public who "
                "recognised the subject from a neighbourhood meeting reported it.",
                ("facebook", "twitter_x"),
                ("public_complaint",),
            ),
            (
                "Misogynistic comments about a female colleague and about women who report "
                "domestic abuse were found in a {platform} conversation when another officer's "
                "phone was examined. The comments were made over several months.",
                ("whatsapp", "snapchat"),
                ("other_force",),
            ),
        ),
        categories=("inappropriate_content",),
        standards=("equality_diversity", "discreditable_conduct", "authority_respect_courtesy"),
        severities=(("misconduct", 4), ("gross_misconduct", 5)),
        psd_share=1.0,
        risk_flags=("discrimination",),
        maybe_flags=("media_interest",),
        interim=("restricted_duties", "suspended_from_duty"),
        pair_share=0.3,
    ),
    Scenario(
        key="victim_contact",
        weight=9,
        texts=(
            (
                "After attending a report of domestic abuse in {place}, the subject sent the "
                "victim a friend request and then direct messages on {platform} asking to meet "
                "for a drink. The victim told her support worker, who passed the messages to "
                "the force.",
                ("facebook_messenger", "instagram"),
                ("public_complaint", "other"),
            ),
            (
                "A victim of burglary reported that the subject, who took her statement, "
                "contacted her late at night on {platform} with personal compliments and asked her "
                "not to tell anyone. The number used was the subject's personal phone.",
                ("whatsapp", "snapchat"),
                ("public_complaint",),
            ),
            (
                "The subject is alleged to have formed an inappropriate association through "
                "{platform} with a vulnerable witness met during an enquiry in {place}. Messages "
                "over several weeks were disclosed by a family member.",
                ("facebook_messenger", "snapchat"),
                ("public_complaint",),
            ),
        ),
        categories=("inappropriate_contact",),
        standards=("honesty_integrity", "discreditable_conduct", "duties_responsibilities"),
        severities=(("misconduct", 2), ("gross_misconduct", 7)),
        psd_share=1.0,
        risk_flags=("victim_contact",),
        interim=("restricted_duties", "suspended_from_duty"),
        roles=UNIFORMED,
    ),
    Scenario(
        key="police_information_shared",
        weight=10,
        texts=(
            (
                "The subject shared a photograph of a command-and-control log, including a "
                "caller's name and address in {place}, in a {platform} group of off-duty "
                "colleagues. One member of the group reported it to a supervisor.",
                ("whatsapp",),
                ("colleague", "line_manager"),
            ),
            (
                "Photographs of a custody record and a detained person's image from {place} were "
                "posted in a personal {platform} chat with a mocking comment about the prisoner. "
                "The images were taken on the subject's personal phone.",
                ("whatsapp", "snapchat"),
                ("colleague", "anonymous"),
            ),
            (
                "At an integrity health check the subject disclosed membership of a {platform} "
                "group in which details of ongoing investigations and suspects' names were "
                "discussed. Microsoft Teams was available for this work but was not used.",
                ("whatsapp", "facebook_messenger"),
                ("self_referral", "line_manager"),
            ),
        ),
        categories=("information_security",),
        standards=("confidentiality", "orders_instructions"),
        severities=(("no_misconduct", 2), ("misconduct", 6), ("gross_misconduct", 1)),
        psd_share=0.6,
        risk_flags=("data_breach",),
        pair_share=0.3,
    ),
    Scenario(
        key="bullying_messages",
        weight=8,
        texts=(
            (
                "A complainant reported threatening, bullying and intimidating private messages "
                "sent to them by the subject on {platform} while their complaint about the "
                "subject was being dealt with. One message told the complainant to 'think "
                "carefully'.",
                ("facebook_messenger", "instagram"),
                ("public_complaint",),
            ),
            (
                "A colleague raised a Dignity at Work concern about months of belittling messages "
                "and memes about them posted by the subject in a team {platform} group in "
                "{place}. Other members of the group joined in.",
                ("whatsapp", "facebook_messenger"),
                ("colleague",),
            ),
            (
                "The subject sent unwanted sexual messages and images to a junior colleague on "
                "{platform} after a team night out. The colleague reported it to a line manager "
                "and kept the messages.",
                ("snapchat", "whatsapp"),
                ("line_manager", "colleague"),
            ),
        ),
        categories=("harassment",),
        standards=("authority_respect_courtesy", "discreditable_conduct"),
        severities=(("no_misconduct", 2), ("misconduct", 5), ("gross_misconduct", 2)),
        psd_share=0.6,
        maybe_flags=("discrimination",),
        interim=("restricted_duties",),
        pair_share=0.12,
    ),
    Scenario(
        key="intelligence_not_reported",
        weight=4,
        texts=(
            (
                "A member of the public sent the subject's personal {platform} account "
                "information about drug dealing in {place}; the subject replied but did not pass "
                "it to the force. The information later proved relevant to an investigation.",
                ("facebook_messenger", "instagram"),
                ("colleague", "line_manager"),
            ),
            (
                "The subject was sent a report of threats against a neighbour through {platform} "
                "and dealt with it informally instead of recording a crime or signposting to 101. "
                "The neighbour complained when nothing happened.",
                ("facebook_messenger", "whatsapp", "facebook"),
                ("public_complaint",),
            ),
        ),
        categories=("intelligence_not_reported",),
        standards=("duties_responsibilities",),
        severities=(("no_misconduct", 5), ("misconduct", 2)),
        psd_share=0.2,
        roles=UNIFORMED,
    ),
    Scenario(
        key="body_worn_video",
        weight=3,
        texts=(
            (
                "A clip of body-worn video from an arrest in {place} was posted on {platform} "
                "with music and captions. The angle and timing show it came from the subject's "
                "camera.",
                ("tiktok", "snapchat", "instagram"),
                ("ccd_monitoring", "public_complaint", "media"),
            ),
            (
                "The subject recorded a screen showing body-worn video of a detained person in "
                "{place} and shared it in a {platform} group. A group member reported it.",
                ("whatsapp", "snapchat"),
                ("colleague",),
            ),
        ),
        categories=("operational_disclosure", "information_security"),
        standards=("confidentiality", "discreditable_conduct"),
        severities=(("misconduct", 5), ("gross_misconduct", 2)),
        psd_share=0.8,
        risk_flags=("data_breach",),
        interim=("content_removed",),
        roles=UNIFORMED,
    ),
)
