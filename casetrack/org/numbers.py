"""Staff and collar numbers in one normal form (SPEC §9.1). Pure: no Flask, no database.

`WMP 3310`, `wmp3310`, `WMP\u200b3310` (a zero-width space) and the full-width `ＷＭＰ３３１０`
are one number, so the conflict-of-interest rule cannot be side-stepped by typing it
differently. Every place a staff/collar number enters the system goes through
`normal_staff_number`; migration 0007 holds a frozen copy of the same steps.
"""

from __future__ import annotations

import unicodedata

# Removed after NFKC: separators (Zs, Zl, Zp: every kind of space), controls (Cc: tabs,
# newlines, NUL), format characters (Cf: zero-width spaces and joiners, soft hyphen, BOM,
# bidirectional marks), and unassigned/private-use/surrogate code points (Cn, Co, Cs), which
# no staff number legitimately contains and which display as nothing or as a box.
INVISIBLE_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf", "Cn", "Co", "Cs"})
# Default-ignorable code points that Unicode files under other categories (Mn, Lo, So):
# the combining grapheme joiner, Hangul fillers, the variation selectors.
IGNORABLE = frozenset(
    {0x034F, 0x115F, 0x1160, 0x3164, 0xFFA0, 0x17B4, 0x17B5, 0x180B, 0x180C, 0x180D, 0x180F}
    | set(range(0xFE00, 0xFE10))
    | set(range(0xE0100, 0xE01F0))
)


def normal_staff_number(value: str | None) -> str | None:
    """The one form every staff/collar number is stored and compared in, or None if blank:
    Unicode NFKC, then every space and invisible character removed, then upper case (and
    NFKC again, as upper-casing can produce characters NFKC would change)."""
    if value is None:
        return None
    text = unicodedata.normalize("NFKC", str(value))
    text = "".join(
        ch
        for ch in text
        if unicodedata.category(ch) not in INVISIBLE_CATEGORIES and ord(ch) not in IGNORABLE
    )
    text = unicodedata.normalize("NFKC", text.upper())
    return text or None
