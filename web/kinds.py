"""Every kind of entry the domain declares must be served: a request schema in the
API and a form in the pages. A kind declared in `ledger.domain.kinds` but missing
here stops the app at start-up, never a 500 in front of a partner."""

from __future__ import annotations

from ledger.domain.exceptions import ConfigurationError
from ledger.domain.kinds import KINDS
from web.api.entries import ENTRY_INPUTS
from web.pages.forms import ENTRY_FORMS


def check_kinds_served() -> None:
    for where, served in (("API request schema", ENTRY_INPUTS), ("page form", ENTRY_FORMS)):
        missing = sorted(set(KINDS) - set(served))
        unknown = sorted(set(served) - set(KINDS))
        if missing or unknown:
            raise ConfigurationError(f"entry kinds without a {where}: {missing or ''} "
                                     f"{'; not declared: ' + str(unknown) if unknown else ''}")
