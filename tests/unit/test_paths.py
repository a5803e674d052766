import pytest

from rm_research.core.paths import CohortPaths, check_region, missing_folder_hint, project_root


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
    (tmp_path / "data" / "raw").mkdir(parents=True)
    (tmp_path / "notebooks").mkdir()
    assert project_root(tmp_path / "notebooks") == tmp_path.resolve()


def test_a_project_is_any_folder_holding_data_raw(tmp_path):
    """A folder of data alone is a project: no pyproject.toml, no notebooks (the package brings those)."""
    (tmp_path / "data" / "raw").mkdir(parents=True)
    (tmp_path / "reports").mkdir()
    assert project_root(tmp_path / "reports") == tmp_path.resolve()
    assert project_root(tmp_path / "data") == tmp_path.resolve()
    (tmp_path / "elsewhere").mkdir()
    assert project_root(tmp_path / "elsewhere") == tmp_path.resolve()


@pytest.mark.parametrize(("region", "meant"), [("South East", "south-east"), ("south_east", "south-east"),
                                               ("North-East-and-Yorkshire", "north-east-and-yorkshire")])
def test_an_invalid_region_written_nearly_right_is_suggested(region, meant):
    with pytest.raises(ValueError, match=f"did you mean '{meant}'"):
        check_region(region)


@pytest.mark.parametrize("region", ["../etc", "", "-", "south/east"])
def test_no_suggestion_for_a_region_that_is_not_a_slug_misspelt(region):
    with pytest.raises(ValueError) as caught:
        check_region(region)
    assert "did you mean" not in str(caught.value)


def raw_tree(root, *folders):
    for folder in folders:
        (root / "data" / "raw" / folder).mkdir(parents=True)
    return root / "data" / "raw"


def test_a_mistyped_region_folder(tmp_path):
    raw = raw_tree(tmp_path, "south-east/cohort-1", "london/cohort-1")
    assert missing_folder_hint(raw / "south-eats" / "cohort-1") == (
        f"there is no region folder 'south-eats' in {raw}; did you mean 'south-east'?")
    assert missing_folder_hint(raw / "wessex" / "cohort-1") == f"the region folders in {raw} are: london, south-east"


@pytest.mark.parametrize("name", ["Cohort 1", "cohort1", "cohort_1", "COHORT-01"])
def test_a_cohort_folder_named_nearly_right_is_named(tmp_path, name):
    raw = raw_tree(tmp_path, f"midlands/{name}")
    assert missing_folder_hint(raw / "midlands" / "cohort-1") == (
        f"found '{name}' in midlands, which is not read: a cohort's folder is named cohort-1 exactly (data contract, "
        "section 1); rename it")


def test_a_cohort_that_is_not_there_lists_the_cohorts(tmp_path):
    raw = raw_tree(tmp_path, "midlands/cohort-1", "midlands/cohort-2", "midlands/notes")
    assert missing_folder_hint(raw / "midlands" / "cohort-3") == "the cohort folders of midlands are: cohort-1, cohort-2"


def test_nothing_to_say_about_an_empty_tree(tmp_path):
    assert missing_folder_hint(tmp_path / "data" / "raw" / "midlands" / "cohort-1") == ""
