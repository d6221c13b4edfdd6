"""Offline validation of our OCDS output against ../shared/data (OCDS 1.1.5 and the bids extension).

The package schema refers to the release schema by its URL: the local release schema, with the bids
extension merged in (JSON Merge Patch, RFC 7386, as OCDS extensions are), is registered under that URL.
"""

import copy
import json
import re
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4


def shared_data():
    """../shared/data next to the project (settings.BASE_DIR.parent / "shared", or a parent's)."""
    base = Path(settings.BASE_DIR).resolve()
    for parent in [base.parent, *base.parent.parents]:
        candidate = parent / "shared" / "data"
        if (candidate / "ocds-1.1.5" / "release-package-schema.json").exists():
            return candidate
    return None


# The date-time and uri formats, checked without the optional packages jsonschema would use.
FORMATS = FormatChecker(["email", "regex"])
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


@FORMATS.checks("date-time")
def is_date_time(value):
    return not isinstance(value, str) or bool(RFC3339.match(value))


@FORMATS.checks("uri")
def is_uri(value):
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme and parts.netloc) and " " not in value


def merge_patch(target, patch):
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


@cache
def package_validator():
    data = shared_data()
    if data is None:
        return None
    release = json.loads((data / "ocds-1.1.5" / "release-schema.json").read_text())
    bids = json.loads((data / "ocds_bid_extension" / "release-schema.json").read_text())
    package = json.loads((data / "ocds-1.1.5" / "release-package-schema.json").read_text())
    merged = merge_patch(release, bids)
    registry = Registry().with_resources(
        [(release["id"], Resource.from_contents(merged, default_specification=DRAFT4))]
    )
    return Draft4Validator(package, registry=registry, format_checker=FORMATS)


def validation_errors(package):
    """Every schema error of `package` as "path: message"; skips the test when ../shared is absent."""
    validator = package_validator()
    if validator is None:
        pytest.skip("../shared/data/ocds-1.1.5 est absent : validation du schéma OCDS ignorée.")
    return [
        f"{'/'.join(str(p) for p in error.absolute_path)}: {error.message}" for error in validator.iter_errors(package)
    ]


def numbers_in(data):
    """Every number anywhere in `data` (a price shows up as one)."""
    if isinstance(data, dict):
        return set().union(*(numbers_in(v) for v in data.values())) if data else set()
    if isinstance(data, list):
        return set().union(*(numbers_in(v) for v in data)) if data else set()
    if isinstance(data, bool):
        return set()
    return {data} if isinstance(data, int | float) else set()


def shows(package, bid):
    """Whether anything of `bid`'s content (prices, text, totals) appears in `package`."""
    text = json.dumps(package, ensure_ascii=False)
    price = f"{bid.unit_price_ht:.2f}"
    return (
        float(bid.unit_price_ht) in numbers_in(package)
        or float(bid.total_value()) in numbers_in(package)
        or price.replace(".", ",") in text
        or (bool(bid.commitments) and bid.commitments in text)
    )
