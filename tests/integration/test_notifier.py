"""The notifier and its sender on both backends: decided from events, written to the
outbox with the tracking position, delivered once, discreet, and stopped by a
pause, a departure or an erased account."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from ledger.app.application import LedgerApplication
from ledger.app.commands_mail import MailAddress
from ledger.domain.exceptions import ConfigurationError, Conflict, NotFound
from ledger.domain.notifications import Preferences
from ledger.domain.values import SupportType, Visibility
from ledger.infra.config import Settings
from projections.notify.running import notifier_position, notify_once, restart_at_head
from services.mail.transport import SmtpTransport, transport_for
from tests.e2e.conftest import free_port
from tests.e2e.smtp import Inbox
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


def test_leaving_erases_what_waits_for_the_leaver(opted_in: Couple, mailroom: Mailroom) -> None:
    opted_in.app.choose_notifications(opted_in.sam, Preferences(needs=True, digest="daily"))
    opted_in.app.express_need(opted_in.ledger_id, opted_in.alex, need="n", intensity=1,
                              support_type=SupportType.EMOTIONAL)
    mailroom.deliver()
    assert [r["recipient"] for r in mailroom.rows() if r["sent_at"] is None] == \
        [opted_in.sam.hex]
    opted_in.app.leave(opted_in.ledger_id, opted_in.sam, forget_me=True)
    mailroom.deliver()
    assert [r for r in mailroom.rows() if r["sent_at"] is None] == []


def test_the_weekly_reminder_goes_once_on_the_chosen_day_to_who_has_not_checked_in(
        opted_in: Couple, mailroom: Mailroom, clock: ManualClock) -> None:
    app = opted_in.app  # the clock starts on a Monday at 09:00 UTC (London: GMT)
    app.choose_notifications(opted_in.sam, Preferences(weekly_reminder_day="tuesday"))
    app.choose_notifications(opted_in.alex, Preferences(weekly_reminder_day="tuesday"))
    app.check_in(opted_in.ledger_id, opted_in.alex, felt_supported=7)
    assert mailroom.deliver() == []  # Monday
    clock.advance(days=1)
    assert [m["To"] for m in mailroom.deliver()] == ["sam@example.com"]
    clock.advance(hours=3)
    assert mailroom.deliver() == []  # once a week


def test_without_smtp_an_email_is_a_file_in_the_outbox_folder(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    message = EmailMessage()
    message["Message-ID"] = "<abc123@localhost>"
    message["Subject"] = "You have a new note"
    message.set_content("hello")
    transport = transport_for("", tmp_path / "outbox")
    with caplog.at_level("INFO", logger="ebbflow.mail"):
        transport.send(message)
    written = tmp_path / "outbox" / "abc123.eml"
    assert b"You have a new note" in written.read_bytes()
    assert str(written) in caplog.text


def test_smtp_with_a_user_and_password_logs_in_and_delivers() -> None:
    inbox = Inbox()
    seen: list[str] = []

    def authenticator(server: Any, session: Any, envelope: Any, mechanism: str,
                      auth_data: Any) -> AuthResult:
        seen.append(auth_data.login.decode())
        return AuthResult(success=auth_data.password == b"s3cret")

    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, authenticator=authenticator,
                            auth_require_tls=False)
    controller.start()
    try:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = "a@localhost", "b@localhost", "s"
        message.set_content("hello")
        SmtpTransport(f"smtp://notes%40localhost:s3cret@127.0.0.1:{port}").send(message)
    finally:
        controller.stop()
    assert seen == ["notes@localhost"]
    assert [m["To"] for m in inbox.messages] == ["b@localhost"]


def test_smtp_urls_name_tls_starttls_and_their_default_ports() -> None:
    assert SmtpTransport("smtps://mail.example:1465").describe() == "smtps://mail.example:1465"
    assert SmtpTransport("smtps://mail.example").port == 465
    assert SmtpTransport("smtp+starttls://mail.example").describe() == \
        "smtp+starttls://mail.example:587"
    assert SmtpTransport("smtp://mail.example:2525?starttls=1").starttls
    assert SmtpTransport("smtp://mail.example").describe() == "smtp://mail.example:25"
    with pytest.raises(ConfigurationError):
        SmtpTransport("http://mail.example")


def test_a_new_address_is_unverified_until_its_own_link_is_followed(
        opted_in: Couple, mailroom: Mailroom) -> None:
    app = opted_in.app
    app.request_verification(opted_in.sam)
    old_link = mailroom.kept.link(mailroom.deliver()[0], "verify")
    app.change_email(opted_in.sam, "correct horse battery", "Sam.New@example.com")
    with pytest.raises(NotFound):
        app.verify_email(old_link)  # sent to the old address: it verifies nothing now
    assert app.mail_address(opted_in.sam) == MailAddress("sam.new@example.com", False)
    app.express_need(opted_in.ledger_id, opted_in.alex, need="n", intensity=1,
                     support_type=SupportType.EMOTIONAL)
    arrived = mailroom.deliver()
    assert [(m["To"], m["Subject"]) for m in arrived] == [
        ("sam.new@example.com", "Please confirm your email address")]
    app.verify_email(mailroom.kept.link(arrived[0], "verify"))
    assert app.authenticate("sam.new@example.com", "correct horse battery") == opted_in.sam
    with pytest.raises(Conflict):
        app.change_email(opted_in.alex, "correct horse battery", "sam.new@example.com")
    app.sign_up("sam@example.com", "correct horse battery", "Someone")  # the old one is free


def test_after_a_restore_the_notifier_starts_again_at_the_logs_end(
        opted_in: Couple, mailroom: Mailroom, settings: Settings) -> None:
    opted_in.app.choose_notifications(opted_in.sam, Preferences(needs=True, digest="daily"))
    opted_in.app.express_need(opted_in.ledger_id, opted_in.alex, need="n", intensity=1,
                              support_type=SupportType.EMOTIONAL)
    mailroom.deliver()
    restart_at_head(settings)
    assert notifier_position(settings) == opted_in.app.max_position()
    assert mailroom.rows() == []
    opted_in.app.express_need(opted_in.ledger_id, opted_in.alex, need="n", intensity=1,
                              support_type=SupportType.EMOTIONAL)
    mailroom.deliver()
    assert [r["kind"] for r in mailroom.rows()] == ["needs"]


def test_a_note_due_while_quiet_hours_began_waits_for_them_to_end(
        opted_in: Couple, mailroom: Mailroom, clock: ManualClock) -> None:
    start = (clock.now + timedelta(minutes=30)).strftime("%H:%M")  # London is UTC in March
    end = (clock.now + timedelta(hours=2)).strftime("%H:%M")
    opted_in.app.choose_notifications(opted_in.sam, Preferences(needs=True, quiet_from=start,
                                                                quiet_to=end))
    opted_in.app.express_need(opted_in.ledger_id, opted_in.alex, need="n", intensity=1,
                              support_type=SupportType.EMOTIONAL)
    notify_once(opted_in.app.settings)  # decided before the quiet hours: due at once
    clock.advance(hours=1)  # ...but the sender was away until they began
    assert mailroom.deliver() == []
    clock.advance(hours=1, minutes=1)
    assert [m["To"] for m in mailroom.deliver()] == ["sam@example.com"]
