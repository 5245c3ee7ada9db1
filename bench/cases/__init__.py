"""One module per benchmark of the issue's table; each `run(context)` answers Results."""
