"""The two-partner scenario through a client generated from the served OpenAPI document.

tests/api/test_generated_client.py generates `ebbflow_client` beside a copy of this
file, type-checks both with `mypy --strict`, then runs it: `python scenario.py URL`.
Only the document is known here: every name, field and type comes from it.
"""

from __future__ import annotations

import datetime
import sys
from typing import Any, TypeVar
from uuid import UUID

from ebbflow_client import AuthenticatedClient, Client
from ebbflow_client.api.accounts import sign_in, sign_up
from ebbflow_client.api.entries import (
    acknowledge_care,
    check_in,
    express_need,
    offer_care,
    resolve_need,
    share_moment,
)
from ebbflow_client.api.ledgers import get_ledger, join_ledger, open_ledger
from ebbflow_client.api.reads import (
    get_entry,
    list_events,
    read_balance,
    read_balance_series,
    read_timeline,
)
from ebbflow_client.api.shares import approve_share, list_shares, request_share
from ebbflow_client.models import (
    AccountOut,
    AcknowledgementIn,
    AcknowledgementInAdequacy,
    BalanceOut,
    CareIn,
    CareInSupportType,
    CheckInIn,
    EntryOutKind,
    EntryPageOut,
    EntryReplyOut,
    EntryReplyOutStatus,
    EventPageOut,
    JoinIn,
    LedgerIn,
    LedgerOut,
    LedgerReplyOut,
    MomentIn,
    MomentInKind,
    NeedIn,
    NeedInSupportType,
    NewLedgerOut,
    Problem,
    ResolutionIn,
    ResolutionInOutcome,
    SeriesOut,
    ShareIn,
    ShareListOut,
    ShareOutStatus,
    ShareReplyOut,
    ShareReplyOutStatus,
    SignUpIn,
    TokenIn,
    TokenOut,
)
from ebbflow_client.types import Response

PASSWORD = "correct horse battery"
T = TypeVar("T")


def expect(response: Response[Any], kind: type[T], status: int) -> T:
    """The parsed body of a response with the expected status, or the scenario stops."""
    if response.status_code != status or not isinstance(response.parsed, kind):
        raise SystemExit(f"expected {status} {kind.__name__}, got {response.status_code}: "
                         f"{response.content!r}")
    return response.parsed


def partner(base_url: str, name: str) -> tuple[AuthenticatedClient, UUID]:
    anonymous = Client(base_url=base_url)
    email = f"{name.lower()}@example.com"
    signed_up = sign_up.sync_detailed(client=anonymous, body=SignUpIn(
        email=email, password=PASSWORD, display_name=name))
    account = expect(signed_up, AccountOut, 201)
    assert signed_up.headers["Location"] == "/api/v1/accounts/me"
    issued = sign_in.sync_detailed(client=anonymous, body=TokenIn(email=email,
                                                                  password=PASSWORD))
    token = expect(issued, TokenOut, 201)
    assert issued.headers["Location"].startswith("/api/v1/tokens/")
    return AuthenticatedClient(base_url=base_url, token=token.token), account.id


def run(base_url: str) -> None:
    alex, alex_id = partner(base_url, "Alex")
    sam, sam_id = partner(base_url, "Sam")

    opened = open_ledger.sync_detailed(client=alex, body=LedgerIn(name="Us"),
                                       idempotency_key="open-us")
    ledger = expect(opened, NewLedgerOut, 201)
    again = open_ledger.sync_detailed(client=alex, body=LedgerIn(name="Us"),
                                      idempotency_key="open-us")
    assert (again.status_code, again.content) == (opened.status_code, opened.content)
    assert again.headers["ETag"] == opened.headers["ETag"]
    assert again.headers["Location"] == f"/api/v1/ledgers/{ledger.id}"
    joined = expect(join_ledger.sync_detailed(client=sam, body=JoinIn(
        invite_code=ledger.invite_code)), LedgerReplyOut, 200)
    assert [p.id for p in joined.partners] == [alex_id, sam_id]

    need = expect(express_need.sync_detailed(ledger.id, client=alex, body=NeedIn(
        need="Listen to me tonight", support_type=NeedInSupportType.EMOTIONAL, intensity=3)),
        EntryReplyOut, 201)
    care = expect(offer_care.sync_detailed(ledger.id, client=sam, body=CareIn(
        description="We talked", support_type=CareInSupportType.EMOTIONAL,
        in_response_to=need.id)), EntryReplyOut, 201)
    expect(acknowledge_care.sync_detailed(ledger.id, care.id, client=alex, body=AcknowledgementIn(
        adequacy=AcknowledgementInAdequacy.RIGHT)), EntryReplyOut, 201)
    expect(check_in.sync_detailed(ledger.id, client=sam, body=CheckInIn(felt_supported=7)),
           EntryReplyOut, 201)
    expect(share_moment.sync_detailed(ledger.id, client=alex, body=MomentIn(
        kind=MomentInKind.APPRECIATION, text="Thank you")), EntryReplyOut, 201)
    met = expect(resolve_need.sync_detailed(ledger.id, need.id, client=alex, body=ResolutionIn(
        outcome=ResolutionInOutcome.MET)), EntryReplyOut, 201)
    assert met.status == EntryReplyOutStatus.MET

    read = get_ledger.sync_detailed(ledger.id, client=sam)
    current = expect(read, LedgerOut, 200)
    etag = read.headers["ETag"]
    assert etag == f'"{current.version}"'
    stale = express_need.sync_detailed(ledger.id, client=alex, if_match='"1"', body=NeedIn(
        need="Too late", support_type=NeedInSupportType.ESTEEM, intensity=1))
    assert expect(stale, Problem, 412).status == 412
    fresh = expect(express_need.sync_detailed(ledger.id, client=alex, if_match=etag, body=NeedIn(
        need="A walk", support_type=NeedInSupportType.PRACTICAL, intensity=2)), EntryReplyOut, 201)

    page = expect(read_timeline.sync_detailed(ledger.id, client=sam, min_position=fresh.position),
                  EntryPageOut, 200)
    assert [item.kind for item in page.items].count(EntryOutKind.NEED) == 2
    shown = expect(get_entry.sync_detailed(ledger.id, need.id, client=sam), EntryReplyOut, 200)
    assert (shown.need, shown.status) == ("Listen to me tonight", EntryReplyOutStatus.MET)
    events = expect(list_events.sync_detailed(ledger.id, client=sam), EventPageOut, 200)
    assert [e.position for e in events.items] == sorted(e.position for e in events.items)
    balance = expect(read_balance.sync_detailed(ledger.id, client=alex,
                                                min_position=fresh.position), BalanceOut, 200)
    assert balance.partners.additional_properties[str(sam_id)].care_given == 1
    today = datetime.datetime.now(datetime.UTC).date()
    series = expect(read_balance_series.sync_detailed(
        ledger.id, client=alex, from_=today - datetime.timedelta(weeks=3), to=today), SeriesOut, 200)
    assert len(series.items) >= 3

    expires = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=30)
    asked = request_share.sync_detailed(ledger.id, client=alex, body=ShareIn(
        label="Dr. Rivera", expires_at=expires), idempotency_key="share-rivera")
    share = expect(asked, ShareReplyOut, 201)
    assert asked.headers["Location"] == f"/api/v1/ledgers/{ledger.id}/shares/{share.id}"
    approved = expect(approve_share.sync_detailed(ledger.id, share.id, client=sam),
                      ShareReplyOut, 200)
    assert approved.status == ShareReplyOutStatus.ACTIVE and isinstance(approved.url, str)
    listed = expect(list_shares.sync_detailed(ledger.id, client=alex,
                                              min_position=approved.position), ShareListOut, 200)
    assert [(s.id, s.status, s.url) for s in listed.items] == [
        (share.id, ShareOutStatus.ACTIVE, approved.url)]
    print("scenario complete")


if __name__ == "__main__":
    run(sys.argv[1])
