"""Demo: the monthly history of the demo stock, computed once every other app has seeded its data."""

from .history import refresh


def seed(stdout):
    summary = refresh(full=True)
    stdout.write(f"Suivi : {summary}.")
