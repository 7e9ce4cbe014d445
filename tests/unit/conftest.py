"""Fixtures shared by the unit tests of one subject split over several files: a scorecard file
writer (the scorecard's rules and its file checks), the real lifecycle as plain data (the
definition's rules and its file checks), and English for the modules that read a file's
refusals in English (``pytestmark = pytest.mark.usefixtures("in_english")``)."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from procure.domain.language import use_language

Writer = Callable[[Any], Path]
WORKFLOW = Path(__file__).resolve().parents[2] / "workflows" / "service_project.yaml"


@pytest.fixture
def write(tmp_path: Path) -> Writer:
    def _write(data: Any) -> Path:
        path = tmp_path / "card.yaml"
        text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True)
        path.write_text(text, encoding="utf-8")
        return path

    return _write


@pytest.fixture(scope="module")
def real_raw() -> dict[str, Any]:
    raw = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert isinstance(raw, dict)
    return raw


@pytest.fixture
def raw(real_raw: dict[str, Any]) -> dict[str, Any]:
    """A fresh copy of the real definition, free to mutate."""
    return copy.deepcopy(real_raw)


@pytest.fixture
def in_english() -> Iterator[None]:
    """Speak English in the test: its assertions read a configuration file's refusals as the
    code writes them (their Chinese is the catalog's, checked in test_language.py and
    test_datafile_language.py)."""
    with use_language("en"):
        yield
