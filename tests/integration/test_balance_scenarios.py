"""The balance with hand-computed expectations, on both backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

from ledger.app.application import LedgerApplication
from ledger.domain.values import SupportType, Visibility
from ledger.infra.config import Settings
from projections.read_models import ReadModels
from projections.runner import catch_up
from tests.helpers import Couple, ManualClock, make_couple

MONDAY = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)  # ISO week 2026-W02


def care_each_week(couple: Couple, clock: ManualClock, pattern: list[int]) -> None:
    """pattern[i] = 0: Alex cares that week, 1: Sam does; each care answers a need."""
    app = couple.app
    partners = (couple.alex, couple.sam)
    for week, giver in enumerate(pattern):
        clock.now = MONDAY + timedelta(weeks=week)
        receiver = partners[1 - giver]
        need = app.express_need(couple.ledger_id, receiver, need="a need",
                                support_type=SupportType.EMOTIONAL, intensity=3)
        clock.advance(hours=2 + week % 3)
        app.offer_care(couple.ledger_id, partners[giver], description="care",
                       support_type=SupportType.PRACTICAL, in_response_to=need.id)


@pytest.fixture
def couple_from_monday(app: LedgerApplication, clock: ManualClock) -> Couple:
    clock.now = MONDAY - timedelta(days=1)
    return make_couple(app, tag="-balance")


def balance(models: ReadModels, couple: Couple, viewer: UUID, as_of: datetime,
            window: int = 8) -> dict:
    return models.balance.balance(couple.ledger_id, viewer, as_of, window)


def test_ten_weeks_each_way_make_exactly_one_turn_from_a_to_b(
    settings: Settings, couple_from_monday: Couple, clock: ManualClock, read_models: ReadModels,
) -> None:
    couple = couple_from_monday
    care_each_week(couple, clock, [0] * 10 + [1] * 10)
    catch_up(settings)
    end = balance(read_models, couple, couple.alex, clock.now)
    alex, sam = str(couple.alex), str(couple.sam)
    assert end["turns"] == [{"at": (MONDAY + timedelta(weeks=15)).date(),
                             "from_partner": alex, "to_partner": sam}]
    week5 = balance(read_models, couple, couple.alex, MONDAY + timedelta(weeks=4, days=3))
    assert week5["partners"][alex]["care_share"] == 1.0
    assert week5["partners"][sam]["care_share"] == 0.0
    assert week5["mutuality"] == 0.0
    assert week5["turns"] == []


def test_a_single_odd_week_makes_no_turn(
    settings: Settings, couple_from_monday: Couple, clock: ManualClock, read_models: ReadModels,
) -> None:
    care_each_week(couple_from_monday, clock, [0] * 8 + [1] + [0] * 8)
    catch_up(settings)
    assert balance(read_models, couple_from_monday, couple_from_monday.sam,
                   clock.now)["turns"] == []


def test_the_quiet_voice_speaks_to_the_giver_and_only_to_the_giver(
    settings: Settings, couple_from_monday: Couple, clock: ManualClock, read_models: ReadModels,
) -> None:
    couple = couple_from_monday
    care_each_week(couple, clock, [0] * 7)
    catch_up(settings)
    for_alex = balance(read_models, couple, couple.alex, clock.now)
    for_sam = balance(read_models, couple, couple.sam, clock.now)
    assert [p["kind"] for p in for_alex["prompts"]] == ["quiet_voice"]
    assert for_alex["prompts"][0]["partner"] == str(couple.alex)
    assert for_sam["prompts"] == []
    for word in ("owe", "debt", "score", "points"):
        assert word not in for_alex["prompts"][0]["text"].lower()


def test_window_shares_mutuality_and_responsiveness_medians(
    settings: Settings, couple_from_monday: Couple, clock: ManualClock, read_models: ReadModels,
) -> None:
    couple = couple_from_monday
    care_each_week(couple, clock, [0, 1, 0, 0])  # response hours: 2, 3, 4, 2
    catch_up(settings)
    result = balance(read_models, couple, couple.alex, clock.now, window=8)
    alex, sam = str(couple.alex), str(couple.sam)
    assert result["partners"][alex]["care_given"] == 3
    assert result["partners"][alex]["care_received"] == 1
    assert result["partners"][alex]["care_share"] == 0.75
    assert result["partners"][sam]["care_share"] == 0.25
    assert result["mutuality"] == 0.5
    assert result["partners"][alex]["care_given_by_type"]["practical"] == 3
    assert result["responsiveness"][sam] == {"needs": 3, "answered": 3, "answered_share": 1.0,
                                             "median_response_hours": 2.0}
    assert result["responsiveness"][alex]["median_response_hours"] == 3.0
    assert result["window"]["from"] == (MONDAY - timedelta(weeks=4)).date()
    assert result["window"]["to"] == (MONDAY + timedelta(weeks=3, days=6)).date()


def test_care_late_on_sunday_in_utc_counts_in_the_ledgers_own_week(
    settings: Settings, couple_from_monday: Couple, clock: ManualClock, read_models: ReadModels,
) -> None:
    # Europe/London in summer is UTC+1: Sunday 23:30 UTC is already Monday 00:30 there.
    couple = couple_from_monday
    sunday_late = datetime(2026, 6, 28, 23, 30, tzinfo=UTC)
    clock.now = sunday_late + timedelta(hours=1)
    couple.app.offer_care(couple.ledger_id, couple.alex, description="late", occurred_at=sunday_late,
                          support_type=SupportType.EMOTIONAL)
    catch_up(settings)
    monday_week = balance(read_models, couple, couple.alex, clock.now, window=1)
    assert monday_week["window"]["from"].isoformat() == "2026-06-29"
    assert monday_week["partners"][str(couple.alex)]["care_given"] == 1
    before = balance(read_models, couple, couple.alex, datetime(2026, 6, 28, 22, 0, tzinfo=UTC),
                     window=1)
    assert before["partners"][str(couple.alex)]["care_given"] == 0


def test_a_viewers_balance_counts_only_their_own_private_entries(
    settings: Settings, couple_from_monday: Couple, clock: ManualClock, read_models: ReadModels,
) -> None:
    couple = couple_from_monday
    clock.now = MONDAY + timedelta(days=1)
    couple.app.offer_care(couple.ledger_id, couple.alex, description="unseen kindness",
                          support_type=SupportType.ESTEEM, visibility=Visibility.PRIVATE)
    couple.app.offer_care(couple.ledger_id, couple.sam, description="seen",
                          support_type=SupportType.ESTEEM)
    catch_up(settings)
    alex, sam = str(couple.alex), str(couple.sam)
    assert balance(read_models, couple, couple.alex, clock.now)["partners"][alex]["care_given"] == 1
    assert balance(read_models, couple, couple.sam, clock.now)["partners"][alex]["care_given"] == 0
    assert balance(read_models, couple, couple.sam, clock.now)["partners"][sam]["care_given"] == 1


def test_retracting_and_moving_care_corrects_the_buckets(
    settings: Settings, couple_from_monday: Couple, clock: ManualClock, read_models: ReadModels,
) -> None:
    couple = couple_from_monday
    app = couple.app
    clock.now = MONDAY + timedelta(weeks=3)
    kept = app.offer_care(couple.ledger_id, couple.alex, description="kept",
                          support_type=SupportType.EMOTIONAL)
    dropped = app.offer_care(couple.ledger_id, couple.alex, description="dropped",
                             support_type=SupportType.EMOTIONAL)
    app.retract_entry(couple.ledger_id, couple.alex, entry_id=dropped.id, reason="mistake")
    app.amend_entry(couple.ledger_id, couple.alex, entry_id=kept.id, reason="it was earlier",
                    changes={"occurred_at": MONDAY, "support_type": SupportType.ESTEEM})
    catch_up(settings)
    alex = str(couple.alex)
    week_one = balance(read_models, couple, couple.alex, MONDAY + timedelta(days=2), window=1)
    assert week_one["partners"][alex]["care_given"] == 1
    assert week_one["partners"][alex]["care_given_by_type"]["esteem"] == 1
    week_four = balance(read_models, couple, couple.alex, clock.now, window=1)
    assert week_four["partners"][alex]["care_given"] == 0


def test_check_ins_count_the_partners_only_where_both_checked_in(
    settings: Settings, couple_from_monday: Couple, clock: ManualClock, read_models: ReadModels,
) -> None:
    couple = couple_from_monday
    app = couple.app
    clock.now = MONDAY + timedelta(weeks=2, days=6)
    app.check_in(couple.ledger_id, couple.alex, felt_supported=8, week="2026-W02")
    app.check_in(couple.ledger_id, couple.sam, felt_supported=4, week="2026-W02")
    app.check_in(couple.ledger_id, couple.sam, felt_supported=2, week="2026-W03")
    catch_up(settings)
    result = balance(read_models, couple, couple.alex, clock.now)
    assert result["check_ins"][str(couple.alex)] == {"count": 1, "mean_felt_supported": 8.0}
    assert result["check_ins"][str(couple.sam)] == {"count": 1, "mean_felt_supported": 4.0}
    own = balance(read_models, couple, couple.sam, clock.now)
    assert own["check_ins"][str(couple.sam)] == {"count": 2, "mean_felt_supported": 3.0}


def test_the_replay_series_has_one_frame_per_week(
    settings: Settings, couple_from_monday: Couple, clock: ManualClock, read_models: ReadModels,
) -> None:
    couple = couple_from_monday
    care_each_week(couple, clock, [0, 0, 1])
    catch_up(settings)
    frames = read_models.balance.series(couple.ledger_id, couple.alex, MONDAY,
                                        MONDAY + timedelta(weeks=2), now=clock.now)
    assert len(frames) == 3
    given = [f["partners"][str(couple.alex)]["care_given"] for f in frames]
    assert given == [1, 2, 2]
    assert all("turns" not in f for f in frames)
    single = balance(read_models, couple, couple.alex, frames[1]["as_of"])
    assert single["partners"] == frames[1]["partners"]
