import pytest

from rm_research.paths import CohortPaths, check_region, project_root


@pytest.mark.parametrize("region", ["south-east", "midlands", "north-east-and-yorkshire", "r2"])
def test_valid_regions(region):
    assert check_region(region) == region


@pytest.mark.parametrize("region", ["South-East", "south east", "-south", "south--east", "", "../etc"])
def test_invalid_regions(region):
    with pytest.raises(ValueError, match="not a valid slug"):
        check_region(region)


@pytest.mark.parametrize("cohort", [0, -1, True, 1.5])
def test_invalid_cohorts(tmp_path, cohort):
    with pytest.raises(ValueError, match="positive whole number"):
        CohortPaths(tmp_path, "south-east", cohort)


def test_layout(tmp_path):
    paths = CohortPaths(tmp_path, "south-east", 2)
    assert paths.raw == tmp_path / "data" / "raw" / "south-east" / "cohort-2"
    assert paths.processed == tmp_path / "data" / "processed" / "south-east" / "cohort-2"
    assert paths.findings == tmp_path / "reports" / "south-east" / "cohort-2" / "findings.csv"


def test_project_root_found_from_a_subfolder(tmp_path):
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "data").mkdir()
    (tmp_path / "notebooks").mkdir()
    assert project_root(tmp_path / "notebooks") == tmp_path.resolve()
