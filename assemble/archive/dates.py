"""The date of a signed version, reconciled: the date given at archiving (DATE), the date
printed in the signed document and the dates of its electronic signatures must agree."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..core.errors import CpomError
from ..lifecycle.manifest import SignatureRecord
from ..text.french import date_fr


@dataclass(frozen=True)
class Printed:
    """The signature date the document prints (None: left blank for a handwritten date), and
    the data file and line it comes from."""

    date: dt.date | None
    path: Path
    line: int | None
    field: str  # « date_signature du contrat » or « date_signature du fichier d'avenant »


def check_stated(stated: dt.date | None, printed: Printed) -> None:
    """DATE must be the date the signed document prints, when it prints one."""
    if stated is None or printed.date is None or stated == printed.date:
        return
    raise CpomError.one(
        "archive.date-mismatch",
        f"DATE={stated.isoformat()} ({date_fr(stated)}) diffère de la date de signature imprimée "
        f"dans le document signé ({date_fr(printed.date)}, {printed.field})",
        printed.path,
        printed.line,
        hint=f"si le document a bien été signé le {date_fr(printed.date)}, omettez DATE ou "
        f"donnez DATE={printed.date.isoformat()} ; sinon corrigez cette date, reconstruisez et "
        "faites signer le document corrigé",
    )


def signing_dates(records: tuple[SignatureRecord, ...]) -> list[dt.date]:
    """The days of the intact electronic signatures (timestamp first), in French time."""
    days = []
    for record in records:
        moment = record.horodatage or record.date_signature
        if record.intact and moment is not None:
            days.append(moment.astimezone(_paris()).date() if moment.tzinfo else moment.date())
    return sorted(days)


def reconcile(
    date: dt.date | None, records: tuple[SignatureRecord, ...], signed: Path
) -> dt.date | None:
    """The version's date: `date` (DATE or the printed date) if the electronic signatures
    allow it, else the day of the last electronic signature; None if nothing says it."""
    days = signing_dates(records)
    if not days:
        return date
    if date is None:
        return days[-1]
    if days[0] <= date <= days[-1]:
        return date
    span = (
        f"le {date_fr(days[0])}"
        if days[0] == days[-1]
        else f"entre le {date_fr(days[0])} et le {date_fr(days[-1])}"
    )
    raise CpomError.one(
        "archive.date-signature",
        f"date de signature du {date_fr(date)} contredite par les signatures électroniques du "
        f"fichier, apposées {span}",
        signed,
        hint="vérifiez le fichier signé et la date : la date imprimée dans le document (ou DATE) "
        "doit être celle des signatures électroniques ; omettez DATE pour reprendre celle de la "
        "dernière signature",
    )


def _paris() -> dt.tzinfo:
    try:
        return ZoneInfo("Europe/Paris")
    except ZoneInfoNotFoundError:  # no time zone database: UTC, a few hours off at worst
        return dt.UTC
