"""The review of a returned Word file: read it, find what it changes, trace each change."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..compose.document import Article, Document
from ..core.limits import SIGNED_FILE_BYTES
from ..core.reading import read_bytes
from ..library.clauses import Library
from ..project import Project
from .changes import all_changes
from .placing import placed_on
from .returned import Comment, Paragraph, read_returned
from .sent import check_reference, sent_version, version_of
from .trace import Trace, Tracer


@dataclass(frozen=True)
class Review:
    """What a returned file changes, each change traced, and its comments."""

    contract_id: str
    version: str
    file: Path
    document: Document
    traces: tuple[Trace, ...]
    comments: tuple[Comment, ...]
    sent: tuple[Paragraph, ...]
    returned: tuple[Paragraph, ...]  # every change accepted
    library: Library | None = None  # the clauses the version sent was composed from

    def articles(self) -> list[tuple[Article, list[Trace], list[Comment]]]:
        """The articles a change or a comment touches, in the contract's order."""
        found = []
        for article in self.document.articles():
            traces = [t for t in self.traces if t.article is article]
            comments = [c for c in self.comments if self._key(c) == article.key]
            if traces or comments:
                found.append((article, traces, comments))
        return found

    def unplaced(self) -> list[Trace]:
        return [t for t in self.traces if not t.placed]

    def unplaced_comments(self) -> list[Comment]:
        return [c for c in self.comments if self._key(c) is None]

    def _key(self, comment: Comment) -> str | None:
        keys = self.document.article_by_key()
        return next((m for m in reversed(comment.place.marks) if m in keys), None)

    def data_changes(self) -> list[Trace]:
        return [t for t in self.traces if t.data]

    @property
    def empty(self) -> bool:
        return not self.traces and not self.comments


def review_file(project: Project, contract_id: str, path: Path) -> Review:
    """Read a returned file of a contract and trace every change it proposes."""
    returned = read_returned(read_bytes(path, SIGNED_FILE_BYTES), path)
    project.contract_folder(contract_id)  # an unknown contract is a usage error first
    version = version_of(project, contract_id, returned)
    sent = sent_version(project, contract_id, version)
    check_reference(returned, sent)
    returned = placed_on(returned, sent.paragraphs)
    tracer = Tracer(sent.contract, sent.document, sent.library, list(sent.paragraphs))
    traces = tuple(tracer.trace(c) for c in all_changes(returned, list(sent.paragraphs)))
    return Review(
        contract_id,
        version,
        path,
        sent.document,
        traces,
        returned.comments,
        sent.paragraphs,
        returned.returned,
        sent.library,
    )
