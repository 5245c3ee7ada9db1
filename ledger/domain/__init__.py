"""The domain: the Ledger aggregate and its rules, accounts and indexes, values.
Nothing here does I/O or knows about storage, the web or the read side."""
