"""The collaborative as a site (issue 18): the index's figures as the findings give them, every data-derived
string escaped, and a public folder holding the public files only, never deleting what it did not write."""

from __future__ import annotations

import json

from rm_research.core.paths import region_title
from rm_research.run import site


def test_region_names_in_words_from_their_slugs():
    assert region_title("north-east-and-yorkshire") == "North East and Yorkshire"
    assert region_title("east-of-england") == "East of England"
    assert region_title("south-east") == "South East"
    assert region_title("national") == "England"


def test_a_region_may_name_itself(tmp_path):
    import pytest

    from rm_research.contract.programme import read_region_name
    from rm_research.core.problems import DataError

    folder = tmp_path / "nhs-kent"
    folder.mkdir()
    assert read_region_name(folder) == "Nhs Kent"
    (folder / "region.toml").write_text('name = "NHS Kent and Medway"\n', encoding="utf-8")
    assert read_region_name(folder) == "NHS Kent and Medway"
    (folder / "region.toml").write_text('name = 3\ncolour = "red"\n', encoding="utf-8")
    with pytest.raises(DataError) as raised:
        read_region_name(folder)
    assert [(p.column, p.file) for p in raised.value.problems] == [("colour", "nhs-kent/region.toml"),
                                                                   ("name", "nhs-kent/region.toml")]


def test_cohort_dates_to_the_month():
    import pandas as pd

    from rm_research.report.summary import period

    assert period(pd.Timestamp("2020-10-05"), pd.Timestamp("2021-05-24")) == "October 2020 to May 2021"
    assert period(pd.Timestamp("2021-05-01"), pd.Timestamp("2021-05-24")) == "May 2021"
    assert period(None, None) == "dates not recorded"


def findings(rows: list[tuple[str, str, str, str, str]]) -> dict:
    return {(m, r, s): (v, n) for m, r, s, v, n in rows}


def test_the_index_gives_the_headline_change_as_the_findings_give_it():
    internal = findings([("flow", "all", "enrolled", "18.0", "18"), ("conf_senior", "all", "change_mean", "0.8", "10"),
                         ("conf_senior", "all", "change_ci_low", "0.2357", "10"),
                         ("conf_senior", "all", "change_ci_high", "1.3643", "10")])
    assert site.headline_figures(internal, pooled=False) == ("18", "+0.8 (+0.2 to +1.4), 10 people")
    public = findings([("flow", "all", "enrolled", "20", "20"), ("conf_senior", "all", "pooled_change", "*", "*"),
                       ("conf_senior", "all", "pooled_ci_low", "*", "*"), ("conf_senior", "all", "pooled_ci_high", "*", "*")])
    assert site.headline_figures(public, pooled=True, public=True) == ("about 20", "withheld")


def unit(root, relative: str, record: dict, public: bool = True, audited: bool = True) -> None:
    """A unit's report files; ``audited``: published by publish-all (its record beside it), not alone."""
    folder = root / "reports" / relative
    folder.mkdir(parents=True, exist_ok=True)
    if public and audited:
        (folder / ".publish-inputs.json").write_text('{"key": "k", "outputs": {}}', encoding="utf-8")
    name = "report-public" if public else "report"
    (folder / f"{name}.json").write_text(json.dumps(record), encoding="utf-8")
    (folder / f"{name}.html").write_text("<p>page</p>", encoding="utf-8")
    (folder / ("findings-public.csv" if public else "findings.csv")).write_text(
        "region,cohort,measure,role,statistic,value,n\nr,1,flow,all,enrolled,20,20\n", encoding="utf-8")


def test_the_index_escapes_every_name_and_lists_the_nation_then_each_region_and_its_cohorts(tmp_path):
    unit(tmp_path, "zed/cohort-2", {"kind": "cohort", "region": "zed", "region_name": "<script>x</script>", "cohort": 2})
    unit(tmp_path, "zed/cohort-10", {"kind": "cohort", "region": "zed", "region_name": "Zed", "cohort": 10})
    unit(tmp_path, "zed", {"kind": "region", "region": "zed", "region_name": "Zed", "cohorts": 2})
    unit(tmp_path, "national", {"kind": "national", "cohorts": 2})
    found = site.entries(tmp_path / "reports", public=True)
    assert [e.folder for e in found] == ["national", "zed", "zed/cohort-2", "zed/cohort-10"]
    page = site.index_html(found, public=True)
    assert "<script>x" not in page and "&lt;script&gt;x&lt;/script&gt;, cohort 2" in page
    assert 'href="zed/cohort-2/report-public.html"' in page


def test_the_public_site_holds_the_public_files_only_and_keeps_what_it_did_not_write(tmp_path):
    unit(tmp_path, "zed/cohort-1", {"kind": "cohort", "region": "zed", "cohort": 1})
    unit(tmp_path, "zed/cohort-1", {"kind": "cohort", "region": "zed", "cohort": 1}, public=False)
    public = tmp_path / "public"
    (public / "zed" / "cohort-9").mkdir(parents=True)
    (public / "zed" / "cohort-9" / "report-public.html").write_text("a removed cohort's page", encoding="utf-8")
    (public / "README.txt").write_text("the web team's note", encoding="utf-8")
    (public / "archive" / "2024" / "zed").mkdir(parents=True)  # a user's copy of an old page, named as ours are
    (public / "archive" / "2024" / "zed" / "report-public.html").write_text("kept", encoding="utf-8")
    # published alone (make publish): not checked against the other levels, so not for the site
    unit(tmp_path, "zed/cohort-2", {"kind": "cohort", "region": "zed", "cohort": 2}, audited=False)
    site.public_site(tmp_path / "reports", public)
    files = sorted(p.relative_to(public).as_posix() for p in public.rglob("*") if p.is_file())
    assert files == ["README.txt", "archive/2024/zed/report-public.html", "index.html",
                     "zed/cohort-1/findings-public.csv", "zed/cohort-1/report-public.html",
                     "zed/cohort-1/report-public.json"]


def test_a_region_name_on_two_lines_is_refused(tmp_path):
    import pytest

    from rm_research.contract.programme import read_region_name
    from rm_research.core.problems import DataError

    folder = tmp_path / "kent"
    folder.mkdir()
    (folder / "region.toml").write_text('name = "Kent\\n\\n# Heading"\n', encoding="utf-8")
    with pytest.raises(DataError):
        read_region_name(folder)


def test_a_record_carries_its_headline_so_the_index_reads_no_findings(tmp_path):
    unit(tmp_path, "zed/cohort-1", {"kind": "cohort", "region": "zed", "region_name": "Zed", "cohort": 1})
    folder = tmp_path / "reports" / "zed" / "cohort-1"
    from_findings = site.entries(tmp_path / "reports", public=True)
    record = site.with_headline(json.loads((folder / "report-public.json").read_text()),
                                folder / "findings-public.csv", public=True)
    assert record["headline"] == {"people": "about 20", "change": "–"}
    (folder / "report-public.json").write_text(site.card_text(record), encoding="utf-8")
    (folder / "findings-public.csv").write_text("region,cohort,measure,role,statistic,value,n\n", encoding="utf-8")
    from_record = site.entries(tmp_path / "reports", public=True)  # the findings no longer say it: the record does
    assert [(e.people, e.change) for e in from_record] == [(e.people, e.change) for e in from_findings]
    assert site.with_headline({"kind": "cohort"}, None, public=True) == {"kind": "cohort"}
