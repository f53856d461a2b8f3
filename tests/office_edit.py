"""Edit a .docx in LibreOffice as a reviewer does, change tracking on, and save it as .docx.

Run by a Python that has LibreOffice's UNO bridge (the system's python3-uno, or LibreOffice's
own), never imported by the tests: `python office_edit.py SOFFICE PROFILE_URL SPEC`, where
SPEC is a JSON file {"source", "target", "author", "edits": [...]}. One office is started on a
private profile and a pipe, the document is opened hidden, change recording is turned on and
each edit is made through the UNO text API, as typing would make it:

- {"op": "replace", "paragraph": P, "old": O, "new": N, "tracked": true}: in the paragraph
  whose text starts with P (a table cell's paragraph too), select O and type N;
- {"op": "delete-paragraph", "paragraph": P}: select the paragraph and its mark, delete;
- {"op": "insert-paragraph", "paragraph": P, "text": T}: press Enter at the end of the
  paragraph that starts with P and type T;
- {"op": "insert-row", "paragraph": P, "cells": [...]}: insert a row below the row of the cell
  whose paragraph starts with P, and type each cell's text;
- {"op": "comment", "paragraph": P, "anchor": A, "text": T}: a comment on passage A.

Texts are matched with no-break spaces read as spaces and typographic apostrophes as straight
ones. Prints a JSON list, one line per edit: what the edit selected. Exits non-zero (message on
stderr) when an edit cannot be made: the test then fails rather than check a file half edited.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2019": "'"})
_SAVE_FILTER = "MS Word 2007 XML"


def plain(text: str) -> str:
    """Text compared with no-break spaces and apostrophes plain (same length)."""
    return text.translate(_SPACES)


def prop(uno: Any, name: str, value: Any) -> Any:
    found = uno.createUnoStruct("com.sun.star.beans.PropertyValue")
    found.Name, found.Value = name, value
    return found


def start(uno: Any, soffice: str, profile: str) -> tuple[subprocess.Popen[bytes], Any]:
    """One headless office listening on a private pipe, and its component context."""
    pipe = f"cpomedit{os.getpid()}"
    command = [soffice, f"-env:UserInstallation={profile}", "--headless", "--invisible"]
    command += ["--nologo", "--norestore", "--nodefault", f"--accept=pipe,name={pipe};urp;"]
    office = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    for _ in range(1200):
        try:
            url = f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext"
            return office, resolver.resolve(url)
        except Exception:
            time.sleep(0.1)
    office.kill()
    sys.exit("LibreOffice ne répond pas")


def set_author(uno: Any, context: Any, author: str) -> None:
    """The user's name, which LibreOffice writes as the author of every tracked change."""
    provider = context.ServiceManager.createInstanceWithContext(
        "com.sun.star.configuration.ConfigurationProvider", context
    )
    node = prop(uno, "nodepath", "/org.openoffice.UserProfile/Data")
    access = provider.createInstanceWithArguments(
        "com.sun.star.configuration.ConfigurationUpdateAccess", (node,)
    )
    access.setPropertyValue("givenname", author)
    access.setPropertyValue("sn", "")
    access.commitChanges()


def paragraphs(text: Any) -> Iterator[Any]:
    """Every paragraph of a text in reading order, those of its tables' cells included."""
    enumeration = text.createEnumeration()
    while enumeration.hasMoreElements():
        element = enumeration.nextElement()
        if element.supportsService("com.sun.star.text.TextTable"):
            for name in element.getCellNames():
                yield from paragraphs(element.getCellByName(name).getText())
        elif element.supportsService("com.sun.star.text.Paragraph"):
            yield element


def find(document: Any, starts: str) -> Any:
    for paragraph in paragraphs(document.getText()):
        if plain(paragraph.getString()).startswith(plain(starts)):
            return paragraph
    raise LookupError(f"aucun paragraphe ne commence par « {starts} »")


def select(paragraph: Any, passage: str) -> Any:
    """A cursor over `passage` in the paragraph."""
    at = plain(paragraph.getString()).find(plain(passage))
    if at < 0:
        raise LookupError(f"« {passage} » absent de « {paragraph.getString()[:60]} »")
    cursor = paragraph.getText().createTextCursorByRange(paragraph.getStart())
    cursor.goRight(at, False)
    cursor.goRight(len(passage), True)
    if plain(cursor.getString()) != plain(passage):
        raise LookupError(f"sélection « {cursor.getString()} » au lieu de « {passage} »")
    return cursor


def replace(document: Any, edit: dict[str, Any]) -> str:
    cursor = select(find(document, edit["paragraph"]), edit["old"])
    document.RecordChanges = bool(edit.get("tracked", True))
    try:
        cursor.setString(edit["new"])
    finally:
        document.RecordChanges = True
    return f"{edit['old']} → {edit['new']}"


def delete_paragraph(document: Any, edit: dict[str, Any]) -> str:
    paragraph = find(document, edit["paragraph"])
    removed = str(paragraph.getString())
    cursor = paragraph.getText().createTextCursorByRange(paragraph.getStart())
    cursor.gotoEndOfParagraph(True)
    cursor.goRight(1, True)  # its mark: the next paragraph follows the previous one
    cursor.setString("")
    return removed


def insert_paragraph(document: Any, edit: dict[str, Any]) -> str:
    paragraph = find(document, edit["paragraph"])
    text = paragraph.getText()
    cursor = text.createTextCursorByRange(paragraph.getEnd())
    text.insertControlCharacter(cursor, 0, False)  # PARAGRAPH_BREAK: Enter at its end
    text.insertString(cursor, edit["text"], False)
    return str(edit["text"])


def insert_row(document: Any, edit: dict[str, Any]) -> str:
    paragraph = find(document, edit["paragraph"])
    table, cell = paragraph.TextTable, paragraph.Cell
    if table is None or cell is None:
        raise LookupError(f"« {edit['paragraph']} » n'est pas dans un tableau")
    row = int("".join(c for c in cell.CellName if c.isdigit())) - 1
    table.getRows().insertByIndex(row + 1, 1)
    for column, text in enumerate(edit["cells"]):
        table.getCellByPosition(column, row + 1).setString(text)
    return " | ".join(edit["cells"])


def comment(uno: Any, document: Any, edit: dict[str, Any], author: str) -> str:
    cursor = select(find(document, edit["paragraph"]), edit["anchor"])
    note = document.createInstance("com.sun.star.text.textfield.Annotation")
    note.Author = author
    note.Content = edit["text"]
    when = uno.createUnoStruct("com.sun.star.util.DateTime")
    now = time.gmtime()
    when.Year, when.Month, when.Day = now.tm_year, now.tm_mon, now.tm_mday
    when.Hours, when.Minutes, when.Seconds = now.tm_hour, now.tm_min, now.tm_sec
    note.DateTimeValue = when
    cursor.getText().insertTextContent(cursor, note, True)  # on the passage, not a point
    return str(edit["anchor"])


def edit_file(uno: Any, desktop: Any, spec: dict[str, Any]) -> list[str]:
    url = uno.systemPathToFileUrl(spec["source"])
    document = desktop.loadComponentFromURL(url, "_blank", 0, (prop(uno, "Hidden", True),))
    try:
        document.RecordChanges = True
        done = []
        for edit in spec["edits"]:
            if edit["op"] == "replace":
                done.append(replace(document, edit))
            elif edit["op"] == "delete-paragraph":
                done.append(delete_paragraph(document, edit))
            elif edit["op"] == "insert-paragraph":
                done.append(insert_paragraph(document, edit))
            elif edit["op"] == "insert-row":
                done.append(insert_row(document, edit))
            elif edit["op"] == "comment":
                done.append(comment(uno, document, edit, spec["author"]))
            else:
                raise LookupError(f"opération inconnue : {edit['op']}")
        target = uno.systemPathToFileUrl(spec["target"])
        document.storeToURL(target, (prop(uno, "FilterName", _SAVE_FILTER),))
        return done
    finally:
        document.close(True)


def main(argv: list[str]) -> int:
    soffice, profile, spec_file = argv
    with open(spec_file, encoding="utf-8") as spec_text:
        spec = json.load(spec_text)
    uno = importlib.import_module("uno")
    office, context = start(uno, soffice, profile)
    desktop = None
    try:
        set_author(uno, context, spec["author"])
        desktop = context.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.Desktop", context
        )
        try:
            done = edit_file(uno, desktop, spec)
        except LookupError as exc:
            print(exc, file=sys.stderr)
            return 1
        print(json.dumps(done, ensure_ascii=False))
        return 0
    finally:
        try:
            if desktop is not None:
                desktop.terminate()
        except Exception:
            pass
        try:
            office.wait(timeout=60)
        except subprocess.TimeoutExpired:
            office.kill()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
