"""Accounts, tokens and ledgers: what the API takes and answers."""

from __future__ import annotations

from marshmallow import fields, validate

from ledger.infra.passwords import MIN_PASSWORD_LENGTH
from ledger.infra.tokens import SIGN_IN_KINDS
from web.api.fields import Name, StrictBoolean, UTCDateTime
from web.api.schemas.base import PlainSchema, asking, choice

A_PASSWORD = validate.Length(
    MIN_PASSWORD_LENGTH, 1024,
    error=f"Please choose a password of {MIN_PASSWORD_LENGTH} to 1024 characters.")
EMAIL = asking("Please write your email address.")
NOT_AN_EMAIL = "Please write an email address, like sam@example.com."


class SignUpIn(PlainSchema):
    email = fields.Email(required=True, validate=validate.Length(max=254), error_messages={
        **EMAIL, "invalid": NOT_AN_EMAIL})
    password = fields.String(required=True, validate=A_PASSWORD,
                             error_messages=asking("Please choose a password."))
    display_name = Name(required=True, error_messages=asking(
        "Please write the name your partner will see."))


class AccountOut(PlainSchema):
    id = fields.UUID(dump_only=True, required=True)
    email = fields.String(dump_only=True, allow_none=True, required=True)
    display_name = fields.String(dump_only=True, allow_none=True, required=True)


class ProfileIn(PlainSchema):
    current_password = fields.String(required=True, error_messages=asking(
        "Please write your current password."))
    display_name = Name()
    email = fields.Email(validate=validate.Length(max=254), error_messages={
        "invalid": NOT_AN_EMAIL})
    password = fields.String(validate=A_PASSWORD)


class PasswordIn(PlainSchema):
    password = fields.String(required=True, error_messages=asking("Please write your password."))


class TokenIn(PlainSchema):
    email = fields.String(required=True, validate=validate.Length(1, 254), error_messages=EMAIL)
    password = fields.String(required=True, validate=validate.Length(1, 1024),
                             error_messages=asking("Please write your password."))


class TokenOut(PlainSchema):
    token = fields.String(dump_only=True, required=True)
    expires_at = UTCDateTime(dump_only=True, required=True)


class TokenInfoOut(PlainSchema):
    id = fields.UUID(dump_only=True, required=True)
    kind = choice(list(SIGN_IN_KINDS), required=True)
    created_at = UTCDateTime(dump_only=True, required=True)
    expires_at = UTCDateTime(dump_only=True, required=True)
    last_used_at = UTCDateTime(dump_only=True, allow_none=True, required=True)
    user_agent = fields.String(dump_only=True, allow_none=True, required=True)
    current = fields.Boolean(dump_only=True, required=True)


class TokenListOut(PlainSchema):
    items = fields.List(fields.Nested(TokenInfoOut), dump_only=True, required=True)


# ------------------------------------------------------------------- ledgers

class LedgerIn(PlainSchema):
    name = Name(required=True, error_messages=asking("Please give your shared space a name."))
    timezone = fields.String(load_default="UTC", validate=validate.Length(1, 64))


class PartnerOut(PlainSchema):
    id = fields.UUID(dump_only=True, required=True)
    display_name = fields.String(dump_only=True, allow_none=True, required=True)
    placeholder = fields.Boolean(dump_only=True, required=True)
    departed = fields.Boolean(dump_only=True, required=True)


class LedgerOut(PlainSchema):
    id = fields.UUID(dump_only=True, required=True)
    name = fields.String(dump_only=True, allow_none=True, required=True)
    timezone = fields.String(dump_only=True, required=True)
    partners = fields.List(fields.Nested(PartnerOut), dump_only=True, required=True)
    version = fields.Integer(dump_only=True, required=True)
    paused = fields.Boolean(dump_only=True, required=True)
    paused_by = fields.UUID(dump_only=True, allow_none=True, required=True)
    invite_code = fields.String(dump_only=True)
    invite_expires_at = UTCDateTime(dump_only=True, allow_none=True, required=True)
    position = fields.Integer(dump_only=True)


class LedgerReplyOut(LedgerOut):
    """The ledger as a write answers it, with that write's log position."""

    position = fields.Integer(dump_only=True, required=True)


class NewLedgerOut(LedgerReplyOut):
    """A new ledger: its invite code is shown only here (and when re-issued)."""

    invite_code = fields.String(dump_only=True, required=True)


class LedgerListOut(PlainSchema):
    items = fields.List(fields.Nested(LedgerOut), dump_only=True, required=True)


class InviteOut(PlainSchema):
    invite_code = fields.String(dump_only=True, required=True)
    invite_expires_at = UTCDateTime(dump_only=True, required=True)
    position = fields.Integer(dump_only=True, required=True)


class JoinIn(PlainSchema):
    invite_code = fields.String(required=True, validate=validate.Length(1, 64),
                                error_messages=asking(
                                    "Please write the invite code your partner gave you."))


class DepartureIn(PlainSchema):
    forget_me = StrictBoolean(required=True, error_messages=asking(
        "Please say whether your words should be forgotten (true or false)."))
