"""Application services every entry point shares (the web app, the command line, the
benchmarks, the tests): one composition root, exports and downloads, the share list.
No Flask here: the web layer only adapts HTTP to these."""
