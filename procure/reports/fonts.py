"""Check the system packages a print run needs: a CJK font, and HarfBuzz's subsetter.

Without a CJK font every Chinese character would print as an empty box, so a print run
refuses and names the package to install. Without ``libharfbuzz-subset`` WeasyPrint falls
back to a far slower subsetter (seconds per CJK font), so a print run warns.
"""

from __future__ import annotations

import ctypes.util
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from procure.domain.errors import ProcureError

FONT_PACKAGE = "fonts-noto-cjk"
SUBSET_PACKAGE = "libharfbuzz-subset0"
PREFERRED_FAMILIES = (
    "Noto Serif CJK SC",
    "Noto Sans CJK SC",
    "Source Han Serif SC",
    "Source Han Sans SC",
    "Noto Serif CJK",
    "Noto Sans CJK",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "AR PL UMing CN",
)
_FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".fonts")
_FILE_HINTS = {
    "NotoSerifCJK": "Noto Serif CJK SC",
    "NotoSansCJK": "Noto Sans CJK SC",
    "SourceHanSerif": "Source Han Serif SC",
    "SourceHanSans": "Source Han Sans SC",
    "wqy-zenhei": "WenQuanYi Zen Hei",
    "wqy-microhei": "WenQuanYi Micro Hei",
}


class PrintingUnavailable(ProcureError):
    """The system lacks something printing needs; the message names the package."""


@dataclass(frozen=True)
class FontSetup:
    """The CJK font families found, best first, and whether fast subsetting is available."""

    families: tuple[str, ...]
    fast_subsetting: bool

    @property
    def serif(self) -> str:
        """The family for body text (a serif one if installed)."""
        return next((f for f in self.families if "Serif" in f or "UMing" in f), self.families[0])

    @property
    def sans(self) -> str:
        """The family for headings and tables (a sans one if installed)."""
        return next((f for f in self.families if "Sans" in f or "Hei" in f), self.families[0])

    def warnings(self) -> list[str]:
        """What a person should know before a print run (empty when all is well)."""
        if self.fast_subsetting:
            return []
        return [
            f"warning: HarfBuzz's subsetter is missing, so fonts are subset slowly; "
            f"install it with: apt-get install {SUBSET_PACKAGE}"
        ]


@lru_cache(maxsize=1)
def font_setup() -> FontSetup:
    """Find the installed CJK fonts and the HarfBuzz subsetter (once per process).

    Raises:
        PrintingUnavailable: no CJK font is installed.
    """
    families = _cjk_families()
    if not families:
        raise PrintingUnavailable(
            "no Chinese (CJK) font is installed, so the record would print empty boxes; "
            f"install one with: apt-get install {FONT_PACKAGE}"
        )
    return FontSetup(families, ctypes.util.find_library("harfbuzz-subset") is not None)


def _cjk_families() -> tuple[str, ...]:
    """The preferred CJK families installed, from fontconfig, else from font file names."""
    installed = _fontconfig_families() or _families_from_files()
    return tuple(f for f in PREFERRED_FAMILIES if f in installed)


def _fontconfig_families() -> set[str]:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return set()
    try:
        listing = subprocess.run(
            [fc_list, ":lang=zh-cn", "family"], capture_output=True, text=True, timeout=20
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return set()
    return {name.strip() for line in listing.splitlines() for name in line.split(",")}


def _families_from_files() -> set[str]:
    found = set()
    for folder in _FONT_DIRS:
        if not folder.is_dir():
            continue
        for path in folder.rglob("*"):
            for hint, family in _FILE_HINTS.items():
                if hint.lower() in path.name.lower():
                    found.add(family)
    return found
