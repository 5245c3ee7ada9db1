"""A year in the life of a demo couple, recorded as if they had used the app.

The history is generated from a seed, so every run tells the same story: Sam
carries most of the care through a hard spring, the tables turn in summer when
Alex needs more, and autumn settles into give and take. The application runs on a
simulated clock that walks through the year, so recorded times are realistic too.
`ebbflow demo` creates it (never in production) and prints the logins.
"""

from __future__ import annotations

import random
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from uuid import UUID

import click

from ledger.app.application import LedgerApplication
from ledger.app.commands_accounts import AccountCommands
from ledger.domain.exceptions import ConfigurationError, Unauthenticated
from ledger.domain.values import Adequacy, MomentKind, Outcome, SupportType, Visibility
from ledger.infra.config import Settings
from services.bootstrap import bootstrap
from web.cli.instance import migrate_all
from web.cli.summary import print_summary

DEMO_PASSWORD = "ebb-and-flow-demo"  # noqa: S105 - a published demo login
DEMO_PEOPLE = (("Alex", "alex@demo.ebbflow.test"), ("Sam", "sam@demo.ebbflow.test"))
WEEKS = 52
SEED = 20261125

NEEDS = [
    ("Can we talk tonight about my week?", "drained", SupportType.EMOTIONAL),
    ("Help me think through the job offer", "unsure", SupportType.INFORMATIONAL),
    ("Could you take the kids on Saturday morning?", "stretched", SupportType.PRACTICAL),
    ("I need to hear that I'm doing okay", "low", SupportType.ESTEEM),
    ("A quiet evening together, phones away", "restless", SupportType.EMOTIONAL),
]
CARE = {
    SupportType.EMOTIONAL: "Listened on the sofa for an hour",
    SupportType.INFORMATIONAL: "Made a pros and cons list together",
    SupportType.PRACTICAL: "Handled breakfast and the school run",
    SupportType.ESTEEM: "Told them how proud I am of them",
}
MOMENTS = [
    (MomentKind.GOOD_NEWS, "The test results came back clear"),
    (MomentKind.APPRECIATION, "Thank you for the flowers"),
    (MomentKind.REPAIR, "Sorry I snapped at dinner; I was tired"),
]


@dataclass
class SimulatedClock:
    now_value: datetime
    step: timedelta = field(default=timedelta(minutes=7))

    def __call__(self) -> datetime:
        self.now_value += timedelta(microseconds=1)
        return self.now_value

    def at(self, moment: datetime) -> None:
        self.now_value = max(self.now_value, moment + self.step)


@dataclass(frozen=True)
class DemoLedger:
    ledger_id: UUID
    logins: tuple[tuple[str, str], ...]
    created: bool


def giver_for_week(week: int, rng: random.Random) -> int:
    """0 = Alex gives, 1 = Sam gives. Spring: Sam carries; summer: Alex; autumn: both."""
    if week < 18:
        return 1 if rng.random() < 0.85 else 0
    if week < 34:
        return 0 if rng.random() < 0.85 else 1
    return rng.randrange(2)


def create_demo(settings: Settings, now: datetime | None = None) -> DemoLedger:
    """Creates the demo couple and their year, unless it exists already. Never in
    production: the demo's logins and password are published."""
    if settings.production:
        raise ConfigurationError("the demo is refused with EBBFLOW_ENV=production: its "
                                 "logins and password are public")
    end = now or datetime.now(UTC)
    start = end - timedelta(weeks=WEEKS)
    clock = SimulatedClock(start - timedelta(days=1))
    with closing(bootstrap(settings, clock)) as services:
        app = services.ledger
        existing = _existing_demo(app)
        if existing is not None:
            return DemoLedger(existing, _logins(), created=False)
        people = [app.sign_up(email, DEMO_PASSWORD, name).id or UUID(int=0)
                  for name, email in DEMO_PEOPLE]
        recorded, invite = app.open_ledger(people[0], "Alex & Sam", "Europe/London")
        ledger_id = recorded.id or UUID(int=0)
        app.join(people[1], invite.code)
        _play_year(app, clock, ledger_id, people, start)
        return DemoLedger(ledger_id, _logins(), created=True)


def _play_year(app: LedgerApplication, clock: SimulatedClock, ledger_id: UUID,
               people: list[UUID], start: datetime) -> None:
    rng = random.Random(SEED)  # noqa: S311 - a reproducible story, not a secret
    for week in range(WEEKS):
        monday = start + timedelta(weeks=week)
        giver = giver_for_week(week, rng)
        for _ in range(rng.randint(1, 3)):
            _need_and_care(app, clock, rng, ledger_id, people, giver, monday)
        if rng.random() < 0.3:
            kind, text = rng.choice(MOMENTS)
            at = monday + timedelta(days=rng.randint(0, 6), hours=rng.randint(8, 21))
            clock.at(at)
            app.share_moment(ledger_id, people[rng.randrange(2)], kind=kind, text=text,
                             occurred_at=at)
        clock.at(monday + timedelta(days=6, hours=20))
        for person, mood in ((0, 6 if giver == 1 else 7), (1, 7 if giver == 0 else 5)):
            felt = min(10, mood + rng.randint(-1, 2))
            app.check_in(ledger_id, people[person], felt_supported=felt)


def _need_and_care(app: LedgerApplication, clock: SimulatedClock, rng: random.Random,
                   ledger_id: UUID, people: list[UUID], giver: int, monday: datetime) -> None:
    receiver = 1 - giver
    need_text, feeling, support = rng.choice(NEEDS)
    asked = monday + timedelta(days=rng.randint(0, 5), hours=rng.randint(7, 20))
    clock.at(asked)
    visibility = Visibility.PRIVATE if rng.random() < 0.08 else Visibility.SHARED
    need = app.express_need(ledger_id, people[receiver], need=need_text, feeling=feeling,
                            support_type=support, intensity=rng.randint(2, 5),
                            visibility=visibility, occurred_at=asked)
    answered = asked + timedelta(hours=rng.uniform(0.5, 30))
    clock.at(answered)
    care = app.offer_care(
        ledger_id, people[giver], description=CARE[support], support_type=support,
        in_response_to=need.id if visibility is Visibility.SHARED else None,
        quiet=rng.random() < 0.1, occurred_at=answered,
    )
    if rng.random() < 0.6:
        clock.at(answered + timedelta(hours=2))
        adequacy = rng.choices(list(Adequacy), weights=[1, 8, 1])[0]
        app.acknowledge_care(ledger_id, people[receiver], care_id=care.id or UUID(int=0),
                             adequacy=adequacy)
    if visibility is Visibility.SHARED and rng.random() < 0.7:
        clock.at(answered + timedelta(hours=5))
        app.resolve_need(ledger_id, people[receiver], need_id=need.id or UUID(int=0),
                         outcome=Outcome.MET)


def _existing_demo(app: AccountCommands) -> UUID | None:
    try:
        account_id = app.authenticate(DEMO_PEOPLE[0][1], DEMO_PASSWORD)
    except Unauthenticated:
        return None
    ledgers = app.describe_account(account_id).ledger_ids
    return ledgers[0] if ledgers else None


def _logins() -> tuple[tuple[str, str], ...]:
    return tuple((email, DEMO_PASSWORD) for _, email in DEMO_PEOPLE)


@click.command("demo")
@click.option("--summary", is_flag=True, help="print shared needs and care per partner per month")
def demo(summary: bool) -> int:
    """create two demo accounts and a ledger with a year of history"""
    settings = Settings.from_env()
    migrate_all(settings)
    made = create_demo(settings)
    click.echo(("created" if made.created else "found") + f" the demo ledger {made.ledger_id}")
    for email, password in made.logins:
        click.echo(f"  log in as {email} / {password}")
    if summary:
        print_summary(settings, made.ledger_id)
    return 0
