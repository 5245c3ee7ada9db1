"""Benchmarks: `ebbflow bench [--quick]` (also `make bench`). Each case generates
its own seeded data set, measures against a baseline run in the same process
where the issue names one, prints a table and writes bench/RESULTS.md."""
