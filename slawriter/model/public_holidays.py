"""Public holiday tables from the ``holidays`` package, importing only the country asked for.

``holidays.country_holidays("GB")`` loads the country's class lazily, but that import runs
``holidays/countries/__init__.py``, which imports all ~250 country modules (~100 ms of CPU,
on every validate, check and render). The package's registry names each country's module, so
that one module is loaded by itself first; the package's lazy loader then finds it in
``sys.modules`` and everything else is the package's own code: same classes, same holiday
names and dates, same errors. A country module that imports another country's module simply
falls back to the package's usual full import.
"""

from __future__ import annotations

import functools
import importlib.machinery
import importlib.util
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from holidays import HolidayBase


@functools.cache
def _country_codes() -> dict[str, str]:
    """Country code (alias included: GB, GBR, UK) -> module name, as the registry lists them.

    The codes are the ones ``holidays.list_supported_countries()`` lists: 2 or 3 characters.
    """
    from holidays.registry import COUNTRIES

    return {
        code: module
        for module, names in COUNTRIES.items()
        for code in names[1:]
        if 2 <= len(code) <= 3
    }


def _load_country_module(code: str) -> None:
    module_name = _country_codes().get(code)
    if module_name is None:
        return
    name = f"holidays.countries.{module_name}"
    if name in sys.modules or "holidays.countries" in sys.modules:
        return  # already loaded, or the package is: the usual import costs nothing more
    import holidays

    folder = f"{holidays.__path__[0]}/countries"
    spec = importlib.machinery.PathFinder.find_spec(name, [folder])
    if spec is None or spec.loader is None:
        return
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]  # let the package's own import try (and report) it
        raise


def supported_subdivisions(country: str) -> list[str] | None:
    """``holidays.list_supported_countries().get(country)``, importing one country module."""
    if country not in _country_codes():
        return None
    import holidays

    _load_country_module(country)
    return list(getattr(holidays, country).subdivisions)


def country_holidays(country: str, **options: Any) -> HolidayBase:
    """``holidays.country_holidays(country, **options)``, importing one country module."""
    import holidays

    _load_country_module(country)
    return holidays.country_holidays(country, **options)
