"""The way back from Word: `cpom review` (the review of a returned file, written, and what the
drafter reads) and `cpom identify` (what a .docx or a PDF is). Each verb imports its stages
when it runs, as commands.py does."""

from __future__ import annotations

import argparse
import datetime as dt

from .console import out
from .project import Project


def cmd_review(project: Project, args: argparse.Namespace) -> int:
    from .pipeline import write_review
    from .review.outputs import terminal

    today = dt.date.today()
    review, outputs = write_review(project, args.contrat, args.fichier, today, args.appliquer)
    for line in terminal(review, outputs, project.root, today):
        out.print(line, markup=False)
    return 0


def cmd_identify(project: Project, args: argparse.Namespace) -> int:
    from .review.identity import describe, identify

    for line in describe(project, identify(project, args.fichier)):
        out.print(line, markup=False)
    return 0
