"""Verify an auditor's dossier without the database: ``procure dossier verify FILE.zip``.

The checks, each a line of the outcome (pass or fail, naming the file and row):

1. the manifest: every file listed is there with its SHA-256 and size, nothing else is;
2. the trail: every row of ``trail.jsonl`` recomputes its hash from the first row on;
3. the public key, and each checkpoint: its signature valid under that key, its head
   found in the trail (same hash, same number of rows), the last one at the trail's end;
4. each record: its data hashes to the code printed on it, the checkpoint it carries
   holds, it belongs to the dossier's year, purchaser and projects, and its facts are
   what the project's trail rows imply (optionally, its pages re-render byte for byte);
5. each attached file: listed as its upload's trail row says, and its shipped bytes hash to
   the SHA-256 that row records (:mod:`.dossier_files`);
6. the OCDS package agrees with the trail (:mod:`.ocds_trail`).

A zip that is not one, or is hostile, is refused before any check
(:mod:`procure.services.opendata.dossier_zip`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from procure.domain.audit_chain import GENESIS_HASH, row_hash
from procure.domain.checkpoint import checkpoint_problems, fingerprint, from_mapping
from procure.domain.errors import InvalidInput
from procure.domain.language import _
from procure.services.opendata.dossier_files import attachment_problems
from procure.services.opendata.dossier_format import (
    CHECKPOINTS,
    DOSSIER_FORMAT,
    MANIFEST,
    OCDS,
    PUBLIC_KEY,
    RECORDS,
    TRAIL,
    parse_trail_line,
)
from procure.services.opendata.dossier_records import RecordContext, check_record
from procure.services.opendata.dossier_zip import MAX_UNCOMPRESSED, DossierFiles, read_zip
from procure.services.opendata.ocds_trail import ocds_problems
from procure.store.keyfile import public_key_from_bytes
from procure.store.models import TransitionLog


@dataclass(frozen=True)
class Check:
    """One line of the outcome: which check, on which file, passed or not, and why."""

    check: str
    subject: str
    ok: bool
    detail: str


@dataclass
class DossierVerification:
    """Every check of one dossier."""

    file: str
    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether every check passed (and there was at least one)."""
        return bool(self.checks) and all(check.ok for check in self.checks)

    def add(self, check: str, subject: str, problems: list[str], passed: str) -> None:
        """One failing line per problem, or one passing line."""
        for problem in problems:
            self.checks.append(Check(check, subject, False, problem))
        if not problems:
            self.checks.append(Check(check, subject, True, passed))


@dataclass
class _Chain:
    """The trail as recomputed: its rows, and each row's recomputed hash and row count."""

    rows: list[TransitionLog]
    at_rows: dict[int, tuple[str, int]]
    intact: bool


def verify_dossier(
    path: Path,
    *,
    trusted_key: str | None = None,
    check_pages: bool = False,
    max_bytes: int = MAX_UNCOMPRESSED,
) -> DossierVerification:
    """Check the dossier at ``path`` (nothing read from a database).

    Args:
        path: the zip file.
        trusted_key: the public key (base64) the dossier must be signed with; without
            it the shipped key is used and its fingerprint shown, to compare with the one
            the purchaser publishes.
        check_pages: also re-render each record and compare its pages (needs the same
            procure release and fonts that printed it).
        max_bytes: the most bytes the zip may hold uncompressed.

    Raises:
        InvalidInput: the file is not a zip, or a hostile one (refused before any check).
    """
    dossier = read_zip(path, max_bytes=max_bytes)
    result = DossierVerification(str(path))
    manifest = _check_manifest(dossier, result)
    chain = _check_trail(dossier, result)
    key = _check_key(dossier, result, trusted_key)
    _check_checkpoints(dossier, result, chain, key)
    context = RecordContext(manifest, chain.rows, chain.at_rows, key, check_pages)
    for name in sorted(n for n in dossier.files if n.startswith(RECORDS)):
        problems, passed = check_record(name, dossier.files[name], context)
        result.add("record", name, problems, passed)
    _check_listed_projects(dossier, result, manifest)
    for subject, problems, passed in attachment_problems(dossier.files, manifest, chain.rows):
        result.add("attachment", subject, problems, passed)
    _check_ocds(dossier, result, context.by_project, _listed(manifest))
    return result


def _check_manifest(dossier: DossierFiles, result: DossierVerification) -> dict[str, Any]:
    data = dossier.files.get(MANIFEST)
    if data is None:
        result.add(
            "manifest",
            MANIFEST,
            [_("%(file)s is missing: not a procure dossier", file=MANIFEST)],
            "",
        )
        return {}
    try:
        manifest = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        result.add(
            "manifest",
            MANIFEST,
            [_("%(file)s is not JSON (%(problem)s)", file=MANIFEST, problem=exc)],
            "",
        )
        return {}
    listed = manifest.get("files") if isinstance(manifest, dict) else None
    if not isinstance(manifest, dict) or manifest.get("format") != DOSSIER_FORMAT:
        problem = _("%(file)s is not a %(format)s manifest", file=MANIFEST, format=DOSSIER_FORMAT)
        result.add("manifest", MANIFEST, [problem], "")
        return {}
    if not isinstance(listed, list) or not all(_is_entry(entry) for entry in listed):
        problem = _("%(file)s lists no files (name, sha256, size)", file=MANIFEST)
        result.add("manifest", MANIFEST, [problem], "")
        return manifest
    names = set()
    for entry in listed:
        name = entry["name"]
        names.add(name)
        found = dossier.files.get(name)
        if found is None:
            problems = [_("listed in the manifest, missing from the dossier (removed)")]
        else:
            problems = _content_problems(found, entry)
        result.add("manifest", name, problems, _("SHA-256 and size match the manifest"))
    for name in sorted(set(dossier.files) - names - {MANIFEST}):
        problem = _("not listed in the manifest (added after the export)")
        result.add("manifest", name, [problem], "")
    return manifest


def _is_entry(entry: Any) -> bool:
    return (
        isinstance(entry, dict)
        and isinstance(entry.get("name"), str)
        and isinstance(entry.get("sha256"), str)
        and isinstance(entry.get("size"), int)
    )


def _content_problems(data: bytes, entry: dict[str, Any]) -> list[str]:
    problems = []
    if len(data) != entry["size"]:
        problems.append(
            _(
                "size %(size)s bytes, the manifest says %(listed)s",
                size=len(data),
                listed=entry["size"],
            )
        )
    if hashlib.sha256(data).hexdigest() != entry["sha256"]:
        problems.append(_("its SHA-256 differs from the manifest's: the file was changed"))
    return problems


def _check_trail(dossier: DossierFiles, result: DossierVerification) -> _Chain:
    """Recompute the chain from the first row; name the first row that does not hold."""
    data = dossier.files.get(TRAIL)
    if data is None:
        result.add("trail", TRAIL, [_("%(file)s is missing", file=TRAIL)], "")
        return _Chain([], {}, False)
    rows: list[TransitionLog] = []
    at_rows: dict[int, tuple[str, int]] = {}
    computed = previous = GENESIS_HASH
    broken = ""
    try:
        for number, line in enumerate(data.decode("utf-8").splitlines(), start=1):
            row = parse_trail_line(line, number)
            digest = row_hash(row.model_dump(), computed)
            problem = _link_problem(row, len(rows) + 1, previous, digest)
            if problem and not broken:
                broken = _(
                    "row %(seq)s (%(file)s line %(line)s) %(problem)s",
                    seq=row.seq,
                    file=TRAIL,
                    line=number,
                    problem=problem,
                )
            computed, previous = digest, row.hash
            rows.append(row)
            at_rows[row.seq] = (digest, len(rows))
    except (UnicodeDecodeError, InvalidInput, TypeError) as exc:
        broken = broken or str(exc)
        result.add(
            "trail", TRAIL, [_("the audit chain does not hold: %(where)s", where=broken)], ""
        )
        return _Chain(rows, at_rows, False)
    if broken or not rows:
        problem = (
            _("the audit chain does not hold: %(where)s", where=broken)
            if broken
            else _("it holds no audit row")
        )
        result.add("trail", TRAIL, [problem], "")
        return _Chain(rows, at_rows, False)
    passed = _(
        "%(count)s rows; the hash chain recomputes from row 1 to #%(last)s",
        count=len(rows),
        last=rows[-1].seq,
    )
    result.add("trail", TRAIL, [], passed)
    return _Chain(rows, at_rows, True)


def _link_problem(row: TransitionLog, expected_seq: int, previous: str, digest: str) -> str:
    if row.seq != expected_seq:
        return _(
            "comes where row %(seq)s should (a row is missing or out of order)", seq=expected_seq
        )
    if row.prev_hash != previous:
        return _("does not point at the previous row's hash")
    if digest != row.hash:
        return _("its content does not match its hash (the row was changed)")
    return ""


def _check_key(
    dossier: DossierFiles, result: DossierVerification, trusted_key: str | None
) -> str | None:
    data = dossier.files.get(PUBLIC_KEY)
    if data is None:
        result.add("public key", PUBLIC_KEY, [_("%(file)s is missing", file=PUBLIC_KEY)], "")
        return None
    try:
        key = public_key_from_bytes(data, source=PUBLIC_KEY)
    except InvalidInput as exc:
        result.add("public key", PUBLIC_KEY, [str(exc)], "")
        return None
    problems = []
    if trusted_key is not None and key != trusted_key:
        trusted = fingerprint(trusted_key)
        problems.append(
            _(
                "the dossier's key %(key)s is not the trusted key %(trusted)s",
                key=fingerprint(key),
                trusted=trusted,
            )
        )
    passed = (
        _("Ed25519 key %(key)s (the trusted key)", key=fingerprint(key))
        if trusted_key
        else _(
            "Ed25519 key %(key)s (compare it with the fingerprint the purchaser publishes)",
            key=fingerprint(key),
        )
    )
    result.add("public key", PUBLIC_KEY, problems, passed)
    return key


def _check_checkpoints(
    dossier: DossierFiles, result: DossierVerification, chain: _Chain, key: str | None
) -> None:
    names = sorted(n for n in dossier.files if n.startswith(CHECKPOINTS))
    if not names:
        problem = _("no signed checkpoint: nothing vouches for the trail")
        result.add("checkpoint", CHECKPOINTS, [problem], "")
        return
    newest = 0
    for name in names:
        try:
            data = json.loads(dossier.files[name])
            if not isinstance(data, dict):
                raise InvalidInput(_("%(file)s is not a procure audit checkpoint", file=name))
            held = from_mapping(data, source=name)
        except (UnicodeDecodeError, json.JSONDecodeError, InvalidInput) as exc:
            result.add(
                "checkpoint", name, [_("not a readable checkpoint (%(problem)s)", problem=exc)], ""
            )
            continue
        newest = max(newest, held.seq)
        trusted = {key} if key else {"(no valid key shipped)"}
        problems = checkpoint_problems(held, name, trusted, chain.at_rows)
        passed = _(
            "%(name)s: signature valid, head #%(seq)s found in the trail",
            name=held.name,
            seq=held.seq,
        )
        result.add("checkpoint", name, problems, passed)
    if chain.intact and newest:
        last = chain.rows[-1].seq
        problems = (
            [
                _(
                    "trail rows #%(first)s–#%(last)s are not covered by a signed checkpoint",
                    first=newest + 1,
                    last=last,
                )
            ]
            if newest < last
            else []
        )
        result.add(
            "checkpoint",
            TRAIL,
            problems,
            _("the newest checkpoint signs the trail's last row #%(last)s", last=last),
        )


def _listed(manifest: dict[str, Any]) -> list[str]:
    """The projects the manifest names (none when it names them wrongly: reported apart)."""
    projects = manifest.get("projects")
    return [str(code) for code in projects] if isinstance(projects, list) else []


def _check_listed_projects(
    dossier: DossierFiles, result: DossierVerification, manifest: dict[str, Any]
) -> None:
    """Every project the manifest names has its record in the dossier."""
    projects = manifest.get("projects")
    if not isinstance(projects, list):
        result.add("records", MANIFEST, [_("the manifest names no projects")], "")
        return
    shipped = [n for n in dossier.files if n.startswith(RECORDS) and n.endswith(".pdf")]
    missing = [code for code in projects if not any(n.endswith(f"-{code}.pdf") for n in shipped)]
    problems = [_("project %(code)s: its record is missing", code=code) for code in missing]
    passed = _("a record for each of the %(count)s projects", count=len(projects))
    result.add("records", RECORDS, problems, passed)


def _check_ocds(
    dossier: DossierFiles,
    result: DossierVerification,
    by_project: Mapping[str, list[TransitionLog]],
    projects: list[str],
) -> None:
    data = dossier.files.get(OCDS)
    if data is None:
        result.add("ocds", OCDS, [_("%(file)s is missing", file=OCDS)], "")
        return
    try:
        package = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        result.add("ocds", OCDS, [_("not JSON (%(problem)s)", problem=exc)], "")
        return
    releases = package.get("releases") if isinstance(package, dict) else None
    count = len(releases) if isinstance(releases, list) else 0
    passed = _(
        "%(count)s releases: budgets, contracts and published payments agree with the trail",
        count=count,
    )
    result.add("ocds", OCDS, ocds_problems(package, by_project, projects), passed)
