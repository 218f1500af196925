"""Headline sentences in the style of published FOI figures, generated from the figures.

Pure module. In publication mode a count from 1 to 4 is never written as a number.
"""

from __future__ import annotations

from fractions import Fraction

from casetrack.reports.figures import SUPPRESS_BELOW, OutcomeFigures

_ORDINALS = {
    2: "half",
    3: "third",
    4: "quarter",
    5: "fifth",
    6: "sixth",
    7: "seventh",
    8: "eighth",
    9: "ninth",
    10: "tenth",
}
_WORDS = dict(
    enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ]
    )
)


def count_text(n: int, suppressed: bool) -> str:
    if suppressed and 0 < n < SUPPRESS_BELOW:
        return "fewer than five"
    return str(n)


def starting(n: int, suppressed: bool) -> str:
    """A count that starts a sentence: small numbers in words ("Two ended …")."""
    text = count_text(n, suppressed)
    if text.isdigit() and n <= 10:
        text = _WORDS[n]
    return text[0].upper() + text[1:]


def plural(n: int, word: str, suppressed: bool = False, plural_word: str | None = None) -> str:
    text = count_text(n, suppressed)
    many = plural_word or word + "s"
    return f"{text} {word if n == 1 and text == '1' else many}"


def in_words(share: float) -> str:
    """A share as a fraction in words: "about a seventh", "about two thirds", "all"."""
    if share <= 0:
        return "none"
    if share >= 1:
        return "all"
    if share < 0.075:
        return "fewer than one in ten"
    best = min(
        (Fraction(k, d) for d in range(2, 11) for k in range(1, d)),
        key=lambda f: (abs(float(f) - share), f.denominator),
    )
    k, d = best.numerator, best.denominator
    if k == 1:
        words = "half" if d == 2 else ("an " if d == 8 else "a ") + _ORDINALS[d]
    else:
        words = f"{_WORDS[k]} {_ORDINALS[d]}s"
    exact = abs(float(best) - share) < 1e-9
    return words if exact else f"about {words}"


def one_in(share: float) -> str | None:
    """ "about one in seven" for shares near 1/n (n up to 20), else None."""
    if share <= 0 or share > 0.5:
        return None
    n = round(1 / share)
    if n < 3 or n > 20 or abs(1 / n - share) > 0.02:
        return None
    return f"about one in {_WORDS.get(n, str(n))}"


def _hidden(n: int, suppressed: bool) -> bool:
    return suppressed and 0 < n < SUPPRESS_BELOW


def _outcome_sentence(finalised: int, action: int, none_: int, suppressed: bool) -> str:
    """Never give one part as a number when the other is hidden: subtraction would undo it."""
    if _hidden(finalised, suppressed):
        return (
            "Fewer than five investigations have been finalised, so their outcomes are not given."
        )
    if _hidden(none_, suppressed):
        return (
            f"Of the {finalised} finalised investigations, all but fewer than five resulted "
            "in action of some form."
        )
    if _hidden(action, suppressed):
        return (
            f"Of the {finalised} finalised investigations, fewer than five resulted in "
            "action of some form."
        )
    return (
        f"Of the {plural(finalised, 'finalised investigation')}, {none_text(action)} "
        f"resulted in action of some form and {none_text(none_)} in no further action or "
        "no case to answer."
    )


def none_text(n: int) -> str:
    return "none" if n == 0 else str(n)


def _share(part: int, whole: int, suppressed: bool) -> str:
    """A fraction in words, only where it means something and gives nothing away."""
    if whole < 10 or part == 0 or _hidden(part, suppressed):
        return ""
    return f" ({in_words(part / whole)})"


def headlines(figures: OutcomeFigures, suppressed: bool) -> list[str]:
    total = figures.total_investigations
    period = figures.period.describe()
    if total == 0:
        return [f"No investigations were recorded for concerns received from {period}."]
    sentences = [
        f"There {'was' if total == 1 else 'were'} "
        f"{plural(total, 'investigation', suppressed)} into "
        f"{plural(figures.total_cases, 'case', suppressed)} received from {period}."
    ]
    finalised = figures.finalised
    groups = figures.by_outcome_group
    if finalised:
        action, none_ = figures.faced_action, groups["no_action"]
        sentences.append(_outcome_sentence(finalised, action, none_, suppressed))
        if not _hidden(finalised, suppressed):
            if none_ and not _hidden(none_, suppressed) and finalised >= 10:
                sentences.append(
                    f"{in_words(none_ / finalised).capitalize()} of finalised investigations "
                    "ended with no further action or no case to answer."
                )
            left = groups["left_service"]
            if left:
                sentences.append(
                    f"Of those finalised, {count_text(left, suppressed)} ended in resignation, "
                    f"dismissal or retirement{_share(left, finalised, suppressed)}."
                )
            else:
                sentences.append("None ended in resignation, dismissal or retirement.")
    open_ = figures.open_investigations
    if open_:
        noun = "investigation" if open_ == 1 and not suppressed else "investigations"
        sentences.append(
            f"{starting(open_, suppressed)} {noun} "
            f"{'is' if open_ == 1 and not suppressed else 'are'} still open."
        )
    return sentences
