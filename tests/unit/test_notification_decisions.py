"""Who the notifier tells what, and when: each rule alone, without a database."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any
from uuid import UUID, uuid4

from ledger.domain.accounts import Account
from ledger.domain.ledger import Ledger
from ledger.domain.notifications import Preferences
from ledger.domain.values import SupportType, Visibility
from ledger.infra.links import read_unsubscribe_token, unsubscribe_token
from projections.notify.decide import LedgerState, for_account, for_ledger
from projections.notify.schedule import schedule
from tests.helpers import sealed

ALEX, SAM = uuid4(), uuid4()
LEDGER = uuid4()
STATE = LedgerState(partners=[ALEX.hex, SAM.hex])
AT = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)  # a Wednesday
EIGHT = time(8, 0)


def event(cls: Any, actor: UUID = ALEX, **fields: Any) -> Any:
    common = {"originator_id": LEDGER, "originator_version": 5, "timestamp": AT,
              "actor": actor, "originally_recorded_at": None}
    return cls(**common, **fields)


def need(visibility: Visibility = Visibility.SHARED) -> Any:
    return event(Ledger.NeedExpressed, entry_id=uuid4(), occurred_at=AT, need=sealed(),
                 feeling=None, situation=None, support_type=SupportType.EMOTIONAL,
                 intensity=3, recurring=False, visibility=visibility)


def care(quiet: bool = False, answering: UUID | None = None,
         visibility: Visibility = Visibility.SHARED) -> Any:
    return event(Ledger.CareOffered, entry_id=uuid4(), occurred_at=AT, to=SAM,
                 description=sealed(), support_type=SupportType.PRACTICAL,
                 in_response_to=answering, quiet=quiet, visibility=visibility)


def told(evt: Any, state: LedgerState = STATE) -> list[tuple[str, str]]:
    return [(c.recipient, c.kind) for c in for_ledger(evt, state)]


def test_a_shared_need_is_told_to_the_other_partner_only() -> None:
    assert told(need()) == [(SAM.hex, "needs")]


def test_a_private_need_is_told_to_nobody() -> None:
    assert told(need(Visibility.PRIVATE)) == []


def test_care_is_told_to_its_receiver_and_an_answer_is_its_own_kind() -> None:
    assert told(care()) == [(SAM.hex, "care")]
    assert told(care(answering=uuid4())) == [(SAM.hex, "answers")]


def test_quiet_care_and_private_care_are_told_to_nobody() -> None:
    assert told(care(quiet=True)) == []
    assert told(care(visibility=Visibility.PRIVATE)) == []


def test_the_second_check_in_of_a_week_reveals_both_to_both() -> None:
    first = event(Ledger.CheckedIn, entry_id=uuid4(), week="2026-W10", felt_supported=7,
                  note=None)
    assert told(first) == []
    second = event(Ledger.CheckedIn, actor=SAM, entry_id=uuid4(), week="2026-W10",
                   felt_supported=6, note=None)
    both = LedgerState(partners=[ALEX.hex, SAM.hex], checked_in=frozenset({ALEX.hex}))
    assert sorted(told(second, both)) == sorted([(SAM.hex, "check_in_reveal"),
                                                 (ALEX.hex, "check_in_reveal")])


def test_a_share_request_waits_for_the_other_partner() -> None:
    request = event(Ledger.ShareRequested, share_id=uuid4(), label=sealed(), scope_from=None,
                    scope_to=None, sections=["timeline"], include_private=False,
                    expires_at=AT)
    assert told(request) == [(SAM.hex, "shares")]


def test_a_partner_joining_is_told_to_the_one_already_there() -> None:
    joined = event(Ledger.PartnerJoined, actor=SAM, partner_id=SAM, display_name=sealed(),
                   placeholder=False)
    assert told(joined, LedgerState(partners=[ALEX.hex])) == [(ALEX.hex, "joined")]


def test_a_paused_ledger_tells_nobody_and_a_departed_partner_hears_nothing() -> None:
    assert told(need(), LedgerState(partners=[ALEX.hex, SAM.hex], paused=True)) == []
    gone = LedgerState(partners=[ALEX.hex, SAM.hex], departed=frozenset({SAM.hex}))
    assert told(need(), gone) == []


def test_sign_up_and_a_reset_request_send_their_links() -> None:
    reset = Account.PasswordResetRequested(originator_id=SAM, originator_version=3,
                                           timestamp=AT, actor=SAM,
                                           originally_recorded_at=None)
    assert [(c.recipient, c.kind) for c in for_account(reset)] == [(SAM.hex, "reset")]


def test_a_kind_not_opted_in_is_not_scheduled() -> None:
    assert schedule(Preferences(care=True), "needs", "UTC", AT, EIGHT) is None
    assert schedule(Preferences(), "joined", "UTC", AT, EIGHT) is None


def test_a_note_goes_at_once_outside_quiet_hours() -> None:
    chosen = Preferences(needs=True, quiet_from="22:00", quiet_to="07:00")
    assert schedule(chosen, "needs", "UTC", AT, EIGHT).not_before == AT  # type: ignore[union-attr]


def test_quiet_hours_across_midnight_hold_a_note_until_morning_in_the_ledgers_zone() -> None:
    chosen = Preferences(needs=True, quiet_from="22:00", quiet_to="07:00")
    late = datetime(2026, 3, 4, 22, 30, tzinfo=UTC)  # 09:30 in Auckland, 17:30 in New York
    scheduled = schedule(chosen, "needs", "Europe/London", late, EIGHT)
    assert scheduled is not None
    assert scheduled.not_before == datetime(2026, 3, 5, 7, 0, tzinfo=UTC)
    assert schedule(chosen, "needs", "America/New_York", late, EIGHT).not_before == late  # type: ignore[union-attr]


def test_a_daily_digest_gathers_notes_at_the_next_digest_time() -> None:
    chosen = Preferences(needs=True, care=True, digest="daily")
    morning = schedule(chosen, "needs", "UTC", datetime(2026, 3, 4, 6, tzinfo=UTC), EIGHT)
    evening = schedule(chosen, "care", "UTC", AT, EIGHT)
    assert morning is not None and evening is not None and morning.digest
    assert morning.not_before == datetime(2026, 3, 4, 8, tzinfo=UTC)
    assert evening.not_before == datetime(2026, 3, 5, 8, tzinfo=UTC)


def test_an_unsubscribe_link_names_its_account_and_kind_and_cannot_be_altered() -> None:
    token = unsubscribe_token("secret", SAM, "care")
    assert read_unsubscribe_token("secret", token) == (SAM, "care")
    assert read_unsubscribe_token("another secret", token) is None
    assert read_unsubscribe_token("secret", token[:-2] + ("AA" if token[-2:] != "AA" else "BB")) \
        is None


def test_unsubscribing_from_a_digest_turns_every_kind_off() -> None:
    chosen = Preferences(needs=True, care=True, weekly_reminder_day="monday", digest="daily")
    assert not chosen.without("all").any()
    assert chosen.without("care") == Preferences(needs=True, weekly_reminder_day="monday",
                                                 digest="daily")
