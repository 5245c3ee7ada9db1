"""The application: commands that load aggregates, run domain methods and save,
and the instance-level operations around them (import, housekeeping, the demo)."""
