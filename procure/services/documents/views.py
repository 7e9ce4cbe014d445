"""An attachment as the pages and commands show it: plain data, the fact named in the language
in use (``fact_kind_zh`` stays the kind's Chinese name, a field of the JSON output)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from procure.domain.documents import KINDS, size_text
from procure.store.document_models import Attachment


@dataclass(frozen=True)
class AttachmentView:
    """One attached file: which fact of which project, what it is, who uploaded it, when."""

    id: int
    project: str
    number: int
    fact_kind: str
    fact_kind_zh: str
    fact_id: int | None
    fact: str  # the fact as named in the language in use: 申报方案（厦门市启航社会工作服务中心）
    name: str
    media_type: str
    size: int
    size_text: str
    sha256: str
    uploaded_by: str
    uploaded_by_name: str
    uploaded_role: str
    uploaded_at: datetime

    def as_json(self) -> dict[str, Any]:
        """The attachment as plain JSON values (the moment in ISO form)."""
        data = asdict(self)
        data["uploaded_at"] = self.uploaded_at.isoformat()
        return data


def attachment_view(row: Attachment, project: str, fact: str, uploader: str) -> AttachmentView:
    """The view of ``row`` of project ``project``, its fact named ``fact``, uploaded by the
    account whose display name is ``uploader``."""
    assert row.id is not None
    return AttachmentView(
        id=row.id,
        project=project,
        number=row.number,
        fact_kind=row.fact_kind,
        fact_kind_zh=KINDS.get(row.fact_kind, row.fact_kind),
        fact_id=row.fact_id,
        fact=fact,
        name=row.name,
        media_type=row.media_type,
        size=row.size,
        size_text=size_text(row.size),
        sha256=row.sha256,
        uploaded_by=row.uploaded_by,
        uploaded_by_name=uploader,
        uploaded_role=row.uploaded_role,
        uploaded_at=row.uploaded_at,
    )
