"""Storage on a real SQLite file and the real PostgreSQL: events round-trip, no
words reach the database in the clear, keys are checked and destroyed for real."""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import StoredEvent

from ledger.app.application import LedgerApplication
from ledger.domain.exceptions import ConfigurationError
from ledger.domain.ledger import Ledger
from ledger.domain.places import display_name, entry_text, ledger_name
from ledger.domain.values import Adequacy, MomentKind, Outcome, SealedText, SupportType, Visibility
from ledger.infra.config import Settings
from ledger.infra.sealing import ledger_key_id, partner_key_id
from projections.encoding import micros
from projections.read_models import ReadModels
from projections.runner import PROJECTIONS, catch_up, rebuild
from tests.helpers import Couple, ManualClock, make_couple
from tests.integration.raw import raw_database_bytes
from tests.unit.test_ledger_rules import DESIGNED_EVENTS

SECRET = "Zanzibar-marmalade-whisper"


def record_every_kind_of_event(couple: Couple, clock: ManualClock) -> None:
    app, ledger_id, alex, sam = couple.app, couple.ledger_id, couple.alex, couple.sam
    need = app.express_need(ledger_id, alex, need=f"need {SECRET}", feeling="tired",
                            situation="work", support_type=SupportType.EMOTIONAL, intensity=4)
    clock.advance(hours=1)
    care = app.offer_care(ledger_id, sam, description=f"care {SECRET}",
                          support_type=SupportType.PRACTICAL, in_response_to=need.id)
    app.acknowledge_care(ledger_id, alex, care_id=care.id, adequacy=Adequacy.RIGHT,
                         note=f"thanks {SECRET}")
    app.resolve_need(ledger_id, alex, need_id=need.id, outcome=Outcome.MET, note="better")
    other = app.express_need(ledger_id, sam, need="walk", support_type=SupportType.ESTEEM,
                             intensity=2, visibility=Visibility.PRIVATE)
    app.resolve_need(ledger_id, sam, need_id=other.id, outcome=Outcome.WITHDRAWN)
    moment = app.share_moment(ledger_id, sam, kind=MomentKind.GOOD_NEWS, text=f"yay {SECRET}")
    app.check_in(ledger_id, alex, felt_supported=8, note=f"week {SECRET}")
    app.amend_entry(ledger_id, sam, entry_id=moment.id, changes={"text": "better words"},
                    reason="typo")
    app.retract_entry(ledger_id, sam, entry_id=moment.id, reason="not now")
    share = app.request_share(ledger_id, alex, label=f"counsellor {SECRET}",
                              expires_at=clock.now + timedelta(days=30), sections=["timeline"])
    app.approve_share(ledger_id, sam, share_id=share.id)
    app.revoke_share(ledger_id, alex, share_id=share.id)
    app.record_export(ledger_id, alex, format="json", scope={"sections": ["timeline"]},
                      include_private=False)
    app.pause(ledger_id, sam)
    app.resume(ledger_id, sam)
    app.leave(ledger_id, sam, forget_me=False)


def test_every_event_type_round_trips_through_storage(settings: Settings,
                                                     clock: ManualClock) -> None:
    writer = LedgerApplication(settings, clock=clock)
    couple = make_couple(writer)
    record_every_kind_of_event(couple, clock)
    _record_invites_and_a_claim(writer, clock)
    reader = LedgerApplication(settings)  # a fresh process's view: no cache
    try:
        names: set[str] = set()
        for originator in _all_ledger_ids(reader):
            for event in reader.events.get(originator):
                names.add(type(event).__name__)
                stored = reader.mapper.to_stored_event(event)
                assert reader.mapper.to_domain_event(stored) == event
                assert event.timestamp.tzinfo is not None
        assert names == set(DESIGNED_EVENTS)
        need = next(e for e in reader.events.get(couple.ledger_id)
                    if isinstance(e, Ledger.NeedExpressed))
        assert need.support_type is SupportType.EMOTIONAL
        assert need.visibility is Visibility.SHARED
        assert isinstance(need.need, SealedText)
        assert reader.keys.ledger_opener(couple.ledger_id).open(
            need.need, entry_text(couple.ledger_id, need.entry_id, "need")) == f"need {SECRET}"
    finally:
        reader.close()
        writer.close()


def _record_invites_and_a_claim(app: LedgerApplication, clock: ManualClock) -> None:
    owner = app.sign_up("owner@example.com", "correct horse battery", "Owner").id
    joiner = app.sign_up("joiner@example.com", "correct horse battery", "Joiner").id
    recorded, _ = app.open_ledger(owner, "Imported", "UTC")
    ledger_id = recorded.id
    app.revoke_invite(ledger_id, owner)
    placeholder = uuid4()
    sealed = app.seal_for(ledger_id, owner, display_name(ledger_id, placeholder), "Former partner")
    app.change_ledger(ledger_id, owner,
                      lambda ledger: ledger.add_placeholder(owner, placeholder, sealed, clock()))
    _, invite = app.issue_invite(ledger_id, owner)
    app.join(joiner, invite.code)
    assert app.get_ledger(ledger_id, joiner).partners == [owner.hex, joiner.hex]


def _all_ledger_ids(app: LedgerApplication) -> list[UUID]:
    ids = []
    for notification in app.recorder.select_notifications(start=1, limit=10_000):
        if notification.topic.endswith("Ledger.Opened"):
            ids.append(UUID(str(notification.originator_id)))
    return ids


def test_no_entry_text_is_readable_anywhere_in_the_database(settings: Settings,
                                                           clock: ManualClock) -> None:
    app = LedgerApplication(settings, clock=clock)
    try:
        record_every_kind_of_event(make_couple(app), clock)
        for ledger in _all_ledger_ids(app):
            app.take_snapshot(ledger)
        assert catch_up(settings) > 0  # the views hold every entry too
        raw = raw_database_bytes(settings)
    finally:
        app.close()
    assert len(raw) > 10_000
    assert b"check_in" in raw  # a view's row (kind), so the views were scanned too
    for needle in (SECRET, "alex@example.com", "Alex & Sam", "correct horse"):
        assert needle.encode() not in raw
        assert needle.encode().hex().encode() not in raw


def test_a_wrong_instance_key_fails_at_start_with_one_clear_line(settings: Settings,
                                                                 couple: Couple) -> None:
    other_key = Settings.from_env({"EBBFLOW_DATABASE_URL": "sqlite:////tmp/unused.db",
                                   "EBBFLOW_CIPHER_KEY": "A" * 43 + "="}).cipher_key
    with pytest.raises(ConfigurationError) as error:
        LedgerApplication(settings.with_changes(cipher_key=other_key))
    assert "EBBFLOW_CIPHER_KEY does not match" in str(error.value)
    assert "\n" not in str(error.value)


def test_a_destroyed_key_erases_words_while_the_ledger_lives_on(settings: Settings,
                                                                clock: ManualClock) -> None:
    app = LedgerApplication(settings, clock=clock)
    couple = make_couple(app)
    ledger_id, alex, sam = couple.ledger_id, couple.alex, couple.sam
    app.share_moment(ledger_id, sam, kind=MomentKind.APPRECIATION, text=f"Sam says {SECRET}")
    app.express_need(ledger_id, alex, need="Alex's words stay", support_type=SupportType.ESTEEM,
                     intensity=2)
    wrapped = app.recorder.get_wrapped_keys([partner_key_id(ledger_id, sam)])  # type: ignore[attr-defined]
    app.leave(ledger_id, sam, forget_me=True)
    app.close()

    fresh = LedgerApplication(settings, clock=clock)
    try:
        events = list(fresh.events.get(ledger_id))
        opener = fresh.keys.ledger_opener(ledger_id)
        moment = next(e for e in events if isinstance(e, Ledger.MomentShared))
        need = next(e for e in events if isinstance(e, Ledger.NeedExpressed))
        assert opener.open(moment.text, entry_text(ledger_id, moment.entry_id, "text")) is None
        assert opener.open(need.need, entry_text(ledger_id, need.entry_id, "need")) == \
            "Alex's words stay"
        summary = fresh.describe(fresh.get_ledger(ledger_id, alex))
        assert [p.display_name for p in summary.partners] == ["Alex", None]
        for _ in range(3):
            fresh.express_need(ledger_id, alex, need="still here", intensity=1,
                               support_type=SupportType.EMOTIONAL)
        fresh.take_snapshot(ledger_id)
        assert fresh.snapshots is not None
        snapshot = next(iter(fresh.snapshots.get(ledger_id, desc=True, limit=1)))
        assert snapshot.originator_version == fresh.get_ledger(ledger_id, alex).version
    finally:
        fresh.close()
    assert wrapped, "the key existed before it was destroyed"
    blobs = list(wrapped.values())
    raw = raw_after_sweeps(settings, blobs)
    assert not any(blob in raw for blob in blobs)


def test_views_and_rebuilds_pass_over_erased_words_and_keep_the_others(
    settings: Settings, clock: ManualClock,
) -> None:
    app = LedgerApplication(settings, clock=clock)
    try:
        couple = make_couple(app)
        app.express_need(couple.ledger_id, couple.sam, need="Sam's words go",
                         support_type=SupportType.ESTEEM, intensity=2)
        app.express_need(couple.ledger_id, couple.alex, need="Alex's words stay",
                         support_type=SupportType.ESTEEM, intensity=2)
        catch_up(settings)
        app.leave(couple.ledger_id, couple.sam, forget_me=True)
        catch_up(settings)
        rebuild(settings, PROJECTIONS)  # replays events whose words can no longer be opened
        reads = ReadModels(settings)
        try:
            now = micros(clock())
            items = reads.timeline.page(couple.ledger_id, couple.alex, as_of=now, known_at=now,
                                        filters={"kind": "need"},
                                        opener=app.keys.ledger_opener(couple.ledger_id)).items
        finally:
            reads.close()
    finally:
        app.close()
    words = {item["author"]: item["need"] for item in items}
    assert words == {str(couple.alex): "Alex's words stay", str(couple.sam): None}


def raw_after_sweeps(settings: Settings, blobs: list[bytes], attempts: int = 30) -> bytes:
    """The raw bytes once no transaction that began before the erasure is open: on
    PostgreSQL a concurrent snapshot (another test, a backup) keeps the deleted row
    until it ends, and the product sweeps again (see README)."""
    raw = raw_database_bytes(settings)
    app = LedgerApplication(settings)
    try:
        for _ in range(attempts):
            if settings.is_sqlite:
                break
            app.keys.sweep()
            raw = raw_database_bytes(settings)
            if all(blob not in raw for blob in blobs):
                break
            time.sleep(0.1)
    finally:
        app.close()
    return raw


def test_an_event_stored_in_its_old_shape_loads_through_its_upcaster(
    app: LedgerApplication,
) -> None:
    alex = app.sign_up("old@example.com", "correct horse battery", "Old").id
    ledger_id = uuid4()
    app.keys.ensure_key(ledger_key_id(ledger_id))
    sealed = app.keys.seal(ledger_key_id(ledger_id), "Old times", ledger_name(ledger_id))
    v1_state = {  # what an Opened looked like before it carried a time zone
        "timestamp": datetime(2025, 1, 6, 9, 0).astimezone(),
        "originator_topic": "ledger.domainmodel:Ledger",
        "actor": alex, "originally_recorded_at": None, "name": sealed,
        "display_name": sealed, "invite_hash": "h",
        "invite_expires_at": datetime(2025, 1, 13, 9, 0).astimezone(),
    }
    state = app.mapper.transcoder.encode(v1_state)
    assert b"class_version" not in state and b"timezone" not in state
    if app.mapper.compressor:
        state = app.mapper.compressor.compress(state)
    if app.mapper.cipher:
        state = app.mapper.cipher.encrypt(state)
    app.recorder.insert_events([StoredEvent(originator_id=ledger_id, originator_version=1,
                                            topic="ledger.domainmodel:Ledger.Opened",
                                            state=state)])
    ledger = app.get_ledger(ledger_id, alex)
    assert ledger.timezone == "UTC"
    assert ledger.partners == [alex.hex]


def test_the_ledger_as_it_stood_at_a_recorded_time(couple: Couple, clock: ManualClock) -> None:
    app = couple.app
    clock.advance(hours=1)
    app.express_need(couple.ledger_id, couple.alex, need="one", support_type="emotional",
                     intensity=1)
    between = clock.advance(hours=1)
    clock.advance(hours=1)
    app.express_need(couple.ledger_id, couple.alex, need="two", support_type="emotional",
                     intensity=1)
    then = app.ledger_as_recorded_at(couple.ledger_id, couple.alex, between)
    now = app.get_ledger(couple.ledger_id, couple.alex)
    assert len(then.entries) == 1 and len(now.entries) == 2
    assert then.version == now.version - 1


def test_json_of_event_state_never_holds_plain_text(app: LedgerApplication) -> None:
    ledger_id = uuid4()
    app.keys.ensure_key(ledger_key_id(ledger_id))
    sealed = app.keys.seal(ledger_key_id(ledger_id), SECRET, ledger_name(ledger_id))
    encoded = app.mapper.transcoder.encode({"v": sealed})
    assert SECRET.encode() not in encoded
    assert json.loads(encoded)["v"]["_type_"] == "sealed"


def test_the_topics_of_aggregates_that_moved_still_resolve() -> None:
    """Events and snapshots stored before the ledger package was split name the old
    modules (ledger.domainmodel, ledger.accounts, ledger.sharing)."""
    from eventsourcing.utils import resolve_topic

    from ledger.domain.accounts import Account
    from ledger.domain.indexes import EmailIndex, InviteIndex, ShareIndex
    from ledger.domain.sharing import AccessLog
    from ledger.infra.transcodings import register_ledger_transcodings

    register_ledger_transcodings(__import__("eventsourcing.persistence").persistence
                                 .JSONTranscoder())
    assert resolve_topic("ledger.domainmodel:Ledger.NeedExpressed") is Ledger.NeedExpressed
    assert resolve_topic("ledger.domainmodel:Ledger.Snapshot") is Ledger.Snapshot
    assert resolve_topic("ledger.accounts:Account.Registered") is Account.Registered
    assert resolve_topic("ledger.accounts:EmailIndex") is EmailIndex
    assert resolve_topic("ledger.accounts:InviteIndex.Issued") is InviteIndex.Issued
    assert resolve_topic("ledger.sharing:ShareIndex.Issued") is ShareIndex.Issued
    assert resolve_topic("ledger.sharing:AccessLog.Accessed") is AccessLog.Accessed
