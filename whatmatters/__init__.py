"""What Matters: co-produce a quality framework and monitor it with SPC charts."""

__version__ = "0.1.0"
