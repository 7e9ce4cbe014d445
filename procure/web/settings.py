"""Settings of the web app, built in a function (nothing is read at import time)."""

from __future__ import annotations

import os
from dataclasses import dataclass

from procure.services.signin import IDLE_MINUTES
from procure.store.db import database_url


@dataclass(frozen=True)
class WebSettings:
    """Where the data is and how long a signed-in browser may stay idle."""

    database_url: str
    idle_minutes: int = IDLE_MINUTES


def web_settings(url: str | None = None) -> WebSettings:
    """The settings: the database of ``url``, else ``PROCURE_DB``, else ./procure.db.

    ``PROCURE_IDLE_MINUTES`` changes how long a session may stay idle.
    """
    idle = os.environ.get("PROCURE_IDLE_MINUTES")
    return WebSettings(database_url(url), int(idle) if idle else IDLE_MINUTES)
