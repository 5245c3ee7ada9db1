"""The notifier and its sender on both backends: decided from events, written to the
outbox with the tracking position, delivered once, discreet, and stopped by a
pause, a departure or an erased account."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from ledger.app.application import LedgerApplication
from ledger.domain.notifications import Preferences
from ledger.domain.values import SupportType, Visibility
from ledger.infra.config import Settings
from tests.helpers import Couple, ManualClock
from tests.integration.mail_helpers import EVERY_KIND, Mailroom, words_in


@pytest.fixture
def mailroom(settings: Settings, app: LedgerApplication) -> Iterator[Mailroom]:
    room = Mailroom(settings, app)
    yield room
    room.close()


@pytest.fixture
def opted_in(couple: Couple, mailroom: Mailroom) -> Couple:
    mailroom.verify(couple.alex, couple.sam)
    for partner in (couple.alex, couple.sam):
        couple.app.choose_notifications(partner, EVERY_KIND)
    return couple


def test_a_shared_need_reaches_the_other_partner_once_without_its_words(
        opted_in: Couple, mailroom: Mailroom) -> None:
    opted_in.app.express_need(opted_in.ledger_id, opted_in.alex, need="a quiet evening",
                              support_type=SupportType.EMOTIONAL, intensity=3)
    arrived = mailroom.deliver()
    assert [m["To"] for m in arrived] == ["sam@example.com"]
    assert arrived[0]["Subject"] == "You have a new note"
    assert not any("quiet evening" in w or "Alex" in w for w in words_in(arrived))
    assert arrived[0]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mailroom.deliver() == []


def test_a_private_need_and_quiet_care_send_nothing(opted_in: Couple,
                                                    mailroom: Mailroom) -> None:
    app = opted_in.app
    app.express_need(opted_in.ledger_id, opted_in.alex, need="mine", intensity=2,
                     support_type=SupportType.PRACTICAL, visibility=Visibility.PRIVATE)
    app.offer_care(opted_in.ledger_id, opted_in.sam, description="unseen", quiet=True,
                   support_type=SupportType.PRACTICAL)
    assert mailroom.deliver() == []


def test_nothing_goes_to_an_unverified_address(couple: Couple, mailroom: Mailroom) -> None:
    mailroom.deliver()  # the sign-up verification links, left unfollowed
    couple.app.choose_notifications(couple.sam, EVERY_KIND)
    couple.app.express_need(couple.ledger_id, couple.alex, need="n", intensity=1,
                            support_type=SupportType.EMOTIONAL)
    assert mailroom.deliver() == []


def test_pausing_erases_what_is_pending_and_sends_nothing_more(
        opted_in: Couple, mailroom: Mailroom, clock: ManualClock) -> None:
    opted_in.app.choose_notifications(opted_in.sam, Preferences(needs=True, digest="daily"))
    opted_in.app.express_need(opted_in.ledger_id, opted_in.alex, need="n", intensity=1,
                              support_type=SupportType.EMOTIONAL)
    assert mailroom.deliver() == []  # held for the digest
    opted_in.app.pause(opted_in.ledger_id, opted_in.alex)
    clock.advance(days=1)
    assert mailroom.deliver() == []
    assert [r["kind"] for r in mailroom.rows() if r["sent_at"] is None] == []


def test_a_deleted_account_loses_its_pending_messages(
        opted_in: Couple, mailroom: Mailroom) -> None:
    opted_in.app.choose_notifications(opted_in.sam, Preferences(care=True, digest="daily"))
    opted_in.app.offer_care(opted_in.ledger_id, opted_in.alex, description="tea",
                            support_type=SupportType.PRACTICAL)
    mailroom.deliver()
    assert [r["recipient"] for r in mailroom.rows() if r["sent_at"] is None] == \
        [opted_in.sam.hex]
    opted_in.app.delete_account(opted_in.sam, "correct horse battery")
    mailroom.deliver()
    assert [r for r in mailroom.rows() if r["sent_at"] is None] == []


def test_a_failed_send_is_retried_with_backoff_and_sent_once(
        opted_in: Couple, mailroom: Mailroom, clock: ManualClock) -> None:
    mailroom.kept.fail_next = 1
    opted_in.app.express_need(opted_in.ledger_id, opted_in.alex, need="n", intensity=1,
                              support_type=SupportType.EMOTIONAL)
    assert mailroom.deliver() == []
    assert mailroom.outbox.counts() == {"sent": 2, "failed": 0, "pending": 1}
    assert mailroom.deliver() == []  # still backing off
    clock.advance(seconds=5)
    assert len(mailroom.deliver()) == 1
    assert mailroom.outbox.counts()["pending"] == 0


def test_a_password_reset_link_works_once_and_ends_every_session(
        couple: Couple, mailroom: Mailroom) -> None:
    app = couple.app
    session = app.tokens.issue(couple.sam, "session")
    app.request_password_reset("SAM@example.com")
    app.request_password_reset("nobody@example.com")
    resets = [m for m in mailroom.deliver() if "password" in str(m["Subject"])]
    assert [m["To"] for m in resets] == ["sam@example.com"]
    token = mailroom.kept.link(resets[0], "reset")
    app.reset_password(token, "a brand new password")
    assert app.authenticate("sam@example.com", "a brand new password") == couple.sam
    assert app.tokens.resolve(session.token, "session") is None
    with pytest.raises(Exception, match="expired or was already used"):
        app.reset_password(token, "another new password")


def test_a_reset_link_expires_after_half_an_hour(couple: Couple, mailroom: Mailroom,
                                                 clock: ManualClock) -> None:
    couple.app.request_password_reset("sam@example.com")
    reset = next(m for m in mailroom.deliver() if "password" in str(m["Subject"]))
    clock.advance(minutes=31)
    with pytest.raises(Exception, match="expired"):
        couple.app.reset_password(mailroom.kept.link(reset, "reset"), "a brand new password")


def test_quiet_hours_hold_a_note_until_they_end(opted_in: Couple, mailroom: Mailroom,
                                                clock: ManualClock) -> None:
    local_now = clock.now  # 09:00 UTC; the ledger is in Europe/London (GMT in March)
    start = (local_now - timedelta(hours=1)).strftime("%H:%M")
    end = (local_now + timedelta(hours=1)).strftime("%H:%M")
    opted_in.app.choose_notifications(opted_in.sam, Preferences(
        needs=True, quiet_from=start, quiet_to=end))
    opted_in.app.express_need(opted_in.ledger_id, opted_in.alex, need="n", intensity=1,
                              support_type=SupportType.EMOTIONAL)
    assert mailroom.deliver() == []
    clock.advance(hours=1, minutes=1)
    assert [m["To"] for m in mailroom.deliver()] == ["sam@example.com"]
