"""Someone who can write to the views (a replica, a restored file) cannot make the
service read out words by moving their ciphertext (audit finding 5): sealed text
opens only for its own ledger, entry and field."""

from __future__ import annotations

from typing import Any

from ledger.app.application import LedgerApplication
from ledger.infra.config import Settings
from projections.read_models import ReadModels
from projections.runner import catch_up
from projections.scope import Reading
from tests.helpers import Couple, make_couple


def move_texts(models: ReadModels, source: str, target: str) -> None:
    view = models.views["timeline"]
    with view.write() as cursor:
        row = view.run(cursor, "SELECT texts FROM {entries} WHERE entry_id = ?",
                       (source,)).fetchone()
        view.run(cursor, "UPDATE {entries} SET texts = ? WHERE entry_id = ?",
                 (row["texts"], target))


def needs(app: LedgerApplication, models: ReadModels, couple: Couple) -> dict[str, Any]:
    mine = Reading(models, app.keys).for_partner(couple.ledger_id, couple.alex)
    return {item["id"].replace("-", ""): item["need"]
            for item in mine.timeline(as_of=2**62, known_at=2**62).items}


def test_words_moved_in_a_view_do_not_open_anywhere_else(
    app: LedgerApplication, settings: Settings,
) -> None:
    victims, mallory = make_couple(app, "-v"), make_couple(app, "-m")
    secret = app.express_need(victims.ledger_id, victims.alex, need="ZQVICTIMWORDS",
                              intensity=2, support_type="emotional", visibility="private").id
    first = app.express_need(mallory.ledger_id, mallory.alex, need="first", intensity=2,
                             support_type="emotional").id
    second = app.express_need(mallory.ledger_id, mallory.alex, need="second", intensity=2,
                              support_type="emotional").id
    assert secret and first and second
    catch_up(settings)
    models = ReadModels(settings)
    try:
        assert needs(app, models, mallory) == {first.hex: "first", second.hex: "second"}
        move_texts(models, secret.hex, first.hex)  # another couple's private words
        move_texts(models, second.hex, second.hex)  # unchanged: still opens
        shown = needs(app, models, mallory)
        assert shown[first.hex] is None and shown[second.hex] == "second"
        move_texts(models, second.hex, first.hex)  # the same author, another entry
        assert needs(app, models, mallory)[first.hex] is None
        assert "ZQVICTIMWORDS" in needs(app, models, victims).values()
    finally:
        models.close()
