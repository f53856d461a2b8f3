"""Bad inputs, one per test: a located French error with its fix, and nothing written anywhere.

Each case breaks a copy of the repository (the sample already built once), runs the command
line in-process and checks the exit code, `path:line:`, the code, the "→" fix, that no internal
error was reported, and that build/, archive/, history/ and contracts/ are byte for byte as
before. Most cases fail before rendering, to keep the suite fast.
"""

from __future__ import annotations

import errno
import os
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from assemble.cli import main

from conftest import SAMPLE, tree_state

DATA = f"contracts/{SAMPLE}/contract.yaml"
LOCK = f"contracts/{SAMPLE}/cpom.lock.json"
AVENANT = f"contracts/{SAMPLE}/avenants/avenant-1.yaml"
CLAUSE = "clauses/06-titre-V-duree/10-duree.md"
# A clause still at its first version, used by the sample: publishing its version 2 is new.
FIRST_VERSION_CLAUSE = "clauses/06-titre-V-duree/50-litiges.md"
TITRES = "clauses/titres.yaml"
WATCHED = ("build", "archive", "history", "contracts")
CLAUSE_FOLDERS = tuple(
    f"clauses/{folder}"
    for folder in (
        "00-preambule",
        "01-dispositions-generales",
        "02-titre-I-diagnostic",
        "03-titre-II-objectifs",
        "04-titre-III-moyens",
        "05-titre-IV-suivi",
        "06-titre-V-duree",
        "07-annexes",
    )
)

Mutate = Callable[[Path, pytest.MonkeyPatch], None]


@dataclass(frozen=True)
class Bad:
    """A broken input, the command run on it, and the error a drafter must read."""

    name: str
    mutate: Mutate
    where: str  # the file the error names, relative to the repository ("cpom": none)
    line: str | int | None  # the expected line: a number, or a passage found in `where`
    code: str
    hint: str  # a passage of the fix printed after "→"
    args: tuple[str, ...] = ("build", SAMPLE)
    exit: int = 1
    shows: str | None = None  # text the message must print exactly as written


# --- ways of breaking a file ------------------------------------------------------------------


def replace(rel: str, old: str | bytes, new: str | bytes) -> Mutate:
    def mutate(root: Path, _: pytest.MonkeyPatch) -> None:
        path = root / rel
        data = path.read_bytes()
        before = old.encode() if isinstance(old, str) else old
        after = new.encode() if isinstance(new, str) else new
        assert before in data, f"{before!r} absent de {rel}"
        path.write_bytes(data.replace(before, after, 1))

    return mutate


def write(rel: str, data: str | bytes) -> Mutate:
    def mutate(root: Path, _: pytest.MonkeyPatch) -> None:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode() if isinstance(data, str) else data)

    return mutate


def append(rel: str, text: str) -> Mutate:
    def mutate(root: Path, _: pytest.MonkeyPatch) -> None:
        with open(root / rel, "a", encoding="utf-8") as handle:
            handle.write(text)

    return mutate


def remove(*rels: str) -> Mutate:
    def mutate(root: Path, _: pytest.MonkeyPatch) -> None:
        for rel in rels:
            path = root / rel
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()

    return mutate


def link(rel: str, target: str) -> Mutate:
    """Replace `rel` by a symlink to `target` (relative to the repository, or absolute)."""

    def mutate(root: Path, _: pytest.MonkeyPatch) -> None:
        path = root / rel
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
        path.parent.mkdir(parents=True, exist_ok=True)
        destination = Path(target) if target.startswith("/") else root / target
        destination.parent.mkdir(parents=True, exist_ok=True)
        if not destination.exists():
            destination.mkdir()
        path.symlink_to(destination)

    return mutate


def both(*steps: Mutate) -> Mutate:
    def mutate(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        for step in steps:
            step(root, monkeypatch)

    return mutate


def deny_reading(rel: str) -> Mutate:
    """The file cannot be read: chmod 000, or, for root who reads anyway, a refusing open."""

    def mutate(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        path = root / rel
        if os.geteuid() != 0:
            path.chmod(0)
            return
        real_open = os.open

        def refusing(file: str | os.PathLike[str], flags: int, *args: int, **kw: int) -> int:
            if Path(file) == path:
                raise PermissionError(errno.EACCES, "Permission denied", str(file))
            return real_open(file, flags, *args, **kw)

        monkeypatch.setattr(os, "open", refusing)

    return mutate


def fail_writes(rel: str, code: int) -> Mutate:
    """Creating any file under `rel` fails with `code` (EACCES for a read-only folder, ENOSPC)."""

    def mutate(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        folder = root / rel
        real_open = os.open

        def failing(file: str | os.PathLike[str], flags: int, *args: int, **kw: int) -> int:
            if flags & os.O_CREAT and Path(file).is_relative_to(folder):
                raise OSError(code, os.strerror(code), str(file))
            return real_open(file, flags, *args, **kw)

        monkeypatch.setattr(os, "open", failing)

    return mutate


def new_clause_version(root: Path, _: pytest.MonkeyPatch) -> None:
    """A new version of a clause: building publishes it into history/."""
    clause = FIRST_VERSION_CLAUSE
    replace(clause, "version: 1\n", "version: 2\nmotif: délai de règlement amiable allongé\n")(
        root, _
    )
    replace(clause, "dans un délai de deux mois", "dans un délai de trois mois")(root, _)


BOMB = "".join(
    f"b{i}: &b{i} [{', '.join([f'*b{i - 1}'] * 9)}]\n" if i else "b0: &b0 [x, x, x, x, x, x]\n"
    for i in range(9)
)
NO_ARTICLE_CLAUSE = """---
id: jamais
version: 1
titre: duree
ordre: 10
intitule: Jamais retenu
condition: contrat.duree_annees > 10
---
Texte.
"""


TRAP = "clauses/06-titre-V-duree/90-piege.md"
TRAP_HEADER = "---\nid: piege\nversion: 1\ntitre: duree\nordre: 90\nintitule: Piège\n"


def trap(body: str, header: str = "") -> Mutate:
    """A clause written by a careless or hostile hand: its body (line 8 on) and extra header."""
    return write(TRAP, f"{TRAP_HEADER}{header}---\n{body}\n")


def quick_alarm(step: Mutate) -> Mutate:
    """The same, with the templates' time bound lowered to one second to keep the suite fast."""

    def mutate(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        import assemble.compose.sandbox
        from assemble.core.limits import TEMPLATE_SECONDS, Limit

        monkeypatch.setattr(
            assemble.compose.sandbox, "TEMPLATE_SECONDS", Limit(1, TEMPLATE_SECONDS.why)
        )
        step(root, monkeypatch)

    return mutate


def fifo(rel: str) -> Mutate:
    """Replace a file by a named pipe: reading it would wait for a writer forever."""

    def mutate(root: Path, _: pytest.MonkeyPatch) -> None:
        (root / rel).unlink()
        os.mkfifo(root / rel)

    return mutate


def folder(rel: str) -> Mutate:
    def mutate(root: Path, _: pytest.MonkeyPatch) -> None:
        (root / rel).unlink()
        (root / rel).mkdir()

    return mutate


def word_template_with(text: str) -> Mutate:
    """templates/couverture.docx with Jinja text added at the start of its first run."""

    def mutate(root: Path, _: pytest.MonkeyPatch) -> None:
        source = root / "templates" / "couverture.docx"
        with zipfile.ZipFile(source) as original:
            parts = {n: original.read(n) for n in original.namelist()}
        body = parts["word/document.xml"].decode("utf-8")
        at = body.index("<w:t>") + len("<w:t>")
        parts["word/document.xml"] = (body[:at] + text + body[at:]).encode("utf-8")
        with zipfile.ZipFile(source, "w") as changed:
            for name, data in parts.items():
                changed.writestr(name, data)

    return mutate


def pdf_file(rel: str, make: Callable[[bytes], bytes]) -> Mutate:
    """A received file made from the built contract (encrypted, padded with pages…)."""

    def mutate(root: Path, _: pytest.MonkeyPatch) -> None:
        built = (root / "build" / SAMPLE / f"{SAMPLE}.pdf").read_bytes()
        (root / rel).write_bytes(make(built))

    return mutate


def encrypted(pdf: bytes) -> bytes:
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.encrypt("secret", algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def with_blank_pages(pdf: bytes) -> bytes:
    import io

    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    for _ in range(80):
        writer.add_blank_page()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def without_styles(root: Path, _: pytest.MonkeyPatch) -> None:
    """A reference.docx that lost its styles part."""
    source = root / "templates" / "reference.docx"
    with zipfile.ZipFile(source) as original:
        parts = {n: original.read(n) for n in original.namelist() if n != "word/styles.xml"}
    with zipfile.ZipFile(source, "w") as broken:
        for name, data in parts.items():
            broken.writestr(name, data)


def many_establishments(root: Path, _: pytest.MonkeyPatch) -> None:
    """501 establishments: the first one repeated."""
    path = root / DATA
    text = path.read_text(encoding="utf-8")
    first = text.index("  - finess:", text.index("etablissements:"))
    second = text.index("  - finess:", first + 1)
    path.write_text(text[:first] + text[first:second] * 501 + text[second:], encoding="utf-8")


def line_100(root: Path, _: pytest.MonkeyPatch) -> None:
    """An error on line 100: a console would print « :100: » as an emoji."""
    path = root / DATA
    lines = path.read_text(encoding="utf-8").split("\n")
    at = lines.index("  duree_annees: 5")
    lines[at] = "  duree_annees: 9"
    lines[1:1] = ["# commentaire"] * (99 - at)
    path.write_text("\n".join(lines), encoding="utf-8")


CASES = [
    # --- contract data: encoding and characters ----------------------------------------------
    Bad(
        "data-latin1",
        replace(DATA, "Bernard Castel", b"B\xe9rnard Castel"),
        DATA,
        "rnard Castel",
        "input.encoding",
        "UTF-8",
    ),
    Bad(
        "data-utf16",
        write(DATA, "contrat: {}\n".encode("utf-16")),
        DATA,
        1,
        "input.encoding",
        "UTF-8",
    ),
    Bad(
        "data-control-character",
        replace(DATA, "Bernard Castel", "Bernard\x01Castel"),
        DATA,
        "Castel",
        "input.control-character",
        "caractère invisible",
    ),
    Bad(
        "data-nul-byte",
        replace(DATA, "Montpellier", "Mont\x00pellier"),
        DATA,
        "pellier",
        "input.control-character",
        "caractère invisible",
    ),
    Bad(
        "data-too-large",
        append(DATA, "#" * 600_000 + "\n"),
        DATA,
        None,
        "input.too-large",
        "bon fichier",
    ),
    Bad("data-unreadable", deny_reading(DATA), DATA, None, "input.unreadable", "chmod a+r"),
    # --- contract data: YAML ----------------------------------------------------------------
    Bad(
        "data-unknown-tag",
        replace(DATA, "commune: Montpellier", "commune: !ville Montpellier"),
        DATA,
        "!ville",
        "yaml.tag",
        "retirez l'étiquette",
    ),
    Bad(
        "data-python-tag",
        replace(
            DATA,
            "lieu_signature: Montpellier",
            "lieu_signature: !!python/object/apply:os.system [echo]",
        ),
        DATA,
        "python/object",
        "yaml.tag",
        "retirez l'étiquette",
    ),
    Bad(
        "data-binary-tag",
        replace(DATA, "lieu_signature: Montpellier", "lieu_signature: !!binary aGVsbG8="),
        DATA,
        "binary",
        "yaml.tag",
        "retirez",
    ),
    Bad(
        "data-deep-nesting",
        replace(DATA, "lieu_signature: Montpellier", "lieu_signature: " + "[" * 5000 + "]" * 5000),
        DATA,
        "lieu_signature",
        "yaml.depth",
        "indentation",
    ),
    Bad(
        "data-deep-mapping",
        replace(
            DATA,
            "lieu_signature: Montpellier",
            "lieu_signature:\n"
            + "".join("    " + " " * i + f"k{i}:\n" for i in range(60))
            + "    "
            + " " * 60
            + "fin: 1",
        ),
        DATA,
        "k37:",
        "yaml.depth",
        "indentation",
    ),
    Bad("data-alias-bomb", append(DATA, BOMB), DATA, "b3: &b3", "yaml.alias-budget", "en entier"),
    Bad(
        "data-alias-cycle",
        append(DATA, "boucle: &boucle [1, *boucle]\n"),
        DATA,
        "boucle: &boucle",
        "yaml.alias-budget",
        "en entier",
    ),
    Bad(
        "data-text-too-long",
        replace(DATA, "Bernard Castel", "x" * 30_000),
        DATA,
        "xxxxxxxx",
        "data.text-too-long",
        "découpez",
    ),
    Bad(
        "data-syntax",
        replace(DATA, "  duree_annees: 5\n", "  duree_annees: [5\n"),
        DATA,
        "lieu_signature: Montpellier",
        "yaml.syntax",
        "indentation",
    ),
    Bad(
        "data-duplicate-key",
        replace(DATA, "  duree_annees: 5\n", "  duree_annees: 5\n  duree_annees: 4\n"),
        DATA,
        "duree_annees: 4",
        "yaml.duplicate-key",
        "supprimez",
    ),
    Bad(
        "data-complex-key",
        replace(DATA, "  duree_annees: 5\n", "  ? [a, b]\n  : 5\n"),
        DATA,
        "? [a, b]",
        "yaml.value",
        "une clé par ligne",
    ),
    Bad(
        "data-not-a-mapping",
        write(DATA, "- un\n- deux\n"),
        DATA,
        1,
        "data.type",
        "docs/donnees.md",
    ),
    # --- contract data: values ---------------------------------------------------------------
    Bad(
        "date-impossible",
        replace(DATA, "date_effet: 2027-01-01", "date_effet: 2027-02-30"),
        DATA,
        "2027-02-30",
        "data.date",
        "30 février",
    ),
    Bad(
        "date-year-zero",
        replace(DATA, "date_effet: 2027-01-01", "date_effet: 0000-01-01"),
        DATA,
        "0000-01-01",
        "data.date",
        "AAAA-MM-JJ",
    ),
    Bad(
        "date-quoted-impossible",
        replace(DATA, "date_effet: 2027-01-01", 'date_effet: "2027-02-30"'),
        DATA,
        "2027-02-30",
        "data.date",
        "AAAA-MM-JJ",
    ),
    Bad(
        "date-9999",
        replace(DATA, "date_effet: 2027-01-01", "date_effet: 9999-01-01"),
        DATA,
        "9999-01-01",
        "data.out-of-range",
        "docs/donnees.md",
    ),
    Bad(
        "date-1900",
        replace(DATA, "date_signature: 2026-12-15", "date_signature: 1900-12-15"),
        DATA,
        "1900-12-15",
        "data.out-of-range",
        "docs/donnees.md",
    ),
    Bad(
        "amount-1e30",
        replace(DATA, "dotation: 2870000.00", "dotation: 1.0e+30"),
        DATA,
        "1.0e+30",
        "data.out-of-range",
        "zéros en trop",
    ),
    Bad(
        "amount-infinite",
        replace(DATA, "dotation: 2870000.00", "dotation: .inf"),
        DATA,
        ".inf",
        "data.out-of-range",
        "1234567.89",
    ),
    Bad(
        "amount-nan",
        replace(DATA, "dotation: 2870000.00", "dotation: .nan"),
        DATA,
        ".nan",
        "data.out-of-range",
        "1234567.89",
    ),
    Bad(
        "amount-negative",
        replace(DATA, "montant_annuel: 271800.00", "montant_annuel: -271800.00"),
        DATA,
        "montant_annuel",
        "data.out-of-range",
        "zéros en trop",
    ),
    Bad(
        "amount-three-decimals",
        replace(DATA, "dotation: 2870000.00", "dotation: 2870000.005"),
        DATA,
        "2870000.005",
        "data.decimals",
        "deux décimales",
    ),
    Bad(
        "places-1e30",
        replace(DATA, "places: 24}", "places: " + "1" + "0" * 30 + "}"),
        DATA,
        "0000000000}",
        "data.out-of-range",
        "zéros en trop",
    ),
    Bad(
        "places-negative",
        replace(DATA, "places: 24}", "places: -3}"),
        DATA,
        "places: -3",
        "data.out-of-range",
        "zéros en trop",
    ),
    Bad(
        "places-decimal",
        replace(DATA, "places: 24}", "places: 12.5}"),
        DATA,
        "12.5",
        "data.number",
        "docs/donnees.md",
    ),
    Bad(
        "places-text",
        replace(DATA, "places: 24}", "places: beaucoup}"),
        DATA,
        "beaucoup",
        "data.number",
        "docs/donnees.md",
    ),
    Bad(
        "places-5000-digits",
        replace(DATA, "places: 24}", "places: " + "9" * 5000 + "}"),
        DATA,
        "99999}",
        "yaml.value",
        "guillemets",
    ),
    Bad(
        "rate-over-100",
        replace(DATA, "taux_actualisation: 1.2", "taux_actualisation: 150"),
        DATA,
        "taux_actualisation",
        "data.out-of-range",
        "zéros en trop",
    ),
    Bad(
        "year-3000",
        replace(DATA, "            echeance: 2029", "            echeance: 3000"),
        DATA,
        "echeance: 3000",
        "data.out-of-range",
        "année",
    ),
    Bad(
        "duration-huge",
        replace(DATA, "duree_annees: 5", "duree_annees: 1.0e+30"),
        DATA,
        "duree_annees",
        "data.out-of-range",
        "chiffres en trop",
    ),
    Bad(
        "empty-text",
        replace(DATA, "lieu_signature: Montpellier", 'lieu_signature: ""'),
        DATA,
        "lieu_signature",
        "data.empty",
        "retirez le champ",
    ),
    Bad(
        "boolean-word",
        replace(DATA, "preavis_mois: 6", "preavis_mois: oui"),
        DATA,
        "preavis_mois",
        "data.number",
        "docs/donnees.md",
    ),
    Bad(
        "establishments-501",
        many_establishments,
        DATA,
        "etablissements:",
        "data.out-of-range",
        "éléments répétés",
    ),
    Bad(
        "line-100-no-emoji",
        line_100,
        DATA,
        100,
        "data.out-of-range",
        "docs/donnees.md",
        shows=f"{DATA}:100: ",
    ),
    Bad(
        "markup-in-value",
        replace(DATA, "places: 24}", "places: '[bold red]x[/bold red]'}"),
        DATA,
        "bold red",
        "data.number",
        "docs/donnees.md",
        shows="« [bold red]x[/bold red] »",
    ),
    # --- avenant file ------------------------------------------------------------------------
    Bad(
        "avenant-alias-bomb",
        append(AVENANT, BOMB),
        AVENANT,
        "b3: &b3",
        "yaml.alias-budget",
        "en entier",
        ("avenant", SAMPLE),
    ),
    Bad(
        "avenant-impossible-date",
        replace(AVENANT, "date_effet: 2027-09-01", "date_effet: 2027-09-31"),
        AVENANT,
        "2027-09-31",
        "data.date",
        "AAAA-MM-JJ",
        ("avenant", SAMPLE),
    ),
    Bad(
        "avenant-date-9999",
        replace(AVENANT, "date_effet: 2027-09-01", "date_effet: 9999-09-01"),
        AVENANT,
        "9999-09-01",
        "data.out-of-range",
        "docs/donnees.md",
        ("avenant", SAMPLE),
    ),
    Bad(
        "avenant-latin1",
        replace(AVENANT, "Sète", "S\xe8te".encode("latin-1")),
        AVENANT,
        "SAMSAH de S",
        "input.encoding",
        "UTF-8",
        ("avenant", SAMPLE),
    ),
    # --- clause library ----------------------------------------------------------------------
    Bad(
        "clause-latin1",
        replace(CLAUSE, "Il prend effet", b"Il prend \xe9ffet"),
        CLAUSE,
        "Il prend",
        "input.encoding",
        "UTF-8",
    ),
    Bad(
        "clause-unknown-tag",
        replace(CLAUSE, "intitule: Durée", "intitule: !titre Durée"),
        CLAUSE,
        "!titre",
        "yaml.tag",
        "retirez l'étiquette",
    ),
    Bad(
        "clause-alias-cycle",
        replace(CLAUSE, "ordre: 10\n", "ordre: 10\nx: &x [*x]\n"),
        CLAUSE,
        "x: &x",
        "yaml.alias-budget",
        "en entier",
    ),
    Bad(
        "clause-control-character",
        replace(CLAUSE, "intitule: Durée", "intitule: Du\x07rée"),
        CLAUSE,
        "intitule:",
        "input.control-character",
        "caractère invisible",
    ),
    Bad(
        "clause-too-large",
        append(CLAUSE, "x" * 300_000),
        CLAUSE,
        None,
        "input.too-large",
        "bon fichier",
    ),
    Bad("clause-unreadable", deny_reading(CLAUSE), CLAUSE, None, "input.unreadable", "chmod a+r"),
    Bad(
        "clause-missing",
        remove(CLAUSE),
        LOCK,
        '"clause": "duree"',
        "library.clause-missing",
        "make upgrade",
    ),
    Bad(
        "clauses-all-deleted",
        remove(*CLAUSE_FOLDERS),
        "clauses",
        None,
        "library.empty",
        "git checkout -- clauses/",
    ),
    Bad(
        "clauses-and-lock-deleted",
        remove(LOCK, *CLAUSE_FOLDERS),
        "clauses",
        None,
        "library.empty",
        "git checkout -- clauses/",
    ),
    Bad(
        "no-article",
        both(
            remove(LOCK, *CLAUSE_FOLDERS),
            write("clauses/jamais.md", NO_ARTICLE_CLAUSE),
        ),
        DATA,
        1,
        "contract.no-article",
        "conditions",
    ),
    Bad("titres-missing", remove(TITRES), TITRES, None, "library.titres", "titres:"),
    Bad(
        "titres-latin1",
        replace(TITRES, "Préambule", "Pr\xe9ambule".encode("latin-1")),
        TITRES,
        "intitule: Pr",
        "input.encoding",
        "UTF-8",
    ),
    Bad(
        "titres-tag",
        replace(TITRES, "intitule: Préambule", "intitule: !x Préambule"),
        TITRES,
        "!x",
        "yaml.tag",
        "retirez",
    ),
    # --- locks ---------------------------------------------------------------------------------
    Bad(
        "lock-latin1",
        replace(LOCK, '"projet"', b'"proj\xe9t"'),
        LOCK,
        "proj",
        "input.encoding",
        "UTF-8",
    ),
    Bad(
        "lock-traversal-clause",
        replace(LOCK, '"clause": "duree"', '"clause": "../../../etc/passwd"'),
        LOCK,
        None,
        "lock.invalid",
        "restaurez-le",
    ),
    Bad(
        "lock-traversal-digest",
        replace(LOCK, '"titres": "', '"titres": "../../../'),
        LOCK,
        None,
        "lock.invalid",
        "restaurez-le",
    ),
    Bad(
        "lock-truncated",
        write(LOCK, '{"contrat": "association-horizons", "articles": ['),
        LOCK,
        1,
        "lock.invalid",
        "restaurez-le",
    ),
    Bad(
        "lock-hand-edited",
        replace(LOCK, '"version": "projet",', '"version": projet,'),
        LOCK,
        '"version": projet',
        "lock.invalid",
        "restaurez-le",
    ),
    Bad(
        "lock-deep-json",
        write(LOCK, "[" * 200_000 + "]" * 200_000),
        LOCK,
        None,
        "lock.invalid",
        "restaurez-le",
    ),
    Bad("lock-wrong-shape", write(LOCK, "[1, 2, 3]"), LOCK, None, "lock.invalid", "restaurez"),
    Bad("lock-unreadable", deny_reading(LOCK), LOCK, None, "input.unreadable", "chmod a+r"),
    Bad(
        "lock-too-large", write(LOCK, " " * 9_000_000), LOCK, None, "input.too-large", "bon fichier"
    ),
    # --- templates -----------------------------------------------------------------------------
    Bad(
        "reference-docx-garbage",
        write("templates/reference.docx", b"pas un docx"),
        "templates/reference.docx",
        None,
        "template.docx",
        "c'est le modèle qui est à corriger",
    ),
    Bad(
        "reference-docx-no-styles",
        without_styles,
        "templates/reference.docx",
        None,
        "template.docx",
        "modèle",
    ),
    Bad(
        "cover-docx-missing",
        remove("templates/couverture.docx"),
        "templates/couverture.docx",
        None,
        "input.unreadable",
        "restaurez-le",
    ),
    Bad(
        "typst-template-latin1",
        replace("templates/contrat.typ", "Mise en page", b"Mise en p\xe2ge"),
        "templates/contrat.typ",
        "Mise en p",
        "input.encoding",
        "UTF-8",
    ),
    Bad(
        "typst-template-syntax",
        replace(
            "templates/contrat.typ",
            "#let reference = [$reference$]",
            "#let reference = [$reference$",
        ),
        "templates/contrat.typ",
        "#let reference",
        "template.typst",
        "c'est le modèle PDF qui est à corriger",
    ),
    Bad(
        "typst-template-pandoc",
        replace("templates/contrat.typ", "$if(membres)$", "$if(membres"),
        "templates/contrat.typ",
        "$if(membres",
        "template.typst",
        "c'est le modèle PDF qui est à corriger",
    ),
    # --- files in the way, refused writes ----------------------------------------------------
    Bad(
        "build-folder-is-a-file",
        both(remove(f"build/{SAMPLE}"), write(f"build/{SAMPLE}", "x")),
        f"build/{SAMPLE}",
        None,
        "io.not-a-directory",
        "déplacez ou supprimez",
    ),
    Bad(
        "build-is-a-file",
        both(remove("build"), write("build", "x")),
        "build",
        None,
        "io.not-a-directory",
        "déplacez ou supprimez",
    ),
    Bad(
        "build-read-only",
        fail_writes(f"build/{SAMPLE}", errno.EACCES),
        f"build/{SAMPLE}/{SAMPLE}.md",
        None,
        "io.permission",
        "chmod u+w",
    ),
    Bad(
        "disk-full",
        fail_writes(f"build/{SAMPLE}", errno.ENOSPC),
        f"build/{SAMPLE}/{SAMPLE}.md",
        None,
        "io.disk-full",
        "libérez de la place",
    ),
    Bad(
        "history-read-only",
        both(new_clause_version, fail_writes("history", errno.EACCES)),
        "history/clauses/litiges/v2.md",
        None,
        "io.permission",
        "chmod u+w",
    ),
    # --- names and paths from the command line (exit 2) --------------------------------------
    Bad(
        "contract-id-into-archive",
        lambda r, m: None,
        "cpom",
        None,
        "usage.name",
        "sans « / » ni « .. »",
        ("build", f"../archive/{SAMPLE}/v1"),
        2,
    ),
    Bad(
        "contract-id-absolute",
        lambda r, m: None,
        "cpom",
        None,
        "usage.name",
        "minuscules",
        ("build", "/tmp/ailleurs/ext"),
        2,
    ),
    Bad(
        "contract-id-make-style",
        lambda r, m: None,
        "cpom",
        None,
        "usage.name",
        "minuscules",
        ("upgrade", "C=../archive"),
        2,
    ),
    Bad(
        "contract-id-uppercase",
        lambda r, m: None,
        "cpom",
        None,
        "usage.name",
        "minuscules",
        ("build", "Association-Horizons"),
        2,
    ),
    Bad(
        "version-into-archive",
        lambda r, m: None,
        "cpom",
        None,
        "usage.name",
        "VERSION=v1",
        ("build", SAMPLE, "--version", f"../../archive/{SAMPLE}/v1"),
        2,
    ),
    Bad(
        "version-zero",
        lambda r, m: None,
        "cpom",
        None,
        "usage.name",
        "v1, v2",
        ("build", SAMPLE, "--version", "v0"),
        2,
    ),
    Bad(
        "redline-from-traversal",
        lambda r, m: None,
        "cpom",
        None,
        "usage.name",
        "FROM=v1",
        ("redline", SAMPLE, "--de", "../v1", "--a", "projet"),
        2,
    ),
    Bad(
        "redline-to-absolute",
        lambda r, m: None,
        "cpom",
        None,
        "usage.name",
        "FROM=v1",
        ("redline", SAMPLE, "--de", "v1", "--a", "/etc"),
        2,
    ),
    Bad(
        "check-contract-traversal",
        lambda r, m: None,
        "cpom",
        None,
        "usage.name",
        "minuscules",
        ("check", "../../etc"),
        2,
    ),
    Bad(
        "clause-traversal",
        lambda r, m: None,
        "cpom",
        None,
        "usage.name",
        "champ id",
        ("history", "../../etc/passwd"),
        2,
    ),
    Bad(
        "contract-folder-symlink",
        link("contracts/evil", f"archive/{SAMPLE}/v1"),
        "contracts/evil",
        None,
        "usage.path",
        "remplacez ce lien",
        ("build", "evil"),
        2,
    ),
    Bad(
        "build-folder-symlink",
        link(f"build/{SAMPLE}", f"archive/{SAMPLE}/v1"),
        f"build/{SAMPLE}",
        None,
        "usage.path",
        "remplacez ce lien",
        exit=2,
    ),
    Bad(
        "build-symlink-outside",
        link("build", "../ailleurs"),
        "build",
        None,
        "usage.path",
        "remplacez ce lien",
        exit=2,
    ),
    Bad(
        "lock-symlink-into-archive",
        both(
            remove(LOCK),
            lambda r, m: (r / LOCK).symlink_to(r / f"archive/{SAMPLE}/v1/cpom.lock.json"),
        ),
        LOCK,
        None,
        "usage.path",
        "remplacez ce lien",
        exit=2,
    ),
    Bad(
        "clause-symlink-outside",
        both(
            write("../dehors.md", NO_ARTICLE_CLAUSE),
            lambda r, m: (r / "clauses/99-lien.md").symlink_to(r.parent / "dehors.md"),
        ),
        "clauses/99-lien.md",
        None,
        "usage.path",
        "remplacez ce lien",
        exit=2,
    ),
    Bad(
        "argument-unknown-command",
        lambda r, m: None,
        "cpom",
        None,
        "usage.arguments",
        "--help",
        ("construire",),
        2,
    ),
    Bad(
        "argument-bad-jobs",
        lambda r, m: None,
        "cpom",
        None,
        "usage.arguments",
        "--help",
        ("build", "--all", "--jobs", "beaucoup"),
        2,
    ),
    Bad(
        "argument-missing-value",
        lambda r, m: None,
        "cpom",
        None,
        "usage.arguments",
        "--help",
        ("redline", SAMPLE, "--a", "projet"),
        2,
    ),
    # --- hostile inputs found after the fact (issue 11, hostile pass) -------------------------
    Bad(
        "data-merge-key",
        replace(
            DATA,
            '  - finess: "340780154"\n',
            '  - <<: {categorie: SESSAD}\n    finess: "340780154"\n',
        ),
        DATA,
        "<<:",
        "yaml.merge",
        "sans « <<: »",
    ),
    Bad(
        "data-two-documents",
        append(DATA, "---\nautre: 1\n"),
        DATA,
        "---\nautre: 1",
        "yaml.syntax",
        "indentation",
        shows="un second document YAML",
    ),
    Bad(
        "data-named-pipe",
        fifo(DATA),
        DATA,
        None,
        "input.unreadable",
        "restaurez-le",
        shows="tube nommé",
    ),
    Bad(
        "data-is-a-folder",
        folder(DATA),
        DATA,
        None,
        "input.unreadable",
        "remplacez ce dossier",
    ),
    Bad(
        "data-symlink-outside",
        both(remove(DATA), lambda r, m: (r / DATA).symlink_to("/etc/passwd")),
        DATA,
        None,
        "usage.path",
        "remplacez ce lien",
        exit=2,
    ),
    Bad(
        "clause-nul-in-body",
        both(new_clause_version, replace(CLAUSE, "Il prend effet", "Il prend\x00 effet")),
        CLAUSE,
        "Il prend",
        "input.control-character",
        "caractère invisible",
    ),
    Bad(
        "clause-escape-in-body",
        both(new_clause_version, replace(CLAUSE, "Il prend effet", "Il prend\x1b[31m effet")),
        CLAUSE,
        "Il prend",
        "input.control-character",
        "caractère invisible",
    ),
    Bad(
        "clause-named-pipe",
        fifo(CLAUSE),
        CLAUSE,
        None,
        "input.unreadable",
        "restaurez-le",
    ),
    Bad(
        "typst-template-named-pipe",
        fifo("templates/contrat.typ"),
        "templates/contrat.typ",
        None,
        "input.unreadable",
        "restaurez-le",
    ),
    Bad(
        "clause-endless-loop",
        quick_alarm(
            trap("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}")
        ),
        TRAP,
        8,
        "template.budget",
        "vérifiez les boucles",
        shows="le rendu dure plus de 1 secondes",
    ),
    Bad(
        "clause-output-bomb",
        trap("{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}"),
        TRAP,
        8,
        "template.budget",
        "vérifiez les boucles",
        shows="le texte produit dépasse 1000000 caractères",
    ),
    Bad(
        "clause-text-times-3e9",
        trap("Texte.\n{{ 'x' * 3000000000 }}"),
        TRAP,
        9,
        "template.budget",
        "vérifiez les boucles",
    ),
    Bad(
        "clause-power-bomb",
        trap("{{ 10 ** (10 ** 8) }}"),
        TRAP,
        8,
        "template.budget",
        "vérifiez les boucles",
        shows="puissance démesurée",
    ),
    Bad(
        "clause-center-3e9",
        trap("{{ 'x' | center(3000000000) }}"),
        TRAP,
        8,
        "template.budget",
        "vérifiez les boucles",
        shows="mémoire",
    ),
    Bad(
        "clause-format-width",
        trap("{{ '%3000000000d' % 1 }}"),
        TRAP,
        8,
        "template.budget",
        "vérifiez les boucles",
    ),
    Bad(
        "clause-doubling-namespace",
        trap(
            "{% set ns = namespace(s='x') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}"
            "{% endfor %}{{ ns.s | length }}"
        ),
        TRAP,
        8,
        "template.budget",
        "vérifiez les boucles",
    ),
    Bad(
        "clause-endless-macro",
        trap("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}"),
        TRAP,
        8,
        "template.budget",
        "vérifiez les boucles",
        shows="appels imbriqués sans fin",
    ),
    Bad(
        "clause-repeat-range",
        trap("Article {{ element }}.", "repeter: range(100000)\n"),
        TRAP,
        "repeter:",
        "template.budget",
        "pas un intervalle",
    ),
    Bad(
        "cover-docx-endless-loop",
        quick_alarm(
            word_template_with(
                "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
            )
        ),
        "templates/couverture.docx",
        None,
        "template.budget",
        "c'est le modèle qui est à corriger",
    ),
    # --- the received signed file, and the archive command's arguments ----------------------
    Bad(
        "signed-is-a-folder",
        lambda r, m: None,
        "build",
        None,
        "usage.signed",
        "le fichier reçu lui-même",
        ("archive", SAMPLE, "--signe", "build", "--date", "2027-09-01"),
        2,
    ),
    Bad(
        "signed-named-pipe",
        lambda r, m: os.mkfifo(r / "signé.pdf"),
        "signé.pdf",
        None,
        "usage.signed",
        "le fichier reçu lui-même",
        ("archive", SAMPLE, "--signe", "signé.pdf", "--date", "2027-09-01"),
        2,
    ),
    Bad(
        "signed-empty-argument",
        lambda r, m: None,
        "cpom",
        None,
        "usage.arguments",
        "--help",
        ("archive", SAMPLE, "--signe", "", "--date", "2027-09-01"),
        2,
        shows="fichier signé non précisé",
    ),
    Bad(
        "signed-too-large",
        both(
            write("signé.pdf", b"%PDF-1.7\n"),
            lambda r, m: os.truncate(r / "signé.pdf", 201 * 1024 * 1024),
        ),
        "signé.pdf",
        None,
        "input.too-large",
        "bon fichier",
        ("archive", SAMPLE, "--signe", "signé.pdf", "--date", "2027-09-01"),
        shows="fichier de 201 Mo",
    ),
    Bad(
        "signed-password-protected",
        pdf_file("signé.pdf", encrypted),
        "signé.pdf",
        None,
        "signature.unreadable",
        "SCAN=1",
        ("archive", SAMPLE, "--signe", "signé.pdf", "--date", "2027-09-01"),
        shows="protégé par un mot de passe",
    ),
    Bad(
        "signed-too-many-pages",
        pdf_file("signé.pdf", with_blank_pages),
        "signé.pdf",
        None,
        "signature.unreadable",
        "SCAN=1",
        ("archive", SAMPLE, "--signe", "signé.pdf", "--date", "2027-09-01"),
        shows="au-delà des",
    ),
    Bad(
        "date-9999-on-the-command-line",
        lambda r, m: None,
        "cpom",
        None,
        "usage.arguments",
        "--help",
        ("archive", SAMPLE, "--signe", "x.pdf", "--date", "9999-12-31"),
        2,
        shows="hors limites : entre 2000-01-01 et 2100-12-31",
    ),
    Bad(
        "force-without-a-reason",
        lambda r, m: None,
        "cpom",
        None,
        "usage.arguments",
        "--help",
        ("archive", SAMPLE, "--signe", "x.pdf", "--force", "  "),
        2,
        shows="motif vide",
    ),
    Bad(
        "bench-repetitions-1e9",
        lambda r, m: None,
        "cpom",
        None,
        "usage.arguments",
        "--help",
        ("bench", "--repetitions", "1000000000"),
        2,
    ),
    Bad(
        "contract-id-option-after-dashes",
        lambda r, m: None,
        "cpom",
        None,
        "usage.name",
        "minuscules",
        ("build", "--", "--all"),
        2,
    ),
    Bad(
        "contract-id-cyrillic-a",
        lambda r, m: None,
        "cpom",
        None,
        "usage.name",
        "minuscules",
        ("build", "\u0430ssociation-horizons"),
        2,
    ),
    Bad(
        "contract-output-bomb",
        trap("{{ 'x' * 800000 }}", "repeter: etablissements\n"),
        TRAP,
        "{{ 'x'",
        "template.budget",
        "vérifiez les boucles",
        shows="le contrat dépasse 5000000 caractères avec ce texte",
    ),
    Bad(
        "lock-without-articles",
        write(LOCK, '{"contrat": "association-horizons"}'),
        LOCK,
        None,
        "lock.invalid",
        "restaurez",
        shows="champ « articles » absent",
    ),
    Bad(
        "lock-5000-digit-number",
        write(LOCK, '{"articles": [], "rendu": 1' + "0" * 5000 + "}"),
        LOCK,
        None,
        "lock.invalid",
        "restaurez",
        shows="nombre démesuré",
    ),
]


def _expected_line(root: Path, case: Bad) -> int | None:
    if case.line is None or isinstance(case.line, int):
        return case.line
    data = (root / case.where).read_bytes()
    marker = case.line.encode()
    assert marker in data, f"{case.line!r} absent de {case.where}"
    return data[: data.index(marker)].count(b"\n") + 1


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_is_located_and_writes_nothing(
    case: Bad,
    repository: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    case.mutate(repository, monkeypatch)
    line = _expected_line(repository, case)
    before = tree_state(repository, *WATCHED)

    code = main(["--racine", str(repository), *case.args])

    err = capsys.readouterr().err
    assert code == case.exit, err
    location = case.where if line is None else f"{case.where}:{line}"
    assert f"\n{location}: " in f"\n{err}", err
    assert f"[{case.code}]" in err, err
    fixes = [text for text in err.split("\n") if text.strip().startswith("→ ")]
    assert any(case.hint in fix for fix in fixes), err
    assert "erreur interne" not in err and "Traceback" not in err
    assert "💯" not in err
    if case.shows:
        assert case.shows in err, err
    assert tree_state(repository, *WATCHED) == before


def test_there_are_at_least_sixty_bad_inputs() -> None:
    assert len({c.name for c in CASES}) == len(CASES) >= 60
