"""``python -m procure``: the same CLI as the ``procure`` console script."""

from procure.cli import run

run()
