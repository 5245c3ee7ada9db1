"""What VOICE.md (the wording guide, shared/VOICE.md) rules out, as checks on text a
person reads: its "Words to avoid", the literal phrases of its "instead of" column,
ISO week codes, and, on pages, the product's inner name "ledger"."""

from __future__ import annotations

import re

# "Words to avoid everywhere people read": whole words, any case (a plural too)
AVOIDED_WORDS = ("score", "points", "streak", "owe", "owes", "debt", "balance due", "winner",
                 "loser", "deficit", "behind", "ahead", "KPI", "performance", "rating",
                 "carrying", "compliance", "case", "ticket")
# the "instead of" column where it is a literal phrase
AVOIDED_PHRASES = ("Status: open", "answered by", "Say so", "Why retract", "Mutuality",
                   "median", "where the tables turned", "has clearly been carrying",
                   "Missing data for required field.")
PLURAL = {"score", "debt", "winner", "loser", "deficit", "rating", "case", "ticket", "streak"}
ISO_WEEK = re.compile(r"\b\d{4}-W\d{1,2}\b")
LEDGER = re.compile(r"\bledgers?\b", re.IGNORECASE)


def _word(word: str) -> re.Pattern[str]:
    tail = "s?" if word in PLURAL else ""
    return re.compile(rf"(?<!\w){re.escape(word)}{tail}(?!\w)", re.IGNORECASE)


RULES: list[tuple[str, re.Pattern[str]]] = [
    *((f"avoided word {w!r}", _word(w)) for w in AVOIDED_WORDS),
    *((f"avoided phrase {p!r}", re.compile(re.escape(p), re.IGNORECASE))
      for p in AVOIDED_PHRASES),
    ("an ISO week code (say 'week of 30 Nov')", ISO_WEEK),
]


def voice_problems(text: str, *, page: bool = False) -> list[str]:
    """Each phrase VOICE.md rules out found in `text`, with a little of its context;
    `page` adds the rule for visible page text: no "ledger"."""
    rules = [*RULES, ("'ledger' (say 'your notes' or 'your shared space')", LEDGER)] \
        if page else RULES
    found = []
    for why, pattern in rules:
        for match in pattern.finditer(text):
            start, end = max(0, match.start() - 40), match.end() + 40
            context = " ".join(text[start:end].split())
            found.append(f"{why}: …{context}…")
    return found


def assert_speaks_as_voice_md_asks(texts: dict[str, str], *, page: bool = False) -> None:
    """`texts` by where they were read (a page state, a field, a file); fails listing
    every problem in every one."""
    problems = [f"{where}: {problem}" for where, text in texts.items()
                for problem in voice_problems(text, page=page)]
    assert not problems, "VOICE.md rules these out:\n  " + "\n  ".join(problems)
