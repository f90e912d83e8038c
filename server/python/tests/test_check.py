"""claimls.check and friends against `claimls check --format json`, file by file."""

import pytest

import claimls
from conftest import EXAMPLES, TODAY, cli_json

EXAMPLE_FILES = sorted(
    p for p in EXAMPLES.rglob("*") if p.is_file() and p.suffix not in (".md", ".toml")
)


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: str(p.relative_to(EXAMPLES)))
def test_check_file_is_the_cli(path):
    # The nearest claimls.toml (the examples' own) applies, as in the CLI.
    assert claimls.check_file(str(path)) == cli_json(path)


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: str(p.relative_to(EXAMPLES)))
def test_check_text_is_the_cli(path):
    text = path.read_text()
    expected = cli_json(path)
    assert claimls.check(text, path=str(path), today=TODAY) == expected
    # Without a path: chosen by content (the examples' extensions agree with it), no path.
    for item in expected:
        item["path"] = None
    if path.suffix in (".837", ".x12", ".hl7"):
        assert claimls.check(text, today=TODAY) == expected


def test_generated_837_is_the_cli(generated_837):
    assert claimls.check_file(str(generated_837), today=TODAY) == cli_json(generated_837)


def test_format_and_config_are_used():
    text = (EXAMPLES / "x12" / "training.x12").read_text()
    as_x12 = claimls.check(text, format="x12", today=TODAY)
    assert any(d["code"] == "claim-total" for d in as_x12)
    quiet = claimls.check(text, today=TODAY, config='[rules]\nclaim-total = "off"\n')
    assert [d for d in as_x12 if d["code"] != "claim-total"] == quiet
    # `today` in the config text counts like the argument.
    assert claimls.check(text, config=f'today = "{TODAY}"') == as_x12


@pytest.mark.parametrize(
    "call, error",
    [
        (lambda: claimls.check(42), TypeError),
        (lambda: claimls.check("x", path=3), TypeError),
        (lambda: claimls.check("x", today="2026-02-30"), ValueError),
        (lambda: claimls.check("x", today="tomorrow"), ValueError),
        (lambda: claimls.check("x", format="pdf"), ValueError),
        (lambda: claimls.check("x", config="rules = 3"), ValueError),
        (lambda: claimls.check("x", config="[rules]\nno-such-rule = 'off'"), ValueError),
        (lambda: claimls.check_file("/no/such/file.837"), OSError),
        (lambda: claimls.explain("no-such-rule"), KeyError),
        (lambda: claimls.lookup(5), TypeError),
        (lambda: claimls.lookup("E11", limit=-1), OverflowError),
    ],
)
def test_bad_arguments_raise(call, error):
    with pytest.raises(error):
        call()


def test_unreadable_files_raise(tmp_path):
    binary = tmp_path / "a.837"
    binary.write_bytes(b"ISA\0*")
    empty = tmp_path / "b.claim"
    empty.write_text("  \n")
    latin1 = tmp_path / "c.hl7"
    latin1.write_bytes("MSH|^~\\&|Ménard".encode("latin-1"))
    for path, words in [(binary, "binary"), (empty, "empty"), (latin1, "UTF-8")]:
        with pytest.raises(ValueError, match=words):
            claimls.check_file(str(path))


def test_lookup_explain_editions():
    hits = claimls.lookup("E11.9", limit=3)
    assert hits[0] == {
        "code": "E11.9",
        "system": "ICD-10-CM",
        "title": "Type 2 diabetes mellitus without complications",
        "billable": True,
    }
    assert len(claimls.lookup("diabetes", limit=4)) == 4
    rule = claimls.explain("header-code")
    assert rule["id"] == "header-code" and rule["severity"] == "error"
    assert rule["explanation"]
    sets = {edition["set"] for edition in claimls.editions()}
    assert {"icd10cm", "icd10pcs", "hcpcs"} <= sets
