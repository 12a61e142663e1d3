"""Units of measurement a number may carry: kept with their numbers by masking and by the checks.

The default names SI units with their usual prefixes and a few units every field writes (%, °C,
kcal, kWh, GB); a project adds its own in transflow.yml (`checks.units`).
"""

from __future__ import annotations

import re

_MICRO = ("µ", "μ")  # the micro sign and the Greek mu: both are typed
DEFAULT_UNITS: tuple[str, ...] = (
    "%",
    "‰",
    "°C",
    "°F",
    *(f"{micro}{base}" for micro in _MICRO for base in ("m", "g", "l", "mol")),
    *("nm", "mm", "cm", "m", "km"),
    *("mg", "g", "kg"),
    *("ml", "mL", "cl", "dl", "l"),
    *("mmol", "mol"),
    *("kJ", "MJ", "kcal", "kWh", "kW"),
    *("Hz", "kHz", "MHz", "GHz"),
    *("ms", "min", "kPa", "hPa"),
    *("kB", "KB", "MB", "GB", "TB"),
)


def alternatives(units: tuple[str, ...]) -> str:
    """A regex alternation of the units, longest first."""
    return "|".join(re.escape(unit) for unit in sorted(set(units), key=len, reverse=True))
