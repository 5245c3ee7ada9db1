"""Value types shared by events, guards and the layers above.

Enums are plain (not `str`) enums on purpose: a str-Enum is serialised by the
JSON encoder as a bare string and silently comes back as `str`. Plain enums reach
our transcodings (`ledger.transcodings`) and come back as themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class SupportType(Enum):
    EMOTIONAL = "emotional"
    INFORMATIONAL = "informational"
    ESTEEM = "esteem"
    PRACTICAL = "practical"


class Visibility(Enum):
    SHARED = "shared"
    PRIVATE = "private"


class Adequacy(Enum):
    TOO_LITTLE = "too_little"
    RIGHT = "right"
    TOO_MUCH = "too_much"


class MomentKind(Enum):
    GOOD_NEWS = "good_news"
    APPRECIATION = "appreciation"
    REPAIR = "repair"


class Outcome(Enum):
    MET = "met"
    WITHDRAWN = "withdrawn"


class EntryKind(Enum):
    """What an entry is; the one-letter value is what the aggregate keeps."""

    NEED = "n"
    CARE = "c"
    ACKNOWLEDGEMENT = "a"
    CHECK_IN = "k"
    MOMENT = "m"


ENUM_TYPES: tuple[type[Enum], ...] = (
    SupportType,
    Visibility,
    Adequacy,
    MomentKind,
    Outcome,
    EntryKind,
)


@dataclass(frozen=True)
class SealedText:
    """Free text encrypted with one data key (AES-GCM).

    The aggregate and the mapper only ever carry this sealed form; it is opened
    for a viewer at read time, so destroying the key erases the words while every
    event still decodes.
    """

    key_id: str
    nonce: bytes
    ciphertext: bytes
    version: int = 1  # 1: bound to its key only (legacy); 2: bound to its place too


TEXT_MAX_LENGTH = 2000
NAME_MAX_LENGTH = 80
INTENSITY_RANGE = (1, 5)
FELT_SUPPORTED_RANGE = (0, 10)
