"""`cpom identify`: what a .docx or a PDF is, as the drafter reads it."""

from __future__ import annotations

import argparse

from .console import out
from .project import Project
from .review.identity import describe, identify


def cmd_identify(project: Project, args: argparse.Namespace) -> int:
    for line in describe(project, identify(project, args.fichier)):
        out.print(line, markup=False)
    return 0
