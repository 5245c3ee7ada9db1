"""Reading a viewer's balance, and the weekly frames of the replay, from the view.

Whole weeks come from the buckets; the week containing `as_of`, needs, answers,
acknowledgements and check-ins from the rows. One `frame()` computes every
figure, for a single balance and for each week of the replay alike. No debt, no
score: only how care flowed, each way, over a window of weeks.
"""

from __future__ import annotations

import json
import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from ledger.domain.weeks import monday_of, next_week, week_of, week_start
from projections.audience import Audience, audience_of
from projections.encoding import from_micros, micros
from projections.turns import detect_turns
from projections.views.balance import BUCKET_COUNTS, SUPPORT_TYPES, BalanceStore

DEFAULT_WINDOW_WEEKS = 8
QUIET_VOICE_WEEKS = 6
MAX_FRAMES = 520
QUIET_VOICE_TEXT = (
    "You've been giving a lot of care these past weeks. Is there something you need too? "
    "Letting your partner care for you is part of the flow."
)


@dataclass
class BalanceData:
    """What the frames of one request need, fetched once."""

    timezone: str
    partners: list[str]
    weekly: dict[str, dict[str, dict[str, int]]]  # week -> partner -> counts
    needs: list[Any]
    answers: dict[str, list[int]]  # need -> occurred_at of the care answering it
    acks: list[Any]
    checkins: list[Any]
    viewer: str


class BalanceReader:
    def __init__(self, store: BalanceStore) -> None:
        self.store = store

    def balance(self, ledger_id: UUID, reader: UUID | Audience, as_of: datetime,
                window_weeks: int = DEFAULT_WINDOW_WEEKS) -> dict[str, Any]:
        data = self.fetch(ledger_id, reader, as_of, as_of, window_weeks)
        frame = self.frame(data, as_of, window_weeks)
        frame["turns"] = self.turns(data, as_of)
        return frame

    def series(self, ledger_id: UUID, reader: UUID | Audience, start: datetime, end: datetime,
               now: datetime, window_weeks: int = DEFAULT_WINDOW_WEEKS) -> list[dict[str, Any]]:
        """One frame per ISO week from `start` to `end`, each as of the end of its week
        (or now, for the current week)."""
        timezone = self.timezone(ledger_id)
        weeks = weeks_between(week_of(start, timezone), week_of(end, timezone))
        if len(weeks) > MAX_FRAMES:
            raise ValueError(f"at most {MAX_FRAMES} weeks")
        ends = [min(week_start(next_week(w), timezone) - timedelta(microseconds=1), now)
                for w in weeks]
        data = self.fetch(ledger_id, reader, start, ends[-1], window_weeks)
        return [self.frame(data, as_of, window_weeks) for as_of in ends]

    # ------------------------------------------------------------------ fetch

    def timezone(self, ledger_id: UUID) -> str:
        row = self.store.ledger_row(ledger_id.hex)
        return str(row["timezone"]) if row else "UTC"

    def fetch(self, ledger_id: UUID, reader: UUID | Audience, first_as_of: datetime,
              last_as_of: datetime, window_weeks: int) -> BalanceData:
        row = self.store.ledger_row(ledger_id.hex)
        timezone = str(row["timezone"]) if row else "UTC"
        partners = list(_json_list(row["partners"])) if row else []
        lid, who = ledger_id.hex, audience_of(reader)
        last_week = week_of(last_as_of, timezone)
        first_window = shift_week(week_of(first_as_of, timezone), -(window_weeks - 1))
        since, until = micros(week_start(first_window, timezone)), micros(last_as_of)
        weekly: dict[str, dict[str, dict[str, int]]] = defaultdict(
            lambda: defaultdict(lambda: dict.fromkeys(BUCKET_COUNTS, 0)))
        # A period starting mid-week (a share's `from`) makes its first week partial,
        # like the week of `as_of`: partial weeks are counted from the rows.
        partial = self.partial_weeks(who, timezone, last_week, until)
        after = min(partial) if who.since is not None else None
        for bucket in self.store.weekly(lid, who, last_week, after):
            weekly[bucket["week"]][bucket["partner"]] = {c: int(bucket[c]) for c in BUCKET_COUNTS}
        for week, (low, high) in partial.items():
            for care in self.store.care_rows(lid, who, low, high):
                counts = weekly[week][care["giver"]]
                counts["care"] += 1
                counts["quiet"] += int(care["quiet"])
                counts[care["support_type"]] += 1
        needs = self.store.need_rows(lid, who, min(since, *(low for low, _ in partial.values())),
                                     until)
        for need in needs:
            for week, (low, high) in partial.items():
                if low <= need["occurred_at"] <= high:
                    weekly[week][need["author"]]["needs"] += 1
        answers: dict[str, list[int]] = defaultdict(list)
        for answer in self.store.answers(lid, who, [n["need_id"] for n in needs]):
            answers[answer["in_response_to"]].append(int(answer["occurred_at"]))
        return BalanceData(
            timezone=timezone, partners=partners, weekly=weekly, needs=needs, answers=answers,
            acks=self.store.ack_rows(lid, who, since, until),
            checkins=self.store.checkin_rows(lid, who, first_window, last_week), viewer=who.key,
        )

    @staticmethod
    def partial_weeks(audience: Audience, timezone: str, last_week: str,
                      until: int) -> dict[str, tuple[int, int]]:
        """Weeks counted from rows, each with its (first, last) moment: the week of
        `as_of`, and the first week of the audience's period when it starts mid-week."""
        partial = {last_week: (micros(week_start(last_week, timezone)), until)}
        if audience.since is None:
            return partial
        first = week_of(from_micros(audience.since), timezone)
        if first >= last_week:
            return {last_week: (max(audience.since, partial[last_week][0]), until)}
        end_of_first = micros(week_start(next_week(first), timezone)) - 1
        return {**partial, first: (audience.since, end_of_first)}

    # ------------------------------------------------------------------ frame

    def frame(self, data: BalanceData, as_of: datetime, window_weeks: int) -> dict[str, Any]:
        tz = data.timezone
        last = week_of(as_of, tz)
        weeks = weeks_between(shift_week(last, -(window_weeks - 1)), last)
        start, end = micros(week_start(weeks[0], tz)), micros(as_of)
        care = {p: sum(data.weekly.get(w, {}).get(p, {}).get("care", 0) for w in weeks)
                for p in data.partners}
        total = sum(care.values())
        shares = _shares(care, data.partners, total)
        needs = [n for n in data.needs if start <= n["occurred_at"] <= end]
        partners = {
            _pid(p): {
                "care_given": care[p],
                "care_received": sum(v for q, v in care.items() if q != p),
                "care_share": shares[p],
                "quiet_care_given": self.sum_weeks(data, weeks, p, "quiet"),
                "care_given_by_type": {t: self.sum_weeks(data, weeks, p, t)
                                       for t in SUPPORT_TYPES},
                "needs_expressed": sum(1 for n in needs if n["author"] == p),
                "needs_met": sum(1 for n in needs if n["author"] == p and n["met_at"]
                                 and n["met_at"] <= end),
                "adequacy_received": self.adequacy(data, p, start, end),
            }
            for p in data.partners
        }
        mutuality = None
        if total and len(data.partners) == 2:
            a, b = (shares[p] or 0.0 for p in data.partners)
            mutuality = round(1 - abs(a - b), 4)
        return {
            "as_of": as_of, "window": {"from": monday_of(weeks[0]),
                                       "to": monday_of(weeks[-1]) + timedelta(days=6)},
            "partners": partners, "mutuality": mutuality,
            "responsiveness": {_pid(p): self.responsiveness(data, needs, p, end)
                               for p in data.partners},
            "check_ins": {_pid(p): self.check_ins(data, weeks, p, end) for p in data.partners},
            "prompts": self.prompts(data, last),
        }

    @staticmethod
    def sum_weeks(data: BalanceData, weeks: list[str], partner: str, column: str) -> int:
        return sum(data.weekly.get(w, {}).get(partner, {}).get(column, 0) for w in weeks)

    @staticmethod
    def adequacy(data: BalanceData, partner: str, start: int, end: int) -> dict[str, int]:
        """How the partner judged the care they received (acknowledgements they made)."""
        counts = {"too_little": 0, "right": 0, "too_much": 0}
        for ack in data.acks:
            if ack["author"] == partner and start <= ack["recorded_at"] <= end:
                counts[ack["adequacy"]] += 1
        return counts

    @staticmethod
    def responsiveness(data: BalanceData, needs: list[Any], partner: str,
                       end: int) -> dict[str, Any]:
        hours = []
        mine = [n for n in needs if n["author"] == partner]
        for need in mine:
            answered = [t for t in data.answers.get(need["need_id"], []) if t <= end]
            if answered:
                hours.append((min(answered) - need["occurred_at"]) / 3_600_000_000)
        return {"needs": len(mine), "answered": len(hours),
                "answered_share": round(len(hours) / len(mine), 4) if mine else None,
                "median_response_hours": round(statistics.median(hours), 2) if hours else None}

    @staticmethod
    def check_ins(data: BalanceData, weeks: list[str], partner: str, end: int) -> dict[str, Any]:
        felt = [c["felt_supported"] for c in data.checkins
                if c["author"] == partner and c["week"] in weeks and c["week_start"] <= end]
        return {"count": len(felt),
                "mean_felt_supported": round(statistics.fmean(felt), 2) if felt else None}

    def prompts(self, data: BalanceData, last: str) -> list[dict[str, Any]]:
        """The quiet voice: only for the viewer, after six weeks of giving and no asking."""
        viewer = data.viewer
        if viewer not in data.partners:
            return []
        recent = weeks_between(shift_week(last, -(QUIET_VOICE_WEEKS - 1)), last)
        counts = [data.weekly.get(w, {}).get(viewer, {}) for w in recent]
        if all(c.get("care", 0) > 0 and c.get("needs", 0) == 0 for c in counts):
            return [{"kind": "quiet_voice", "partner": _pid(viewer), "text": QUIET_VOICE_TEXT}]
        return []

    def turns(self, data: BalanceData, as_of: datetime) -> list[dict[str, Any]]:
        if len(data.partners) != 2 or not data.weekly:
            return []
        last = week_of(as_of, data.timezone)
        first = min(w for w in data.weekly if data.weekly[w])
        a, b = data.partners
        series = [(monday_of(w), data.weekly.get(w, {}).get(a, {}).get("care", 0),
                   data.weekly.get(w, {}).get(b, {}).get("care", 0))
                  for w in weeks_between(first, last)]
        return [{"at": t.at, "from_partner": _pid(t.from_partner),
                 "to_partner": _pid(t.to_partner)} for t in detect_turns(series, (a, b))]


def weeks_between(first: str, last: str) -> list[str]:
    weeks, week = [], first
    while week <= last:
        weeks.append(week)
        week = next_week(week)
    return weeks


def shift_week(week: str, by: int) -> str:
    monday: date = monday_of(week) + timedelta(weeks=by)
    year, number, _ = monday.isocalendar()
    return f"{year:04d}-W{number:02d}"


def _shares(care: dict[str, int], partners: list[str], total: int) -> dict[str, float | None]:
    if not total:
        return dict.fromkeys(partners)
    shares: dict[str, float | None] = {p: round(care[p] / total, 4) for p in partners}
    if len(partners) == 2:  # the two shares sum to exactly 1
        shares[partners[1]] = round(1 - (shares[partners[0]] or 0.0), 4)
    return shares


def _pid(hex_id: str) -> str:
    return str(UUID(hex_id))


def _json_list(text: str) -> list[str]:
    value = json.loads(text)
    return [str(v) for v in value] if isinstance(value, list) else []
