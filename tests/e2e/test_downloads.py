"""Every download format from the map page, opened with its reader: rows and columns."""

from __future__ import annotations

import pytest

from dashboard import ids
from dashboard.pages.overview import downloads
from data.export.fields import fields
from data.reference.taxonomy import load_taxonomy
from tests.data.export.export_store import read_download
from tests.e2e.test_overview import open_page, summary_count

NAMES = [f.name for f in fields(load_taxonomy())]


@pytest.mark.parametrize("fmt", ["csv", *downloads.OTHER_FORMATS])
def test_each_download_format_holds_the_page_count(page, server, tmp_path, fmt):
    open_page(page, server, "country=FR")
    count = summary_count(page)
    assert count > 0
    if fmt == "csv":
        link = page.locator(f"#{ids.DOWNLOAD_CSV}")
    else:
        page.locator(".downloads summary").click()
        link = page.locator(f"#{downloads.link_id(fmt)}")
        page.wait_for_function(
            "(id) => document.getElementById(id).getAttribute('href').includes('country=FR')",
            arg=downloads.link_id(fmt))
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.failure() is None
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    columns, rows, _ = read_download(fmt, target.read_bytes(), tmp_path)
    assert len(rows) == count
    assert {r["country"] for r in rows} == {"FR"}
    if fmt == "geojson":
        assert columns[:-1] == [n for n in NAMES if n not in ("lat", "lon")]
    else:
        assert columns[: len(NAMES)] == NAMES
