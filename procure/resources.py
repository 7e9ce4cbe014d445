"""Find the data folders (workflows/, templates/, fixtures/) from a checkout or a wheel.

In a source checkout (or an editable install) they sit beside the ``procure``
package; an installed wheel carries them inside ``procure/_resources``.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """Return the folder holding one kind of project data.

    Args:
        name: ``workflows``, ``templates`` or ``fixtures``.

    Returns:
        The folder, preferring the copy installed inside the package.

    Raises:
        FileNotFoundError: if neither location holds it (a broken install).
    """
    for candidate in (_PACKAGE_DIR / "_resources" / name, _PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"procure data folder {name!r} is missing from this installation")


def fixture_file(name: str) -> Path:
    """Return a file under ``fixtures/``."""
    return resource_dir("fixtures") / name
