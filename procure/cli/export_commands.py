"""``procure export …``: open data for outside audit (the group; its commands register on it).

A minimal group: the OCDS export adds its command here too.
"""

from __future__ import annotations

import click


@click.group()
def export() -> None:
    """Export open data for outside audit: the OCDS package, the auditor's dossier."""
