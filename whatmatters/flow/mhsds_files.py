"""MHSDS tables from an upload: a .zip of the warehouse's folder, or several CSV files chosen at once.

`unpack` gives each table's bytes under its official name (MHS101Referral, ...), plus the SNOMED CT
reference set file (snomed_refsets) and extract.json (extract) when they are there. A zip is checked before
anything in it is read, as the spreadsheet reader checks an XLSX (imports.reading): it must be a zip, at
most MAX_MEMBERS entries, nothing encrypted, no entry whose name climbs out of the folder (../ or an absolute
path), and no more than MAX_UNPACKED_RATIO times the upload limit once unpacked (a zip bomb stops here; each
entry is read with a cap, so a size that lies in the zip's directory cannot get past it).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePosixPath

from whatmatters.flow.mhsds import REFSETS_FILE, TABLES

MAX_MEMBERS = 200
MAX_UNPACKED_RATIO = 20  # the same ratio as an XLSX upload (imports.reading._UNPACKED_RATIO)
EXTRAS = {"extract.json": "extract", REFSETS_FILE: "snomed_refsets"}


class NotMhsds(ValueError):
    """The upload cannot be read as MHSDS tables; the message says why, in plain English."""


def _name(filename: str) -> str | None:
    """The stored name of a file in an MHSDS upload (MHS101Referral, extract, snomed_refsets), or None."""
    base = PurePosixPath(filename.replace("\\", "/")).name
    if base.lower() in EXTRAS:
        return EXTRAS[base.lower()]
    stem, dot, ext = base.rpartition(".")
    if not dot or ext.lower() != "csv":
        return None
    wanted = {name.lower(): name for name in TABLES}
    return wanted.get(stem.lower())


def _add(found: dict[str, bytes], name: str, filename: str, data: bytes) -> None:
    if name in found:
        raise NotMhsds(f"{filename}: there are two files for {name}. Keep one of them.")
    found[name] = data


def _unzip(filename: str, data: bytes, max_bytes: int, found: dict[str, bytes]) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise NotMhsds(f"{filename} is not a zip file we can open. Zip the folder again.") from None
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        if len(members) > MAX_MEMBERS:
            raise NotMhsds(f"{filename} holds {len(members):,} files; an MHSDS folder has far fewer.")
        limit = max_bytes * MAX_UNPACKED_RATIO
        if sum(m.file_size for m in members) > limit:
            raise NotMhsds(f"{filename} unpacks to more than {limit >> 20:,} MB. Use the command line.")
        total = 0
        for member in members:
            path = PurePosixPath(member.filename.replace("\\", "/"))
            if path.is_absolute() or ".." in path.parts:
                raise NotMhsds(f"{filename}: the entry {member.filename[:80]} points outside the folder.")
            if member.flag_bits & 0x1:
                raise NotMhsds(f"{filename}: {path.name[:80]} has a password. Zip the folder without one.")
            name = _name(member.filename)
            if name is None:
                continue  # other tables and files in the warehouse folder are not read
            with archive.open(member) as handle:
                content = handle.read(limit - total + 1)
            total += len(content)
            if total > limit:
                raise NotMhsds(f"{filename} unpacks to more than {limit >> 20:,} MB. Use the command line.")
            _add(found, name, path.name, content)


def unpack(uploads: list[tuple[str, bytes]], max_bytes: int) -> dict[str, bytes]:
    """The MHSDS files in the uploads (name, bytes): .zip files are unpacked, CSV files taken as they are."""
    found: dict[str, bytes] = {}
    for filename, data in uploads:
        if filename.lower().endswith(".zip") or data[:4] == b"PK\x03\x04":
            _unzip(filename, data, max_bytes, found)
            continue
        name = _name(filename)
        if name is None:
            raise NotMhsds(
                f"{filename[:80]} is not one of the MHSDS tables we read. Name each file by its table, like "
                "MHS101Referral.csv, or upload a .zip of the folder."
            )
        _add(found, name, filename, data)
    missing = [name for name, table in TABLES.items() if table.required and name not in found]
    if missing:
        raise NotMhsds(
            f"{', '.join(f'{m}.csv' for m in missing)} {'is' if len(missing) == 1 else 'are'} missing. The "
            "MHSDS tables need MHS101Referral.csv, MHS102ServiceTypeReferredTo.csv and MHS201CareContact.csv "
            "at least."
        )
    return found
