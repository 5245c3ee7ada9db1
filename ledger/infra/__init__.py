"""Infrastructure: configuration, sealing and keys, storage (recorders, the key
table, tokens, idempotency records), locks, backups and the erasure journal."""
