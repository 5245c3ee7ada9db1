"""Accounts and the email index, on both backends."""

from __future__ import annotations

import threading

import pytest

from ledger.app.application import LedgerApplication
from ledger.domain.exceptions import Conflict, Invalid, NotFound, Unauthenticated
from ledger.domain.places import account_field
from ledger.infra.config import Settings
from ledger.infra.passwords import Passwords

PASSWORD = "correct horse battery"


def test_an_email_belongs_to_one_account_whatever_its_case(app: LedgerApplication) -> None:
    app.sign_up("Robin@Example.com", PASSWORD, "Robin")
    with pytest.raises(Conflict):
        app.sign_up(" robin@example.COM ", PASSWORD, "Robin again")


def test_racing_sign_ups_for_one_email_leave_exactly_one_account(settings: Settings) -> None:
    apps = [LedgerApplication(settings) for _ in range(4)]
    outcomes: list[str] = []

    def sign_up(app: LedgerApplication) -> None:
        try:
            app.sign_up("race@example.com", PASSWORD, "Racer")
            outcomes.append("created")
        except Conflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=sign_up, args=(app,)) for app in apps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for app in apps:
        app.close()
    assert sorted(outcomes) == ["conflict", "conflict", "conflict", "created"]


def test_wrong_credentials_get_one_answer_whether_or_not_the_email_exists(
    app: LedgerApplication,
) -> None:
    account = app.sign_up("kim@example.com", PASSWORD, "Kim").id
    assert app.authenticate("KIM@example.com", PASSWORD) == account
    for email, password in (("kim@example.com", "wrong password"), ("nobody@example.com",
                                                                    PASSWORD), ("not an email",
                                                                                PASSWORD)):
        with pytest.raises(Unauthenticated) as error:
            app.authenticate(email, password)
        assert str(error.value) == "wrong email or password"


@pytest.mark.parametrize(("email", "password", "name", "field"), [
    ("no-at-sign", PASSWORD, "Kim", "email"),
    ("kim@example.com", "short", "Kim", "password"),
    ("kim@example.com", PASSWORD, " ", "display_name"),
    ("kim@example.com", PASSWORD, "x" * 81, "display_name"),
])
def test_sign_up_refuses_invalid_fields_by_name(app: LedgerApplication, email: str,
                                                password: str, name: str, field: str) -> None:
    with pytest.raises(Invalid) as error:
        app.sign_up(email, password, name)
    assert field in error.value.errors


def test_a_hash_made_with_old_parameters_is_upgraded_at_login(settings: Settings) -> None:
    old = LedgerApplication(settings)
    account = old.sign_up("lee@example.com", PASSWORD, "Lee").id
    old.close()
    stronger = settings.with_changes(argon2_time_cost=settings.argon2_time_cost + 1)
    app = LedgerApplication(stronger)
    try:
        version = app.get_account(account).version
        assert app.authenticate("lee@example.com", PASSWORD) == account
        assert app.get_account(account).version == version + 1
        stored = app.keys.account_opener(account).open(app.get_account(account).password_hash,
                                                      account_field(account, "password_hash"))
        assert stored is not None
        assert not Passwords(stronger.argon2_time_cost, stronger.argon2_memory_cost) \
            .needs_rehash(stored)
        assert app.authenticate("lee@example.com", PASSWORD) == account
        assert app.get_account(account).version == version + 1
    finally:
        app.close()


def test_profile_changes_need_the_current_password(app: LedgerApplication) -> None:
    account = app.sign_up("ash@example.com", PASSWORD, "Ash").id
    with pytest.raises(Invalid):
        app.change_profile(account, "not it", display_name="Ashley")
    app.change_profile(account, PASSWORD, display_name="Ashley", password="a new password!")
    assert app.describe_account(account).display_name == "Ashley"
    assert app.authenticate("ash@example.com", "a new password!") == account
    with pytest.raises(Unauthenticated):
        app.authenticate("ash@example.com", PASSWORD)


def test_a_deleted_account_is_erased_and_its_email_can_sign_up_again(
    app: LedgerApplication,
) -> None:
    account = app.sign_up("jo@example.com", PASSWORD, "Jo").id
    recorded, _ = app.open_ledger(account, "Jo's", "UTC")
    app.delete_account(account, PASSWORD)
    with pytest.raises(NotFound):
        app.get_account(account)
    with pytest.raises(NotFound):
        app.get_ledger(recorded.id)
    with pytest.raises(Unauthenticated):
        app.authenticate("jo@example.com", PASSWORD)
    again = app.sign_up("jo@example.com", PASSWORD, "Jo").id
    assert again != account
    assert app.authenticate("jo@example.com", PASSWORD) == again
