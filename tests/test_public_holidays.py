"""Holiday tables read through slawriter.model.public_holidays (one country module imported) are the
holidays package's own: same names, same dates, same subdivisions, same errors."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

import holidays
import pytest

from slawriter.model.public_holidays import country_holidays, supported_subdivisions

CODES = ["GB", "GB-ENG", "GB-SCT", "UK", "US", "US-NY", "DE-BY", "FR", "IE", "IM", "AU-NSW"]
YEARS = [2000, 2026, 2027, 2028]

# A fresh interpreter, where no country module has been imported yet: the fast path.
_FRESH = """
import json, sys
from slawriter.model.public_holidays import country_holidays, supported_subdivisions
codes, years = json.loads(sys.argv[1])
tables = {}
for code in codes:
    country, _, sub = code.partition("-")
    table = country_holidays(country, subdiv=sub or None, years=years, language="en_US")
    tables[code] = sorted((day.isoformat(), name) for day, name in table.items())
subdivisions = {code: supported_subdivisions(code.partition("-")[0]) for code in codes}
print(json.dumps({
    "tables": tables,
    "subdivisions": subdivisions,
    "all_countries_imported": "holidays.countries" in sys.modules,
}))
"""


def _expected(code: str) -> list[list[str]]:
    country, _, sub = code.partition("-")
    table = holidays.country_holidays(country, subdiv=sub or None, years=YEARS, language="en_US")
    return [[day.isoformat(), name] for day, name in sorted(table.items())]


def test_tables_match_the_package_in_a_fresh_process() -> None:
    fresh = subprocess.run(
        [sys.executable, "-c", _FRESH, json.dumps([CODES, YEARS])],
        capture_output=True,
        text=True,
        check=True,
        timeout=50,
    )
    found = json.loads(fresh.stdout)
    for code in CODES:
        assert found["tables"][code] == _expected(code), code
        assert found["tables"][code], code  # a table that cannot be empty
    supported = holidays.list_supported_countries()
    for code in CODES:
        assert found["subdivisions"][code] == supported[code.partition("-")[0]], code


def test_one_country_does_not_import_every_country() -> None:
    fresh = subprocess.run(
        [sys.executable, "-c", _FRESH, json.dumps([["GB-ENG", "US-NY", "DE-BY"], [2027]])],
        capture_output=True,
        text=True,
        check=True,
        timeout=50,
    )
    assert json.loads(fresh.stdout)["all_countries_imported"] is False


def test_subdivisions_of_every_code_match_the_package() -> None:
    supported = holidays.list_supported_countries()
    for code, subdivisions in supported.items():
        assert supported_subdivisions(code) == subdivisions, code
    assert supported_subdivisions("XX") is None
    assert supported_subdivisions("GB-ENG") is None


def test_errors_are_the_package_errors() -> None:
    with pytest.raises(NotImplementedError):
        country_holidays("XX")
    with pytest.raises(NotImplementedError, match="subdivision"):
        country_holidays("GB", subdiv="XYZ")
    assert country_holidays("GB", subdiv="ENG", years=2027)[date(2027, 12, 27)]
