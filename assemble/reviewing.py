"""`cpom review`: the review of a returned Word file, written, and what the drafter reads."""

from __future__ import annotations

import argparse
import datetime as dt

from .console import out
from .pipeline import write_review
from .project import Project
from .review.outputs import terminal


def cmd_review(project: Project, args: argparse.Namespace) -> int:
    today = dt.date.today()
    review, outputs = write_review(project, args.contrat, args.fichier, today, args.appliquer)
    for line in terminal(review, outputs, project.root, today):
        out.print(line, markup=False)
    return 0
