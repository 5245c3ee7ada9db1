"""The emails themselves: neutral, a link only, one-click unsubscribe, and the same
notes always make the same Message-ID (so a resend after a crash can be folded)."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

from ledger.infra.links import read_unsubscribe_token
from services.mail.compose import Letterhead, Note, compose

HEAD = Letterhead("Notes <notes@example.org>", "https://notes.example.org", "secret")
NOW = datetime(2026, 3, 4, 12, tzinfo=UTC)
SAM = uuid4()


def test_a_note_is_neutral_with_a_link_and_a_one_click_unsubscribe() -> None:
    ledger = uuid4().hex
    message = compose(HEAD, "sam@example.com", SAM, [Note("m1", "care", ledger)], NOW)
    assert (message["From"], message["Subject"]) == ("Notes <notes@example.org>",
                                                     "You have a new note")
    assert f"https://notes.example.org/ledgers/{ledger}" in message.get_content()
    unsubscribe = str(message["List-Unsubscribe"]).strip("<>")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    token = unsubscribe.rsplit("/", 1)[1]
    assert read_unsubscribe_token("secret", token) == (SAM, "care")
    assert message["Message-ID"] == "<m1@example.org>"


def test_a_digest_is_one_message_whose_unsubscribe_stops_everything() -> None:
    notes = [Note(f"m{i}", kind, uuid4().hex) for i, kind in enumerate(["needs", "care"])]
    first = compose(HEAD, "sam@example.com", SAM, notes, NOW)
    again = compose(HEAD, "sam@example.com", SAM, notes, NOW)
    assert first["Subject"] == "You have new notes"
    assert "2 new notes" in first.get_content()
    assert first["Message-ID"] == again["Message-ID"]
    token = str(first["List-Unsubscribe"]).strip("<>").rsplit("/", 1)[1]
    assert read_unsubscribe_token("secret", token) == (SAM, "all")


def test_a_reset_link_carries_its_token_and_no_unsubscribe() -> None:
    message = compose(HEAD, "sam@example.com", SAM, [Note("m9", "reset", None)], NOW,
                      link_token="ef_r_abc")
    assert "https://notes.example.org/reset/ef_r_abc" in message.get_content()
    assert message["List-Unsubscribe"] is None
