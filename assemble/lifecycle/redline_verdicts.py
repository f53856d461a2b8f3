"""What accepting and rejecting every change of a redline gives, by Word's rules and by
LibreOffice, against the versions it compares: `make bench` prints it for ours and for
python-redlines' (Docxodus) on the same pair."""

from __future__ import annotations

from pathlib import Path

from ..render import ooxml
from ..render.office import Job, office, run_jobs


def verdicts(
    redlines: dict[str, Path], before: Path, after: Path, folder: Path
) -> tuple[list[tuple[str, ...]], str | None]:
    """Each redline accepted and rejected by Word's rules (assemble.render.ooxml) and, when it is
    installed, by LibreOffice; compared with the versions read the same way. Also why
    LibreOffice did not read them, if it did not."""
    rows: list[tuple[str, ...]] = []
    for name, path in redlines.items():
        root = ooxml.read_part(path.read_bytes())
        inserted, deleted = ooxml.marked_words(root)
        accepted = ooxml.paragraph_texts(ooxml.accept_all(root))
        rejected = ooxml.paragraph_texts(ooxml.reject_all(root))
        rows.append(
            (
                name,
                "règles de Word",
                _verdict(accepted, _texts(after)),
                _verdict(rejected, _texts(before)),
                str(inserted),
                str(deleted),
            )
        )
    found = office()
    if isinstance(found, str):
        return rows, found
    jobs = [
        Job(before, None, folder / "lo-before.docx"),
        Job(after, None, folder / "lo-after.docx"),
    ]
    for name, path in redlines.items():
        jobs += [
            Job(path, "accept", folder / f"lo-{name}-accepted.docx"),
            Job(path, "reject", folder / f"lo-{name}-rejected.docx"),
        ]
    run_jobs(jobs)
    for name in redlines:
        accepted_texts = _texts(folder / f"lo-{name}-accepted.docx")
        rejected_texts = _texts(folder / f"lo-{name}-rejected.docx")
        rows.append(
            (
                name,
                "LibreOffice",
                _verdict(accepted_texts, _texts(folder / "lo-after.docx")),
                _verdict(rejected_texts, _texts(folder / "lo-before.docx")),
                "",
                "",
            )
        )
    return rows, None


def _texts(path: Path) -> list[str]:
    return ooxml.paragraph_texts(ooxml.read_part(path.read_bytes()))


def _verdict(got: list[str], expected: list[str]) -> str:
    """« oui », or how many paragraphs are too many or missing (a changed one counts both)."""
    extra, missing = ooxml.paragraph_mismatch(got, expected)
    return "oui" if extra == missing == 0 else f"non : +{extra} / −{missing}"
