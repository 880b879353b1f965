"""``tools/docs/check_site.py`` finds what a strict mkdocs build lets through.

Each test builds a tiny site of HTML files and shows that the check finds one kind of
problem, or accepts what a real site holds (external links, directory URLs, anchors).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def check() -> ModuleType:
    """Load the checker by path (``tools/`` is not a package)."""
    spec = importlib.util.spec_from_file_location(
        "check_site_under_test", ROOT / "tools/docs/check_site.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while building
    spec.loader.exec_module(module)
    return module


def _site(tmp_path: Path, pages: dict[str, str]) -> Path:
    for name, body in pages.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"<html><body>{body}</body></html>", encoding="utf-8")
    return tmp_path


def test_a_sound_site_has_no_problem(check: ModuleType, tmp_path: Path) -> None:
    site = _site(
        tmp_path,
        {
            "index.html": '<a href="guide/">g</a><a href="guide/#top">t</a>'
            '<a href="https://example.com/x">x</a><a href="#here" id="here">h</a>'
            '<a href="mailto:a@b.c">m</a><img src="img/logo.png">',
            "guide/index.html": '<h1 id="top">T</h1><a href="../">home</a>'
            '<a href="/guide/#top">abs</a><a href="..">up</a>',
        },
    )
    (site / "img").mkdir()
    (site / "img/logo.png").write_bytes(b"")
    assert check.check_site(site) == []


def test_a_link_to_a_missing_page_is_found(check: ModuleType, tmp_path: Path) -> None:
    site = _site(tmp_path, {"site/index.html": '<a href="../..">logo</a>'})
    problems = check.check_site(site)
    assert len(problems) == 1
    assert "site/index.html: broken link '../..'" in problems[0]


def test_a_link_to_a_missing_anchor_is_found(check: ModuleType, tmp_path: Path) -> None:
    site = _site(
        tmp_path,
        {"index.html": '<a href="b/#gone">b</a>', "b/index.html": '<h2 id="there">x</h2>'},
    )
    assert check.check_site(site) == ["index.html: broken link 'b/#gone' (no #gone there)"]


def test_a_missing_asset_is_found(check: ModuleType, tmp_path: Path) -> None:
    site = _site(tmp_path, {"index.html": '<script src="assets/app.js"></script>'})
    assert len(check.check_site(site)) == 1


@pytest.mark.parametrize(
    "text",
    ['--8&lt;-- "examples/app.py"', '--8 &lt; --"examples/fastapi_app.py"', "- -8 &lt; - -"],
    ids=["as written", "reformatted", "spaced"],
)
def test_an_unresolved_include_is_found(check: ModuleType, tmp_path: Path, text: str) -> None:
    site = _site(tmp_path, {"index.html": f"<pre><code>{text}</code></pre>"})
    problems = check.check_site(site)
    assert len(problems) == 1
    assert "unresolved include" in problems[0]


def test_text_in_scripts_is_not_page_text(check: ModuleType, tmp_path: Path) -> None:
    site = _site(tmp_path, {"index.html": '<script>var s = "--8<--";</script>'})
    assert check.check_site(site) == []


def test_an_empty_site_is_a_problem(check: ModuleType, tmp_path: Path) -> None:
    assert check.check_site(tmp_path) != []


def test_the_exit_status_says_whether_the_site_is_sound(
    check: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sound = _site(tmp_path / "sound", {"index.html": "<p>fine</p>"})
    broken = _site(tmp_path / "broken", {"index.html": '<a href="nowhere.html">x</a>'})
    assert check.main([str(sound)]) == 0
    assert check.main([str(broken)]) == 1
    assert "nowhere.html" in capsys.readouterr().out
