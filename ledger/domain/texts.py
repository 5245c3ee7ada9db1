"""Validation of the words people write, before they are sealed."""

from __future__ import annotations

from ledger.domain.exceptions import Invalid
from ledger.domain.values import NAME_MAX_LENGTH, TEXT_MAX_LENGTH


def clean_text(field: str, value: str, max_length: int = TEXT_MAX_LENGTH) -> str:
    """Trimmed text of 1..max_length characters, or a 422 naming the field."""
    if not isinstance(value, str):
        raise Invalid.field(field, "must be text")
    text = value.strip()
    if not text:
        raise Invalid.field(field, "cannot be empty")
    if len(text) > max_length:
        raise Invalid.field(field, f"must be at most {max_length} characters")
    if "\x00" in text:
        raise Invalid.field(field, "cannot contain NUL characters")
    return text


def clean_name(field: str, value: str) -> str:
    return clean_text(field, value, NAME_MAX_LENGTH)


def clean_email(value: str) -> str:
    email = clean_text("email", value, 254).casefold()
    local, _, domain = email.partition("@")
    if not local or "." not in domain or " " in email:
        raise Invalid.field("email", "must be an email address")
    return email
