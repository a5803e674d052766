"""Every public function, class, method and property has a docstring, and docs/api.md lists them (issue 11)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "api_docs.py"


@pytest.fixture(scope="module")
def api_docs():
    spec = importlib.util.spec_from_file_location("api_docs_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # as the benchmark's test does: the script's classes look their module up
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


def test_every_public_module_function_class_method_and_property_has_a_docstring(api_docs):
    missing = api_docs.undocumented()
    assert not missing, (f"{len(missing)} public names of rm_research have no docstring (say in a line what each "
                         "is or returns): " + ", ".join(missing))


def test_docs_api_md_is_what_the_script_writes_now(api_docs):
    written = api_docs.OUTPUT.read_text(encoding="utf-8") if api_docs.OUTPUT.is_file() else ""
    assert written == api_docs.render(), api_docs.OUT_OF_DATE


def test_the_check_says_how_to_bring_the_page_up_to_date(api_docs, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(api_docs, "OUTPUT", tmp_path / "api.md")
    assert api_docs.main(["--check"]) == 1  # no page yet
    assert capsys.readouterr().err.strip() == "docs/api.md is out of date: run 'python scripts/api_docs.py'"
    assert api_docs.main([]) == 0
    assert api_docs.main(["--check"]) == 0
    (tmp_path / "api.md").write_text("# API reference\n", encoding="utf-8")
    assert api_docs.main(["--check"]) == 1


def test_the_undocumented_list_finds_what_lacks_a_docstring(api_docs):
    from dataclasses import dataclass

    def bare(x: int) -> int:
        return x

    @dataclass
    class Bare:  # dataclasses make up a docstring from the fields: that is no docstring
        x: int

        @property
        def y(self) -> int:
            return self.x

    assert api_docs.docstring(bare) == ""
    assert api_docs.docstring(Bare) == ""
    assert api_docs.docstring(vars(Bare)["y"]) == ""
    assert api_docs.docstring(api_docs.render) != ""


def test_signatures_show_defaults_by_name_and_no_memory_address(api_docs):
    from rm_research.disclosure import control as disclosure
    from rm_research.run import outputs

    assert api_docs.signature(disclosure.is_small, vars(disclosure)) == (
        "(count: float, rule: DisclosureRule = DISCLOSURE) -> bool")
    assert "0x" not in api_docs.signature(outputs.locked, vars(outputs))
    assert api_docs.default_text(frozenset({"b", "a"}), {}) == "frozenset({'a', 'b'})"
