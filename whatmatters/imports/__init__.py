"""PURE: what every importer shares, and what every export does to a cell. No Django import.

- `problems`: `Problem(file, row, column, reason)`, the one shape of a bad-input message, and `Refused`.
- `reading`: read an uploaded CSV or XLSX file into a header and numbered rows, refusing in seconds what
  cannot be a table (wrong encoding, binary, zip bombs, too many columns, rows or characters, unclosed quotes,
  rows with the wrong number of cells).
- `cells`: checks for single cells: control characters, formulas, NHS numbers, bounded numbers.
- `safe`: neutralise formulas in every CSV a person downloads.

docs/importing.md holds every importer's rules, limits and messages.
"""
