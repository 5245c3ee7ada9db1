"""Storage beside the event store, in the same database: the key table (and, later,
idempotency records), as subclasses of the library's application recorders."""
