"""The same content builds to byte-identical output: every page, photo, feed, calendar and index."""

from tests.conftest import run_build


def test_demo_site_builds_byte_identical_twice(demo_site, demo_content, tmp_path):
    first, _ = demo_site
    # Fresh caches: photos, content and the search index are all made again.
    second = run_build(demo_content, tmp_path / "again", SEARCH_CACHE_PATH=None,
                       TINHOI_CONTENT_CACHE=False, IMAGES_CACHE_PATH=str(tmp_path / "images"))
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    assert len(files) > 300
    different = [str(f) for f in files if (first / f).read_bytes() != (second / f).read_bytes()]
    assert different == []
