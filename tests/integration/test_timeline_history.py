"""Timeline and raw history through the views, on both backends."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from ledger.domain.values import Adequacy, Outcome, SupportType, Visibility
from projections.encoding import micros
from projections.read_models import ReadModels
from projections.runner import catch_up
from projections.timeline_query import TimelinePage
from tests.helpers import Couple, ManualClock

FAR = 2**62


def page(models: ReadModels, couple: Couple, viewer: Any, **kwargs: Any) -> TimelinePage:
    options: dict[str, Any] = {"as_of": FAR, "known_at": FAR, "filters": {}}
    options.update(kwargs)
    return models.timeline.page(couple.ledger_id, viewer, opener=couple.app.keys.ledger_opener(couple.ledger_id),
                                **options)


def test_entries_show_their_derived_state(settings, couple: Couple, clock: ManualClock,
                                          read_models: ReadModels) -> None:
    app = couple.app
    need = app.express_need(couple.ledger_id, couple.alex, need="Hear me out", feeling="tense",
                            support_type=SupportType.EMOTIONAL, intensity=4)
    clock.advance(hours=1)
    care = app.offer_care(couple.ledger_id, couple.sam, description="Listened",
                          support_type=SupportType.EMOTIONAL, in_response_to=need.id)
    clock.advance(hours=1)
    app.acknowledge_care(couple.ledger_id, couple.alex, care_id=care.id,
                         adequacy=Adequacy.RIGHT, note="Thank you")
    app.resolve_need(couple.ledger_id, couple.alex, need_id=need.id, outcome=Outcome.MET)
    catch_up(settings)
    items = {i["kind"]: i for i in page(read_models, couple, couple.sam).items}
    assert items["need"]["need"] == "Hear me out"
    assert items["need"]["feeling"] == "tense"
    assert items["need"]["status"] == "met"
    assert [r["id"] for r in items["need"]["responses"]] == [str(care.id)]
    assert items["care"]["to"] == str(couple.alex)
    assert items["care"]["acknowledgement"]["adequacy"] == "right"
    assert items["care"]["acknowledgement"]["note"] == "Thank you"
    assert [i["kind"] for i in page(read_models, couple, couple.sam).items] == [
        "acknowledgement", "care", "need"]


def test_as_of_shows_status_and_acknowledgement_as_they_were(
    settings, couple: Couple, clock: ManualClock, read_models: ReadModels,
) -> None:
    app = couple.app
    need = app.express_need(couple.ledger_id, couple.alex, need="n",
                            support_type=SupportType.ESTEEM, intensity=2)
    before = clock.advance(hours=1)
    clock.advance(hours=1)
    app.resolve_need(couple.ledger_id, couple.alex, need_id=need.id, outcome=Outcome.WITHDRAWN)
    catch_up(settings)
    [then] = page(read_models, couple, couple.alex, as_of=micros(before)).items
    [now] = page(read_models, couple, couple.alex).items
    assert (then["status"], now["status"]) == ("open", "withdrawn")


def test_private_entries_are_for_their_author_only(settings, couple: Couple,
                                                   read_models: ReadModels) -> None:
    app = couple.app
    secret = app.express_need(couple.ledger_id, couple.alex, need="just for me",
                              support_type=SupportType.EMOTIONAL, intensity=1,
                              visibility=Visibility.PRIVATE)
    catch_up(settings)
    assert [i["id"] for i in page(read_models, couple, couple.alex).items] == [str(secret.id)]
    assert page(read_models, couple, couple.sam).items == []
    raw_for_sam = read_models.history.events(couple.ledger_id.hex, couple.sam, after=0,
                                             known_at=FAR, limit=500)
    assert "NeedExpressed" not in {row["type"] for row in raw_for_sam}


def test_a_private_entry_made_shared_appears_for_both_from_then_on(
    settings, couple: Couple, clock: ManualClock, read_models: ReadModels,
) -> None:
    app = couple.app
    entry = app.express_need(couple.ledger_id, couple.alex, need="later shared",
                             support_type=SupportType.EMOTIONAL, intensity=1,
                             visibility=Visibility.PRIVATE)
    before = clock.advance(hours=1)
    clock.advance(hours=1)
    app.amend_entry(couple.ledger_id, couple.alex, entry_id=entry.id, reason="ready to share",
                    changes={"visibility": Visibility.SHARED})
    catch_up(settings)
    [shared] = page(read_models, couple, couple.sam).items
    assert shared["visibility"] == "shared"
    assert shared["amended"] is True
    assert page(read_models, couple, couple.sam, known_at=micros(before)).items == []


def test_a_check_in_is_hidden_from_the_partner_until_both_checked_in(
    settings, couple: Couple, read_models: ReadModels,
) -> None:
    app = couple.app
    app.check_in(couple.ledger_id, couple.alex, felt_supported=6)
    catch_up(settings)
    assert page(read_models, couple, couple.sam, filters={"kind": "check_in"}).items == []
    app.check_in(couple.ledger_id, couple.sam, felt_supported=9)
    catch_up(settings)
    seen = page(read_models, couple, couple.sam, filters={"kind": "check_in"}).items
    assert sorted(i["felt_supported"] for i in seen) == [6, 9]


def test_amendments_keep_their_history_and_known_at_shows_the_old_words(
    settings, couple: Couple, clock: ManualClock, read_models: ReadModels,
) -> None:
    app = couple.app
    entry = app.express_need(couple.ledger_id, couple.alex, need="first words",
                             support_type=SupportType.EMOTIONAL, intensity=2)
    before = clock.advance(hours=1)
    clock.advance(hours=1)
    app.amend_entry(couple.ledger_id, couple.alex, entry_id=entry.id, reason="clearer",
                    changes={"need": "better words", "intensity": 4})
    catch_up(settings)
    [now] = page(read_models, couple, couple.sam).items
    assert (now["need"], now["intensity"]) == ("better words", 4)
    assert now["amendments"][0]["changes"] == {"need": "better words", "intensity": 4}
    assert now["amendments"][0]["reason"] == "clearer"
    [then] = page(read_models, couple, couple.sam, known_at=micros(before)).items
    assert (then["need"], then["intensity"], then["amended"]) == ("first words", 2, False)


def test_retracted_entries_leave_the_timeline_unless_asked_for(
    settings, couple: Couple, read_models: ReadModels,
) -> None:
    app = couple.app
    entry = app.share_moment(couple.ledger_id, couple.sam, kind="repair", text="sorry")
    app.retract_entry(couple.ledger_id, couple.sam, entry_id=entry.id, reason="not yet")
    catch_up(settings)
    assert page(read_models, couple, couple.alex).items == []
    [shown] = page(read_models, couple, couple.alex, include_retracted=True).items
    assert shown["retracted"] is True
    raw = read_models.history.events(couple.ledger_id.hex, couple.alex, after=0,
                                     known_at=FAR, limit=500)
    assert [r["retracted_at"] is not None for r in raw if r["type"] == "MomentShared"] == [True]


@pytest.mark.parametrize("limit", [1, 3, 7])
def test_pages_follow_one_another_without_gaps_or_repeats(
    settings, couple: Couple, clock: ManualClock, read_models: ReadModels, limit: int,
) -> None:
    app = couple.app
    same_time = clock.now
    for n in range(10):
        app.express_need(couple.ledger_id, couple.alex, need=f"n{n}", intensity=1,
                         support_type=SupportType.EMOTIONAL,
                         occurred_at=same_time - timedelta(hours=n % 4))
    catch_up(settings)
    seen, after = [], None
    while True:
        result = page(read_models, couple, couple.sam, after=after, limit=limit)
        seen.extend(i["id"] for i in result.items)
        if result.next_after is None:
            break
        after = result.next_after
    everything = page(read_models, couple, couple.sam, limit=100).items
    assert seen == [i["id"] for i in everything]
    assert len(set(seen)) == 10
    times = [i["occurred_at"] for i in everything]
    assert times == sorted(times, reverse=True)


def test_filters_by_partner_kind_support_type_and_time(
    settings, couple: Couple, clock: ManualClock, read_models: ReadModels,
) -> None:
    app = couple.app
    app.express_need(couple.ledger_id, couple.alex, need="a", intensity=1,
                     support_type=SupportType.PRACTICAL,
                     occurred_at=clock.now - timedelta(days=3))
    app.express_need(couple.ledger_id, couple.sam, need="b", intensity=1,
                     support_type=SupportType.EMOTIONAL)
    app.share_moment(couple.ledger_id, couple.sam, kind="good_news", text="c")
    catch_up(settings)

    def texts(**filters: Any) -> list[str]:
        items = page(read_models, couple, couple.alex, filters=filters).items
        return sorted(i.get("need") or i.get("text") for i in items)

    assert texts(partner=couple.sam.hex) == ["b", "c"]
    assert texts(kind="moment") == ["c"]
    assert texts(support_type="practical") == ["a"]
    assert texts(to=micros(clock.now - timedelta(days=1))) == ["a"]
    assert texts(**{"from": micros(clock.now - timedelta(days=1))}) == ["b", "c"]


def test_erased_words_read_as_none_while_the_entry_stays(
    settings, couple: Couple, read_models: ReadModels,
) -> None:
    app = couple.app
    app.share_moment(couple.ledger_id, couple.sam, kind="appreciation", text="thank you")
    app.leave(couple.ledger_id, couple.sam, forget_me=True)
    catch_up(settings)
    [moment] = page(read_models, couple, couple.alex).items
    assert moment["text"] is None
    assert moment["moment_kind"] == "appreciation"
