"""Every setting the code reads is documented in the README."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_environment_setting_is_in_the_readme() -> None:
    code = [ROOT / "app.py", *(ROOT / "models").rglob("*.py"), *(ROOT / "components").rglob("*.py")]
    settings = {m for path in code for m in re.findall(r"\bQARI_[A-Z_]+\b", path.read_text(encoding="utf-8"))}
    assert {"QARI_MT_MODEL", "QARI_DATA_DIR"} <= settings
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert sorted(s for s in settings if f"`{s}`" not in readme) == []
