"""The pinned pandas, scipy, statsmodels and pingouin work together without warnings on the calls
the package makes; pingouin's ANCOVA does not (pandas 3, PDEP-8), which is why models.py uses
statsmodels. If this last test fails after a lock update, pingouin has been fixed: reconsider."""

from __future__ import annotations

import warnings

import pandas as pd
import pingouin
import pytest

from rm_research.findings.cohort import compute_findings
from rm_research.ingest.clean import tidy_cohort
from rm_research.ingest.validate import validate_cohort
from tests.conftest import EXAMPLE


def test_findings_on_the_example_raise_no_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        compute_findings(tidy_cohort(validate_cohort(EXAMPLE)), "south-east", 1)


def test_pingouin_ancova_still_warns_under_pandas_3():
    data = pd.DataFrame({"pre": [5, 6, 7, 8, 6, 5, 7, 6], "post": [7, 7, 8, 9, 6, 7, 9, 8], "g": list("aabbabab")})
    with pytest.warns(Warning, match="PDEP-8"):
        pingouin.ancova(data=data, dv="post", covar="pre", between="g")
