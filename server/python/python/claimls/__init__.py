"""claimls for Python: the checks of `claimls check`, in-process.

Each diagnostic is a dict with exactly the fields of `claimls check --format json`
(path, line, column, end_line, end_column, severity, code, message, fixes). The text is checked
by the Rust crates the binary is built from, with the GIL released; the bundled code sets are
inside the package and loaded once per process. `claimls.spark` runs the same checks in Spark.
"""

import json

from . import _claimls

__version__ = _claimls.__version__

__all__ = ["check", "check_file", "lookup", "explain", "editions"]


def check(text, *, path=None, format=None, today=None, config=None):
    """The diagnostics of `text`, as `claimls check --format json` gives them.

    path: the file's name (shown in each diagnostic, and its extension chooses the format as
    the CLI's does); format: "claim", "x12" or "hl7" (else by path, else by content);
    today: "YYYY-MM-DD" for the future-date checks; config: the text of a claimls.toml.
    """
    return json.loads(
        _claimls.check_json(text, path=path, format=format, today=today, config=config)
    )


def check_file(path, *, format=None, today=None, config=None):
    """The diagnostics of the file at `path`, read and configured as `claimls check` does it
    (the nearest claimls.toml applies unless `config` is given)."""
    return json.loads(
        _claimls.check_file_json(path, format=format, today=today, config=config)
    )


def lookup(query, limit=20):
    """Codes by code, code prefix or words of their title, as `claimls lookup` finds them:
    dicts with code, system, title and billable."""
    return _claimls.lookup(query, limit)


def explain(rule):
    """A rule's id, default severity, summary and explanation (KeyError for an unknown rule)."""
    return _claimls.explain(rule)


def editions():
    """The editions of the bundled code sets: dicts with set, edition and source."""
    return _claimls.editions()
