"""Benchmark of the SPC engine; run with `.venv/bin/python -m bench.spc` (see docs/spc.md)."""
