"""Rebuild ``given_names.txt`` (a developer tool; the app only reads the text file it writes).

Sources:
- the 1990 US Census first-name lists (``dist.male.first`` and ``dist.female.first``), public domain as works
  of the US government; copies ship inside the ``names`` 0.3.0 sdist;
- ``given_names_added.txt`` in this folder: names common in the UK that the census lists lack, written for
  this project;
- a plain English word list (Debian's ``wbritish``, ``/usr/share/dict/british-english``) used only to mark
  names that are also ordinary words ("Will", "Hope", "May"): those are *ambiguous* and need more evidence.

Usage: python build_given_names.py CENSUS_DIR [WORDLIST]
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def read_census(path: Path) -> set[str]:
    names = set()
    for line in path.read_text(encoding="ascii").splitlines():
        if line.strip():
            names.add(line.split()[0].capitalize())
    return names


def read_added(path: Path) -> set[str]:
    return {
        line.strip()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }


def main(argv: list[str]) -> None:
    census_dir = Path(argv[1])
    wordlist = Path(argv[2] if len(argv) > 2 else "/usr/share/dict/british-english")
    census = read_census(census_dir / "dist.male.first") | read_census(census_dir / "dist.female.first")
    added = read_added(HERE / "given_names_added.txt")
    words = {w for w in wordlist.read_text(encoding="utf-8").splitlines() if w and w.islower()}
    names = {n for n in census if len(n) >= 3} | added
    lines = [
        "# Given names: 1990 US Census first-name lists (public domain) plus given_names_added.txt.",
        "# Built by build_given_names.py. Column 2 is 1 when the name is also an English word.",
    ]
    for name in sorted(names):
        lines.append(f"{name}\t{1 if name.lower() in words else 0}")
    (HERE / "given_names.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(names)} names, {sum(n.lower() in words for n in names)} also English words")


if __name__ == "__main__":
    main(sys.argv)
