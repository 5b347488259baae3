"""``fourfold import`` answers a file it cannot take with one line, never a traceback."""

from __future__ import annotations

import json

import pytest

from fourfold.cli.main import main
from fourfold.portability.export import export_coop

pytestmark = pytest.mark.django_db


def refusal(args) -> str:
    with pytest.raises(SystemExit) as refused:
        main(args)
    message = str(refused.value.code)
    assert "\n" not in message.strip(), message
    return message


def test_a_file_that_is_not_utf8_is_answered_in_one_line(tmp_path):
    latin = tmp_path / "latin1.json"
    latin.write_bytes('{"format": "fourfold-coop", "coop": {"name": "Café"}}'.encode("latin-1"))
    message = refusal(["import", str(latin)])
    assert message.startswith(f"{latin} is not UTF-8 text")


def test_a_file_nested_beyond_what_json_can_read_is_answered_in_one_line(tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    assert refusal(["import", str(deep)]) == f"{deep} is nested too deeply to be a fourfold export."


def test_a_file_nested_deeper_than_an_export_is_answered_in_one_line(tmp_path, personas):
    document = export_coop(coop=personas.coop)
    document["proposals"] = [{"id": 1, "result": json.loads('{"a":' * 500 + "1" + "}" * 500)}]
    deep = tmp_path / "deep.json"
    deep.write_text(json.dumps(document))
    assert "nested deeper than 32 levels" in refusal(["import", str(deep), "--as", "copy"])


def test_a_nul_character_is_answered_in_one_line(tmp_path, personas):
    document = export_coop(coop=personas.coop)
    document["coop"]["name"] = "Home\x00Co-op"
    nul = tmp_path / "nul.json"
    nul.write_text(json.dumps(document))
    message = refusal(["import", str(nul), "--as", "copy"])
    assert message == (
        "This file cannot be imported: coop.name: text may not contain NUL characters"
    )


def test_the_reserved_username_pool_is_answered_in_one_line(tmp_path, personas):
    document = export_coop(coop=personas.coop)
    document["people"].append({"username": "Pool", "email": "pool@example.org"})
    pool = tmp_path / "pool.json"
    pool.write_text(json.dumps(document))
    assert "'Pool' is a reserved name" in refusal(["import", str(pool), "--as", "copy"])
