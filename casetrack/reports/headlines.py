"""Headline sentences in the style of published FOI figures, generated from the figures.

Pure module. In publication mode the sentences state only figures the release shows.
"""

from __future__ import annotations

from fractions import Fraction

from casetrack.reports.figures import SUPPRESSED, OutcomeFigures
from casetrack.reports.release import Published, publish

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


def starting(n: int) -> str:
    """A count that starts a sentence: small numbers in words ("Two ended …")."""
    text = _WORDS[n] if n <= 10 else str(n)
    return text[0].upper() + text[1:]


def plural(n: int, word: str, plural_word: str | None = None) -> str:
    return f"{n} {word if n == 1 else plural_word or word + 's'}"


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


def none_text(n: int) -> str:
    return "none" if n == 0 else str(n)


def _share(part: int, whole: int) -> str:
    """A fraction in words, only where it means something (both figures are shown)."""
    if whole < 10 or part == 0:
        return ""
    return f" ({in_words(part / whole)})"


def _outcome_sentences(shown: Published, suppressed: bool) -> list[str]:
    finalised = shown.finalised
    if finalised == SUPPRESSED:
        return ["The number of finalised investigations and their outcomes are not published."]
    if finalised == 0:
        return []
    action, none_ = shown.faced_action, shown.count("by_outcome_group", "no_action")
    if SUPPRESSED in (action, none_):
        sentences = [
            f"Of the {plural(finalised, 'finalised investigation')}, the numbers that resulted "
            "in action of some form and in no further action or no case to answer are not "
            "published."
        ]
    else:
        sentences = [
            f"Of the {plural(finalised, 'finalised investigation')}, {none_text(action)} "
            f"resulted in action of some form and {none_text(none_)} in no further action or "
            "no case to answer."
        ]
        if none_ and finalised >= 10:
            sentences.append(
                f"{in_words(none_ / finalised).capitalize()} of finalised investigations "
                "ended with no further action or no case to answer."
            )
    left = shown.count("by_outcome_group", "left_service")
    if left == SUPPRESSED:
        sentences.append(
            "The number that ended in resignation, dismissal or retirement is not published."
        )
    elif left:
        sentences.append(
            f"Of those finalised, {left} ended in resignation, dismissal or "
            f"retirement{_share(left, finalised)}."
        )
    else:
        sentences.append("None ended in resignation, dismissal or retirement.")
    return sentences


def headlines(figures: OutcomeFigures | Published, suppressed: bool) -> list[str]:
    """The FOI-style sentences, stating only figures the release shows: a hidden figure is
    said to be not published, never given as "fewer than five" (which would tell a reader
    which hidden figures are the small ones)."""
    shown = publish(figures, suppressed)
    total, cases = shown.total_investigations, shown.total_cases
    period = shown.period.describe()
    if total == 0:
        return [f"No investigations were recorded for concerns received from {period}."]
    if total == SUPPRESSED:
        sentences = [
            f"The number of investigations into concerns received from {period} is not "
            "published, to protect the people involved."
        ]
    elif cases == SUPPRESSED:
        sentences = [
            f"There {'was' if total == 1 else 'were'} {plural(total, 'investigation')} into "
            f"concerns received from {period}; the number of cases is not published."
        ]
    else:
        sentences = [
            f"There {'was' if total == 1 else 'were'} {plural(total, 'investigation')} into "
            f"{plural(cases, 'case')} received from {period}."
        ]
    sentences += _outcome_sentences(shown, suppressed)
    open_ = shown.open_investigations
    if open_ == SUPPRESSED:
        sentences.append("The number of investigations still open is not published.")
    elif open_:
        noun, verb = ("investigation", "is") if open_ == 1 else ("investigations", "are")
        sentences.append(f"{starting(open_)} {noun} {verb} still open.")
    return sentences
