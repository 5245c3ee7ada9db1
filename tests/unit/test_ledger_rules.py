"""Every rule of the Ledger aggregate, accepted and refused, without any I/O."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest

from ledger.domain.entries import Share
from ledger.domain.exceptions import Conflict, Invalid, NotAllowed, NotFound
from ledger.domain.ledger import Ledger
from ledger.domain.values import Adequacy, MomentKind, Outcome, SupportType, Visibility
from tests.helpers import START, sealed

ALEX, SAM, ROBIN = UUID(int=1), UUID(int=2), UUID(int=3)
CODE = "code-hash"


def opened(now: datetime = START) -> Ledger:
    return Ledger.open(ledger_id=uuid4(), actor=ALEX, name=sealed("Us"), timezone="Europe/London",
                       display_name=sealed("Alex"), invite_hash=CODE,
                       invite_expires_at=now + timedelta(days=7), now=now)


def joined(now: datetime = START) -> Ledger:
    ledger = opened(now)
    ledger.join(SAM, sealed("Sam"), CODE, now)
    return ledger


def need(ledger: Ledger, actor: UUID = ALEX, now: datetime = START, **overrides: Any) -> UUID:
    entry_id = uuid4()
    fields: dict[str, Any] = dict(
        entry_id=entry_id, occurred_at=now, need=sealed(), feeling=None, situation=None,
        support_type=SupportType.EMOTIONAL, intensity=3, recurring=False,
        visibility=Visibility.SHARED, now=now,
    )
    fields.update(overrides)
    ledger.express_need(actor, **fields)
    return entry_id


def care(ledger: Ledger, actor: UUID = SAM, now: datetime = START, **overrides: Any) -> UUID:
    entry_id = uuid4()
    fields: dict[str, Any] = dict(
        entry_id=entry_id, occurred_at=now, description=sealed(),
        support_type=SupportType.EMOTIONAL, in_response_to=None, quiet=False,
        visibility=Visibility.SHARED, now=now,
    )
    fields.update(overrides)
    ledger.offer_care(actor, **fields)
    return entry_id


def acknowledge(ledger: Ledger, care_id: UUID, actor: UUID = ALEX) -> UUID:
    entry_id = uuid4()
    ledger.acknowledge_care(actor, entry_id=entry_id, care_id=care_id, adequacy=Adequacy.RIGHT,
                            note=None, now=START)
    return entry_id


def check_in(ledger: Ledger, week: str, actor: UUID = ALEX, now: datetime = START) -> UUID:
    entry_id = uuid4()
    ledger.check_in(actor, entry_id=entry_id, week=week, felt_supported=7, note=None, now=now)
    return entry_id


# ------------------------------------------------------------------ partnership

def test_opening_with_an_unknown_time_zone_is_refused() -> None:
    with pytest.raises(Invalid):
        Ledger.open(ledger_id=uuid4(), actor=ALEX, name=sealed(), timezone="Mars/Olympus",
                    display_name=sealed(), invite_hash=CODE, invite_expires_at=START, now=START)


def test_a_valid_invite_admits_the_second_partner_once() -> None:
    ledger = joined()
    assert ledger.active_partners() == [ALEX, SAM]
    assert ledger.invite_hash is None
    with pytest.raises(NotFound):
        ledger.join(ROBIN, sealed(), CODE, START)


def test_a_wrong_or_expired_invite_is_not_found() -> None:
    ledger = opened()
    with pytest.raises(NotFound):
        ledger.join(SAM, sealed(), "another-hash", START)
    with pytest.raises(NotFound):
        ledger.join(SAM, sealed(), CODE, START + timedelta(days=7))


def test_issuing_an_invite_replaces_the_previous_code() -> None:
    ledger = opened()
    ledger.issue_invite(ALEX, "new-hash", START + timedelta(days=7), START)
    with pytest.raises(NotFound):
        ledger.join(SAM, sealed(), CODE, START)
    ledger.join(SAM, sealed(), "new-hash", START)
    assert SAM in ledger.active_partners()


def test_a_revoked_invite_no_longer_admits_anyone() -> None:
    ledger = opened()
    ledger.revoke_invite(ALEX, START)
    with pytest.raises(NotFound):
        ledger.join(SAM, sealed(), CODE, START)


def test_a_full_ledger_takes_no_third_partner_and_issues_no_invite() -> None:
    ledger = joined()
    with pytest.raises(Conflict):
        ledger.issue_invite(ALEX, "x", START + timedelta(days=1), START)


def test_joining_a_ledger_one_already_belongs_to_is_a_conflict() -> None:
    ledger = opened()
    with pytest.raises(Conflict):
        ledger.join(ALEX, sealed(), CODE, START)


def test_a_placeholder_partner_is_claimed_by_the_account_that_joins() -> None:
    ledger = opened()
    placeholder = uuid4()
    ledger.add_placeholder(ALEX, placeholder, sealed("Sam (imported)"), START)
    ledger.issue_invite(ALEX, "claim", START + timedelta(days=7), START)
    ledger.join(SAM, sealed("Sam"), "claim", START)
    assert ledger.partners == [ALEX.hex, SAM.hex]
    assert ledger.placeholders == []
    assert isinstance(ledger.collect_events()[-1], Ledger.PartnerClaimed)


def test_a_stranger_cannot_see_or_write_to_the_ledger() -> None:
    with pytest.raises(NotFound):
        need(joined(), actor=ROBIN)


# ------------------------------------------------------------------ needs and care

def test_a_need_is_recorded_without_any_text_in_the_aggregate() -> None:
    ledger = joined()
    entry_id = need(ledger, intensity=5, recurring=True)
    assert ledger.entries[entry_id.hex] == ["n", 0, 1 | 4, int(START.timestamp()), None]


@pytest.mark.parametrize("intensity", [0, 6])
def test_intensity_outside_one_to_five_is_refused(intensity: int) -> None:
    with pytest.raises(Invalid) as error:
        need(joined(), intensity=intensity)
    assert "intensity" in error.value.errors


@pytest.mark.parametrize("occurred_at", [
    START + timedelta(minutes=6),
    datetime(1999, 12, 31, tzinfo=UTC),
    datetime(2026, 3, 2, 9, 0),
])
def test_occurred_at_in_the_future_before_2000_or_without_offset_is_refused(
    occurred_at: datetime,
) -> None:
    with pytest.raises(Invalid) as error:
        need(joined(), occurred_at=occurred_at)
    assert "occurred_at" in error.value.errors


def test_occurred_at_within_five_minutes_of_clock_skew_is_accepted() -> None:
    ledger = joined()
    need(ledger, occurred_at=START + timedelta(minutes=4))
    assert len(ledger.entries) == 1


def test_care_before_the_other_partner_joined_is_a_conflict() -> None:
    with pytest.raises(Conflict):
        care(opened(), actor=ALEX)


def test_care_goes_to_the_other_partner_and_may_answer_their_open_shared_need() -> None:
    ledger = joined()
    need_id = need(ledger)
    care(ledger, in_response_to=need_id, now=START + timedelta(hours=1),
         occurred_at=START + timedelta(hours=1))
    event = ledger.collect_events()[-1]
    assert isinstance(event, Ledger.CareOffered)
    assert event.to == ALEX and event.in_response_to == need_id


def test_care_answering_a_private_or_unknown_need_is_not_found() -> None:
    ledger = joined()
    private = need(ledger, visibility=Visibility.PRIVATE)
    for target in (private, uuid4()):
        with pytest.raises(NotFound):
            care(ledger, in_response_to=target)


def test_care_for_a_need_of_the_giver_is_rejected() -> None:
    ledger = joined()
    own = need(ledger, actor=SAM)
    with pytest.raises(Invalid) as error:
        care(ledger, in_response_to=own)
    assert "in_response_to" in error.value.errors


def test_care_for_a_met_need_is_a_conflict_unless_the_need_is_recurring() -> None:
    ledger = joined()
    once, theme = need(ledger), need(ledger, recurring=True)
    for need_id in (once, theme):
        ledger.resolve_need(ALEX, need_id=need_id, outcome=Outcome.MET, note=None, now=START)
    with pytest.raises(Conflict):
        care(ledger, in_response_to=once)
    care(ledger, in_response_to=theme)


def test_care_may_not_occur_before_the_need_it_answers() -> None:
    ledger = joined()
    need_id = need(ledger)
    with pytest.raises(Invalid):
        care(ledger, in_response_to=need_id, occurred_at=START - timedelta(hours=1))


def test_only_the_receiver_acknowledges_care_and_only_once() -> None:
    ledger = joined()
    care_id = care(ledger)
    with pytest.raises(NotAllowed):
        acknowledge(ledger, care_id, actor=SAM)
    acknowledge(ledger, care_id)
    with pytest.raises(Conflict):
        acknowledge(ledger, care_id)


def test_private_care_is_invisible_to_its_receiver() -> None:
    ledger = joined()
    care_id = care(ledger, visibility=Visibility.PRIVATE)
    with pytest.raises(NotFound):
        acknowledge(ledger, care_id)


def test_retracting_an_acknowledgement_lets_the_receiver_acknowledge_again() -> None:
    ledger = joined()
    care_id = care(ledger)
    ack = acknowledge(ledger, care_id)
    ledger.retract_entry(ALEX, entry_id=ack, reason=sealed(), now=START)
    acknowledge(ledger, care_id)


def test_only_the_author_resolves_a_need_and_only_once() -> None:
    ledger = joined()
    need_id = need(ledger)
    with pytest.raises(NotAllowed):
        ledger.resolve_need(SAM, need_id=need_id, outcome=Outcome.MET, note=None, now=START)
    ledger.resolve_need(ALEX, need_id=need_id, outcome=Outcome.WITHDRAWN, note=None, now=START)
    with pytest.raises(Conflict):
        ledger.resolve_need(ALEX, need_id=need_id, outcome=Outcome.MET, note=None, now=START)


def test_the_partners_private_need_cannot_be_resolved_or_even_found() -> None:
    ledger = joined()
    private = need(ledger, visibility=Visibility.PRIVATE)
    with pytest.raises(NotFound):
        ledger.resolve_need(SAM, need_id=private, outcome=Outcome.MET, note=None, now=START)


def test_a_moment_is_recorded_with_its_kind() -> None:
    ledger = joined()
    ledger.share_moment(SAM, entry_id=uuid4(), occurred_at=START, kind=MomentKind.REPAIR,
                        text=sealed(), visibility=Visibility.SHARED, now=START)
    assert ledger.collect_events()[-1].kind is MomentKind.REPAIR


# ------------------------------------------------------------------ check-ins

def test_one_check_in_per_partner_per_week() -> None:
    ledger = joined()
    check_in(ledger, "2026-W10")
    check_in(ledger, "2026-W10", actor=SAM)
    with pytest.raises(Conflict):
        check_in(ledger, "2026-W10")


def test_check_ins_for_past_weeks_back_to_the_opening_are_allowed() -> None:
    ledger = joined(START)
    later = START + timedelta(weeks=3)
    check_in(ledger, "2026-W10", now=later)
    with pytest.raises(Invalid):
        check_in(ledger, "2026-W09", now=later)


def test_a_future_or_malformed_week_is_refused() -> None:
    ledger = joined()
    for week in ("2026-W11", "2026-11", "2026-W54"):
        with pytest.raises(Invalid):
            check_in(ledger, week)


def test_check_in_weeks_follow_the_ledger_time_zone() -> None:
    # Sunday 23:30 UTC on 2026-03-29 is already Monday 00:30 in London (BST): week 14.
    sunday_night = datetime(2026, 3, 29, 23, 30, tzinfo=UTC)
    ledger = joined(START)
    check_in(ledger, "2026-W14", now=sunday_night)
    assert "2026-W14" in ledger.check_ins


# ------------------------------------------------------------------ amend and retract

def test_the_author_amends_allowed_fields_and_visibility_only_from_private_to_shared() -> None:
    ledger = joined()
    private = need(ledger, visibility=Visibility.PRIVATE)
    ledger.amend_entry(ALEX, entry_id=private, changes={"visibility": Visibility.SHARED,
                       "intensity": 5}, reason=sealed(), now=START)
    assert ledger.entries[private.hex][2] & 1
    with pytest.raises(Invalid):
        ledger.amend_entry(ALEX, entry_id=private, changes={"visibility": Visibility.PRIVATE},
                           reason=sealed(), now=START)


@pytest.mark.parametrize("changes", [{"to": ALEX}, {"in_response_to": None}, {"adequacy":
                         Adequacy.RIGHT}, {}, {"need": None}, {"intensity": 9}])
def test_amendments_that_break_a_rule_are_refused(changes: dict[str, Any]) -> None:
    ledger = joined()
    need_id = need(ledger)
    with pytest.raises(Invalid):
        ledger.amend_entry(ALEX, entry_id=need_id, changes=changes, reason=sealed(), now=START)


def test_someone_elses_entry_cannot_be_amended_or_retracted() -> None:
    ledger = joined()
    need_id = need(ledger)
    with pytest.raises(NotAllowed):
        ledger.amend_entry(SAM, entry_id=need_id, changes={"intensity": 2}, reason=sealed(),
                           now=START)
    with pytest.raises(NotAllowed):
        ledger.retract_entry(SAM, entry_id=need_id, reason=sealed(), now=START)


def test_a_retracted_entry_cannot_be_amended_retracted_again_or_answered() -> None:
    ledger = joined()
    need_id = need(ledger)
    ledger.retract_entry(ALEX, entry_id=need_id, reason=sealed(), now=START)
    with pytest.raises(Conflict):
        ledger.amend_entry(ALEX, entry_id=need_id, changes={"intensity": 2}, reason=sealed(),
                           now=START)
    with pytest.raises(Conflict):
        ledger.retract_entry(ALEX, entry_id=need_id, reason=sealed(), now=START)
    with pytest.raises(NotFound):
        care(ledger, in_response_to=need_id)


def test_care_cannot_be_amended_to_before_its_need_nor_the_need_after_its_care() -> None:
    ledger = joined()
    need_id = need(ledger)
    later = START + timedelta(hours=2)
    care_id = care(ledger, in_response_to=need_id, occurred_at=later, now=later)
    with pytest.raises(Invalid):
        ledger.amend_entry(SAM, entry_id=care_id, changes={"occurred_at": START - timedelta(
            hours=1)}, reason=sealed(), now=later)
    with pytest.raises(Invalid):
        ledger.amend_entry(ALEX, entry_id=need_id, changes={"occurred_at": later + timedelta(
            hours=1)}, reason=sealed(), now=later + timedelta(hours=1))


# ------------------------------------------------------------------ shares

def request(ledger: Ledger, actor: UUID = ALEX, **overrides: Any) -> UUID:
    share_id = uuid4()
    fields: dict[str, Any] = dict(share_id=share_id, label=sealed(), scope_from=None,
                                  scope_to=None, sections=["timeline"], include_private=False,
                                  expires_at=START + timedelta(days=30), now=START)
    fields.update(overrides)
    ledger.request_share(actor, **fields)
    return share_id


def approve(ledger: Ledger, share_id: UUID, actor: UUID = SAM, now: datetime = START) -> None:
    ledger.approve_share(actor, share_id=share_id, include_private=False, token_hash="t", now=now)


def test_a_share_is_approved_by_the_other_partner_only_once() -> None:
    ledger = joined()
    share_id = request(ledger)
    with pytest.raises(NotAllowed):
        approve(ledger, share_id, actor=ALEX)
    approve(ledger, share_id)
    with pytest.raises(Conflict):
        approve(ledger, share_id)


def test_a_revoked_or_expired_share_cannot_be_approved() -> None:
    ledger = joined()
    revoked, expiring = request(ledger), request(ledger)
    ledger.revoke_share(SAM, share_id=revoked, now=START)
    with pytest.raises(Conflict):
        approve(ledger, revoked)
    with pytest.raises(Conflict):
        approve(ledger, expiring, now=START + timedelta(days=31))


def test_each_partner_opts_in_for_their_own_private_entries_only() -> None:
    ledger = joined()
    share_id = request(ledger, include_private=True)
    ledger.approve_share(SAM, share_id=share_id, include_private=False, token_hash="t", now=START)
    assert ledger.shares[share_id.hex][7] == [ledger.partners.index(ALEX.hex)]


def test_a_snapshot_taken_before_shares_held_their_opt_ins_loads_through_its_upcaster(
) -> None:
    ledger = joined()
    share_id = request(ledger)
    snapshot = Ledger.Snapshot.take(ledger)
    old_state = dict(snapshot.state)  # as a v1 snapshot held it: no class version, no opt-ins
    assert old_state.pop("class_version") == 2
    old_state["shares"] = {k: v[:7] for k, v in old_state["shares"].items()}
    old = Ledger.Snapshot(originator_id=snapshot.originator_id,
                          originator_version=snapshot.originator_version,
                          timestamp=snapshot.timestamp, topic=snapshot.topic, state=old_state)
    loaded = old.mutate(None)
    assert isinstance(loaded, Ledger)
    assert loaded.shares[share_id.hex][7] == []
    approve(loaded, share_id)
    assert loaded.shares[share_id.hex][1] is True


@pytest.mark.parametrize("overrides", [{"sections": []}, {"sections": ["diary"]},
                         {"expires_at": START}, {"scope_from": START, "scope_to": START}])
def test_a_share_with_an_invalid_scope_is_refused(overrides: dict[str, Any]) -> None:
    with pytest.raises(Invalid):
        request(joined(), **overrides)


def test_a_share_needs_a_second_partner_to_approve_it() -> None:
    with pytest.raises(Conflict):
        request(opened())


# ------------------------------------------------------------------ pause and leave

def test_while_paused_only_resume_leave_revoke_share_and_export_are_accepted() -> None:
    ledger = joined()
    share_id = request(ledger)
    ledger.pause(SAM, START)
    with pytest.raises(Conflict):
        need(ledger)
    with pytest.raises(Conflict):
        ledger.issue_invite(ALEX, "x", START + timedelta(days=1), START)
    ledger.revoke_share(ALEX, share_id=share_id, now=START)
    ledger.record_export(ALEX, format="json", scope={}, include_private=False, now=START)
    with pytest.raises(NotAllowed):
        ledger.resume(ALEX, START)
    ledger.resume(SAM, START)
    need(ledger)


def test_a_pause_ends_when_the_partner_who_paused_leaves() -> None:
    ledger = joined()
    ledger.pause(SAM, START)
    ledger.leave(SAM, forget_me=False, now=START)
    assert ledger.paused_by is None
    need(ledger)


def test_a_partner_who_left_records_nothing_afterwards() -> None:
    ledger = joined()
    ledger.leave(SAM, forget_me=True, now=START)
    with pytest.raises(NotFound):
        need(ledger, actor=SAM)
    with pytest.raises(Conflict):
        care(ledger, actor=ALEX)


def test_when_both_have_left_the_ledger_is_erased() -> None:
    ledger = joined()
    ledger.leave(SAM, forget_me=False, now=START)
    assert not ledger.is_erased
    ledger.leave(ALEX, forget_me=False, now=START)
    assert ledger.is_erased
    with pytest.raises(NotFound):
        ledger.join(ROBIN, sealed(), CODE, START)


# ------------------------------------------------------------------ events

def test_recorded_times_strictly_increase_even_when_the_clock_steps_back() -> None:
    ledger = joined()
    need(ledger, now=START - timedelta(hours=1), occurred_at=START - timedelta(hours=2))
    need(ledger, now=START - timedelta(days=1), occurred_at=START - timedelta(days=2))
    times = [event.timestamp for event in ledger.collect_events()]
    assert all(later > earlier for earlier, later in itertools.pairwise(times))


DESIGNED_EVENTS = ["Opened", "InviteIssued", "InviteRevoked", "PartnerJoined", "PartnerClaimed", "NeedExpressed", "CareOffered", "CareAcknowledged", "NeedMet", "NeedWithdrawn", "MomentShared", "CheckedIn", "EntryAmended", "EntryRetracted", "ShareRequested", "ShareApproved", "ShareRevoked", "ExportTaken", "Paused", "Resumed", "PartnerLeft"]


@pytest.mark.parametrize("name", DESIGNED_EVENTS)
def test_every_designed_event_exists_with_a_class_version(name: str) -> None:
    cls = getattr(Ledger, name)
    assert issubclass(cls, Ledger.Event)
    assert cls.__qualname__ == f"Ledger.{name}"
    assert isinstance(cls.class_version, int) and cls.class_version >= 1


def test_leaving_revokes_every_live_share_and_says_why() -> None:
    ledger = joined()
    active, pending, ended = request(ledger), request(ledger), request(ledger)
    approve(ledger, active)
    ledger.revoke_share(SAM, share_id=ended, now=START)
    ledger.leave(SAM, forget_me=False, now=START + timedelta(days=1))
    revoked = [e for e in ledger.collect_events() if isinstance(e, Ledger.ShareRevoked)]
    assert [(e.share_id, e.reason) for e in revoked] == [
        (ended, "revoked"), (active, "partner_left"), (pending, "partner_left")]
    assert all(Share.revoked(ledger.shares[s.hex]) for s in (active, pending, ended))


def test_a_share_lasts_at_most_ninety_days() -> None:
    ledger = joined()
    request(ledger, expires_at=START + timedelta(days=90))
    with pytest.raises(Invalid) as refused:
        request(ledger, expires_at=START + timedelta(days=90, seconds=1))
    assert "expires_at" in refused.value.errors


@pytest.mark.parametrize(("field", "value"), [
    ("recurring", "yes"), ("intensity", True), ("intensity", "3"), ("support_type", "emotional"),
    ("occurred_at", "2026-03-01T00:00:00Z"), ("need", "plain words, not sealed"),
])
def test_an_amendment_value_of_the_wrong_type_is_refused(field: str, value: Any) -> None:
    ledger = joined()
    need_id = need(ledger)
    with pytest.raises(Invalid) as refused:
        ledger.amend_entry(ALEX, entry_id=need_id, changes={field: value}, reason=sealed(),
                           now=START)
    assert field in refused.value.errors
