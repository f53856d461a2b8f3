"""LibreOffice headless as a second reader of redlines: it accepts or rejects every tracked
change of a .docx and saves the result, for tests and `make bench` to compare.

LibreOffice is driven through its Python-UNO bridge, by a script run with a Python that has
the `uno` module (LibreOffice's own, or the system's python3-uno): one office process serves a
whole batch of files, since each start costs seconds.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Mode = Literal["accept", "reject"] | None
_TIMEOUT = 600  # seconds for a whole batch

# Run by the UNO Python: argv = soffice, profile folder URL, jobs file (JSON list of
# [source, mode, target]); starts one office, runs every job, stops the office.
_SCRIPT = r"""
import json, os, subprocess, sys, time
import uno
from com.sun.star.beans import PropertyValue

def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p

soffice, profile, jobs = sys.argv[1:4]
pipe = "cpom%d" % os.getpid()
office = subprocess.Popen([soffice, "-env:UserInstallation=" + profile, "--headless",
    "--invisible", "--nologo", "--norestore", "--nodefault",
    "--accept=pipe,name=%s;urp;" % pipe], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
local = uno.getComponentContext()
resolver = local.ServiceManager.createInstanceWithContext(
    "com.sun.star.bridge.UnoUrlResolver", local)
context = None
for _ in range(1200):
    try:
        context = resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
        break
    except Exception:
        time.sleep(0.1)
if context is None:
    office.kill()
    sys.exit("LibreOffice ne répond pas")
manager = context.ServiceManager
desktop = manager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
dispatcher = manager.createInstanceWithContext("com.sun.star.frame.DispatchHelper", context)
commands = {"accept": ".uno:AcceptAllTrackedChanges", "reject": ".uno:RejectAllTrackedChanges"}
try:
    for source, mode, target in json.load(open(jobs, encoding="utf-8")):
        document = desktop.loadComponentFromURL(
            uno.systemPathToFileUrl(source), "_blank", 0, (prop("Hidden", True),))
        if mode:
            frame = document.getCurrentController().getFrame()
            dispatcher.executeDispatch(frame, commands[mode], "", 0, ())
        document.storeToURL(
            uno.systemPathToFileUrl(target), (prop("FilterName", "MS Word 2007 XML"),))
        document.close(True)
finally:
    try:
        desktop.terminate()
    except Exception:
        pass
    try:
        office.wait(timeout=60)
    except Exception:
        office.kill()
"""


@dataclass(frozen=True)
class Job:
    """Open `source`, accept or reject every change (or neither), save as .docx to `target`."""

    source: Path
    mode: Mode
    target: Path


def office() -> tuple[str, str] | str:
    """The soffice program and a Python with the UNO bridge, or why they cannot be used."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return "LibreOffice absent (apt-get install libreoffice-writer)"
    program = Path(soffice).resolve().parent
    for python in (program / "python", Path("/usr/bin/python3")):
        if python.is_file() and _has_uno(python):
            return soffice, str(python)
    return "pont Python-UNO absent (apt-get install python3-uno)"


def _has_uno(python: Path) -> bool:
    try:
        check = [str(python), "-c", "import uno"]
        return subprocess.run(check, capture_output=True, timeout=60).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def run_jobs(jobs: list[Job], profile: Path | None = None) -> None:
    """Run a batch of jobs in one LibreOffice; raise RuntimeError when it fails.

    `profile`: a LibreOffice user folder kept between batches (one office at a time may use
    it): an office starts a second faster in a folder it has set up already. Without it, a
    fresh one is made and removed."""
    found = office()
    if isinstance(found, str):
        raise RuntimeError(found)
    soffice, python = found
    with tempfile.TemporaryDirectory(prefix="cpom-office-") as tmp:
        script, listing = Path(tmp) / "revisions.py", Path(tmp) / "jobs.json"
        script.write_text(_SCRIPT, encoding="utf-8")
        batch = [[str(j.source.resolve()), j.mode, str(j.target.resolve())] for j in jobs]
        listing.write_text(json.dumps(batch), encoding="utf-8")
        user = (profile or Path(tmp) / "profile").resolve().as_uri()
        command = [python, str(script), soffice, user, str(listing)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=_TIMEOUT)
    missing = [j.target for j in jobs if not j.target.is_file()]
    if done.returncode != 0 or missing:
        raise RuntimeError(f"LibreOffice a échoué ({done.returncode}) : {done.stderr[-2000:]}")
