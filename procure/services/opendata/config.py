"""What the OCDS package says about its publisher (``workflows/opendata.yaml``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from procure.domain.config import check_keys, load_yaml_mapping
from procure.domain.errors import ConfigError
from procure.domain.language import _
from procure.domain.text import quoted
from procure.resources import resource_dir

OPENDATA_FILE = "opendata.yaml"
_KEYS = (
    "version",
    "ocid_prefix",
    "package_uri",
    "identifier_scheme",
    "publisher",
    "license",
    "publication_policy",
)
_OCID_PREFIX = re.compile(r"ocds-[a-z0-9]+")
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S+")


@dataclass(frozen=True)
class OpenDataConfig:
    """The publisher's choices: ocid prefix, package uri, identifier scheme, license."""

    ocid_prefix: str = "ocds-procure"
    package_uri: str = "urn:procure:ocds:{purchaser}:{year}"
    identifier_scheme: str = "CN-USCC"
    publisher: str = ""
    license: str = ""
    publication_policy: str = ""

    def ocid(self, project_code: str) -> str:
        """The Open Contracting ID of a project: the prefix, a hyphen and its code."""
        return f"{self.ocid_prefix}-{project_code}"

    def uri(self, year: int, purchaser: str | None) -> str:
        """The package's uri for ``year`` and ``purchaser`` (None: every purchaser)."""
        return self.package_uri.format(year=year, purchaser=purchaser or "ALL")


def load_opendata_config(path: Path | None = None) -> OpenDataConfig:
    """Load ``path`` (default ``workflows/opendata.yaml``); a missing file gives the defaults.

    Raises:
        ConfigError: naming the file and key of the first problem found.
    """
    path = path or resource_dir("workflows") / OPENDATA_FILE
    if not path.exists():
        return OpenDataConfig()
    file = str(path)
    data = load_yaml_mapping(path)
    check_keys(data, _KEYS, file)
    defaults = OpenDataConfig()
    values: dict[str, str] = {}
    for key in _KEYS[1:]:
        value = data.get(key, getattr(defaults, key))
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise ConfigError(
                _(
                    "%(file)s: %(key)s: must be text, got %(value)s",
                    file=file,
                    key=key,
                    value=quoted(value),
                )
            )
        values[key] = value.strip()
    _check(values, file)
    return OpenDataConfig(**values)


def _check(values: dict[str, str], file: str) -> None:
    prefix = values["ocid_prefix"]
    if not _OCID_PREFIX.fullmatch(prefix):
        raise ConfigError(
            _(
                "%(file)s: ocid_prefix: must look like ocds-abc123, got %(value)s",
                file=file,
                value=quoted(prefix),
            )
        )
    if not values["identifier_scheme"]:
        raise ConfigError(
            _("%(file)s: identifier_scheme: required text is missing or empty", file=file)
        )
    try:
        sample = values["package_uri"].format(year=2019, purchaser="ALL")
    except (KeyError, IndexError, ValueError) as exc:
        raise ConfigError(
            _(
                "%(file)s: package_uri: may use only {year} and {purchaser}, got %(value)s",
                file=file,
                value=quoted(values["package_uri"]),
            )
        ) from exc
    for key, uri in (("package_uri", sample), *((k, values[k]) for k in _LINKS)):
        if uri and not _URI.fullmatch(uri):
            raise ConfigError(
                _(
                    "%(file)s: %(key)s: must be a URI, got %(value)s",
                    file=file,
                    key=key,
                    value=quoted(uri),
                )
            )


_LINKS = ("license", "publication_policy")
