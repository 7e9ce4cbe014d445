"""Read a YAML data file with exact numbers: decimals become ``Decimal``, never float.

The rules (size, depth, aliases, duplicate keys, numbers) are those of
:mod:`procure.domain.datafile`, shared by every file procure reads.
"""

from __future__ import annotations

from procure.domain.datafile import read_yaml

__all__ = ["read_yaml"]
