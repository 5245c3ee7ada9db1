"""One bad event never stops the views for anyone else (audit finding 1): the view
keeps it as a dead letter, moves on, counts it in /metrics, names it in /readyz's
detail, lists it in `ebbflow dead-letters`, and a rebuild retries it."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest

from ledger.app.application import LedgerApplication
from ledger.domain.ledger import Ledger
from ledger.domain.places import AMENDMENT_REASON, entry_text
from ledger.infra.config import Settings
from projections.runner import catch_up, dead_letters, rebuild
from tests.api.conftest import Api
from tests.helpers import make_couple
from web.cli import main
from web.services import services


def poison(app: LedgerApplication, ledger_id: UUID, actor: UUID, need_id: UUID) -> None:
    """Records an amendment whose `recurring` is the word "yes", past every guard, as an
    older release or a forged import once could: the timeline cannot apply it."""
    def command(ledger: Ledger) -> None:
        now = app.clock()
        reason = app.seal_for(ledger_id, actor, entry_text(ledger_id, need_id, AMENDMENT_REASON),
                              "poison")
        ledger.trigger_event(ledger.EntryAmended, timestamp=now, actor=actor, entry_id=need_id,
                             changes={"recurring": "yes"}, reason=reason)

    app.change_ledger(ledger_id, actor, command)


def test_a_bad_event_becomes_a_dead_letter_and_the_views_go_on(
    app: LedgerApplication, settings: Settings,
) -> None:
    victims, others = make_couple(app, "-a"), make_couple(app, "-b")
    need = app.express_need(victims.ledger_id, victims.alex, need="n", intensity=2,
                            support_type="emotional").id
    assert need is not None
    poison(app, victims.ledger_id, victims.alex, need)
    after = app.express_need(others.ledger_id, others.alex, need="still seen", intensity=2,
                             support_type="emotional")
    catch_up(settings)
    found = dead_letters(settings)
    assert [(row["position"], row["error"]) for row in found["timeline"]] == \
        [(after.position - 1, "ValueError")]
    assert found["history"] == [] and found["balance"] == []
    assert [i["need"] for i in timeline(app, settings, others)] == ["still seen"]
    rebuild(settings, ["timeline"])  # retried: still bad, kept once, everything else there
    assert [row["error"] for row in dead_letters(settings)["timeline"]] == ["ValueError"]
    assert [i["need"] for i in timeline(app, settings, others)] == ["still seen"]


def timeline(app: LedgerApplication, settings: Settings, couple: Any) -> list[dict[str, Any]]:
    from projections.read_models import ReadModels
    from projections.scope import Reading

    reads = ReadModels(settings)
    try:
        mine = Reading(reads, app.keys).for_partner(couple.ledger_id, couple.alex)
        return mine.timeline(as_of=2**62, known_at=2**62).items
    finally:
        reads.close()


def test_other_couples_read_their_writes_past_a_dead_letter(
    api: Api, settings: Settings, capsys: pytest.CaptureFixture[str],
) -> None:
    alex, _, ledger = api.couple()
    need = alex.post(f"/api/v1/ledgers/{ledger}/needs", {
        "need": "n", "intensity": 2, "support_type": "emotional"}).json["id"]
    with api.app.app_context():
        poison(services().ledger, UUID(ledger), UUID(alex.id), UUID(need))
    kim, lee = api.person("Kim"), api.person("Lee")
    theirs = kim.post("/api/v1/ledgers", {"name": "Ours"}).json
    lee.post("/api/v1/ledgers/join", {"invite_code": theirs["invite_code"]})
    for n in range(3):
        written = kim.post(f"/api/v1/ledgers/{theirs['id']}/needs", {
            "need": f"kim {n}", "intensity": 1, "support_type": "esteem"}).json
        read = lee.get(f"/api/v1/ledgers/{theirs['id']}/timeline?min_position="
                       f"{written['position']}")
        assert read.status_code == 200
        assert f"kim {n}" in [i["need"] for i in read.json["items"]]
    metrics = api.client.get("/metrics").get_data(as_text=True)
    assert 'ebbflow_projection_dead_letters{projection="timeline"} 1.0' in metrics
    assert 'ebbflow_projection_dead_letters{projection="history"} 0.0' in metrics
    ready = api.client.get("/readyz")
    assert ready.status_code == 200
    assert [row["error"] for row in ready.json["dead_letters"]["timeline"]] == ["ValueError"]
    env = {"EBBFLOW_DATABASE_URL": settings.database_url,
           "EBBFLOW_DATA_DIR": str(settings.data_dir)}
    with pytest.MonkeyPatch.context() as patch:
        for key, value in env.items():
            patch.setenv(key, value)
        assert main(["dead-letters"]) == 0
    printed = capsys.readouterr()
    assert "timeline\tposition" in printed.out and "ValueError" in printed.out
    assert "1 dead letter(s)" in printed.err
