"""The start page's view of the documents: those whose newest version waits for approval, for those who
approve. A fixed number of statements whatever the number of documents."""

from __future__ import annotations

from ..models import Document
from ..permissions import Right, can
from .library import documents_awaiting_approval


def overview() -> list[Document]:
    """The documents to approve, the oldest upload first; nothing for those who do not approve."""
    return documents_awaiting_approval() if can(Right.APPROVE_DOCUMENTS) else []
