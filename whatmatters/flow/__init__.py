"""Waiting lists and patient flow: a pure core (DuckDB and numpy; never Django).

- `validate`: the import contract and its rules (rejects.csv).
- `clocks`: clock rules (NHS England's `cmh4`, `cyp4`, `eip` and `followup72`; `cmh4-first-help`,
  `first-contact`, `hidden-wait`) and ward length of stay.
- `nhse_codes`: which MHSDS SNOMED CT codes are which kind of event for NHS England's rules.
- `measures`: weekly and monthly measures per team.
- `forecast`: NHSRwaitinglist and NHSRtt-style planning, what-if levers, fan charts.
- `analytics`: age profile, cumulative flow, time to first help, Little's law, ward flow.
- `synthetic`: realistic synthetic extracts for the phase-1 teams.
- `cli`: the `flow` command line.
"""
