"""Opening, inviting, joining, pausing and leaving through the application."""

from __future__ import annotations

import pytest

from ledger.app.application import LedgerApplication
from ledger.domain.exceptions import Conflict, NotFound, PreconditionFailed
from ledger.domain.values import SupportType
from ledger.infra.sealing import ledger_key_id, partner_key_id
from tests.helpers import Couple, ManualClock

PASSWORD = "correct horse battery"


def test_a_ledger_is_opened_shared_by_invite_and_listed_for_both(app: LedgerApplication) -> None:
    alex = app.sign_up("a@example.com", PASSWORD, "Alex").id
    sam = app.sign_up("s@example.com", PASSWORD, "Sam").id
    recorded, invite = app.open_ledger(alex, "Our ledger", "America/New_York")
    assert len(invite.code.replace("-", "")) == 12
    joined = app.join(sam, invite.code.lower().replace("-", " "))
    assert joined.id == recorded.id
    for partner in (alex, sam):
        [summary] = app.ledgers_of(partner)
        assert summary.name == "Our ledger"
        assert summary.timezone == "America/New_York"
        assert [p.display_name for p in summary.partners] == ["Alex", "Sam"]


def test_an_invite_code_is_single_use_and_expires_after_seven_days(
    app: LedgerApplication, clock: ManualClock,
) -> None:
    alex = app.sign_up("a@example.com", PASSWORD, "Alex").id
    sam = app.sign_up("s@example.com", PASSWORD, "Sam").id
    robin = app.sign_up("r@example.com", PASSWORD, "Robin").id
    _, invite = app.open_ledger(alex, "Ours", "UTC")
    clock.advance(days=7)
    with pytest.raises(NotFound):
        app.join(sam, invite.code)
    _recorded, fresh = app.issue_invite(app.ledgers_of(alex)[0].id, alex)
    app.join(sam, fresh.code)
    with pytest.raises(NotFound):
        app.join(robin, fresh.code)
    with pytest.raises(NotFound):
        app.join(robin, "NOPE-NOPE-NOPE")


def test_a_stale_expected_version_is_refused_before_anything_is_recorded(couple: Couple) -> None:
    app, ledger_id = couple.app, couple.ledger_id
    version = app.get_ledger(ledger_id).version
    recorded = app.express_need(ledger_id, couple.alex, need="n", intensity=1,
                                support_type=SupportType.EMOTIONAL, expected_version=version)
    assert recorded.version == version + 1
    with pytest.raises(PreconditionFailed):
        app.express_need(ledger_id, couple.alex, need="n", intensity=1,
                         support_type=SupportType.EMOTIONAL, expected_version=version)
    assert app.get_ledger(ledger_id).version == version + 1


def test_commands_answer_increasing_log_positions(couple: Couple) -> None:
    app = couple.app
    first = app.express_need(couple.ledger_id, couple.alex, need="n", intensity=1,
                             support_type=SupportType.EMOTIONAL)
    second = app.offer_care(couple.ledger_id, couple.sam, description="c",
                            support_type=SupportType.EMOTIONAL, in_response_to=first.id)
    assert 0 < first.position < second.position == app.max_position()


def test_when_both_partners_have_left_every_key_of_the_ledger_is_destroyed(
    couple: Couple,
) -> None:
    app, ledger_id = couple.app, couple.ledger_id
    app.leave(ledger_id, couple.sam, forget_me=False)
    assert app.keys.exists(partner_key_id(ledger_id, couple.sam))
    app.leave(ledger_id, couple.alex, forget_me=False)
    for key in (partner_key_id(ledger_id, couple.sam), partner_key_id(ledger_id, couple.alex),
                ledger_key_id(ledger_id)):
        assert not app.keys.exists(key)
    with pytest.raises(NotFound):
        app.get_ledger(ledger_id)
    assert app.ledgers_of(couple.alex) == []


def test_a_partner_who_left_cannot_rejoin_with_a_new_invite(couple: Couple) -> None:
    app = couple.app
    app.leave(couple.ledger_id, couple.sam, forget_me=True)
    with pytest.raises(Conflict):
        app.issue_invite(couple.ledger_id, couple.alex)
