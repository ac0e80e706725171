"""Option types and option groups shared by the subcommands (argparse only)."""
from __future__ import annotations

import argparse
import math


def parse_point(text: str) -> tuple[float, float, float]:
    """``"x,y,z"`` → three floats (argparse type)."""
    try:
        values = tuple(float(v) for v in text.split(","))
    except ValueError:
        values = ()
    if len(values) != 3 or not all(math.isfinite(v) for v in values):
        raise argparse.ArgumentTypeError(f"expected three comma-separated finite numbers, got {text!r}")
    return values


def _number(text: str, convert, valid, expected: str):
    """``convert(text)`` if it parses and is ``valid``, else the argparse error naming what was expected."""
    try:
        value = convert(text)
    except ValueError:
        value = None
    if value is None or not valid(value):
        raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")
    return value


def positive_int(text: str) -> int:
    """An integer ≥ 1 (argparse type)."""
    return _number(text, int, lambda v: v >= 1, "a positive integer")


def index(text: str) -> int:
    """An index from 0 (argparse type)."""
    return _number(text, int, lambda v: v >= 0, "an index 0, 1, 2, …")


def margin_mm(text: str) -> float:
    """A finite distance ≥ 0 in mm (argparse type)."""
    return _number(text, float, lambda v: math.isfinite(v) and v >= 0, "a margin of 0 mm or more")


def factor_above_one(text: str) -> float:
    """A finite factor > 1 (argparse type)."""
    return _number(text, float, lambda v: math.isfinite(v) and v > 1, "a factor above 1, e.g. 4 or 2.5")


def thickness_mm(text: str) -> float:
    """A finite length > 0 in mm (argparse type)."""
    return _number(text, float, lambda v: math.isfinite(v) and v > 0, "a thickness above 0 mm")


def positive_seconds(text: str) -> float:
    """A finite duration > 0 in seconds (argparse type)."""
    return _number(text, float, lambda v: math.isfinite(v) and v > 0, "a number of seconds above 0")


def add_geometry_options(parser: argparse.ArgumentParser) -> None:
    """Options that fix how an input volume is read (shared by commands that read volumes)."""
    parser.add_argument("--spacing", metavar="X,Y,Z", help="override the header's voxel spacing (mm, "
                        "index axes i,j,k), for files whose header lost it")
    parser.add_argument("--spacing-from-name", action="store_true", help="take the spacing from a "
                        "'Res<x>_<y>_Spac<z>' part of the file name")


class DefaultsHelpFormatter(argparse.HelpFormatter):
    """--help shows each option's default where it has one (not for flags or unset options)."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if ("%(default)" not in text and action.default not in (None, False, [], argparse.SUPPRESS)
                and action.option_strings and action.nargs != 0):
            text += " (default: %(default)s)"
        return text
