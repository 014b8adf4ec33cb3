"""Tests and benchmarks run Qari as the README's `streamlit run app.py` does: its settings come from
.streamlit/config.toml, and devkit's server adds no flag that changes what the page does or how fast."""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

from devkit.server import SIDE_BY_SIDE_FLAGS, app_command

ROOT = Path(__file__).resolve().parents[1]


def test_devkit_starts_the_app_as_the_readme_does_with_only_where_it_listens() -> None:
    cmd = app_command(8765)
    assert cmd[:5] == [sys.executable, "-m", "streamlit", "run", "app.py"]
    flags = cmd[5::2]
    assert all(f.startswith("--") for f in flags)
    assert set(flags) <= set(SIDE_BY_SIDE_FLAGS), f"a flag beyond where it listens: {flags}"
    assert set(SIDE_BY_SIDE_FLAGS) == {"--server.port", "--server.address", "--server.headless"}
    assert "streamlit run app.py" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_benchmarks_and_devkit_pass_no_other_streamlit_settings() -> None:
    """No `--server.*` / `--runner.*` flag in bench/ or devkit/ besides the command above (bench/load.py's
    `--compare-gc` sets one setting through the environment, by name, to compare it: not a flag)."""
    allowed = {f.removeprefix("--") for f in SIDE_BY_SIDE_FLAGS}
    for path in [*(ROOT / "bench").glob("*.py"), *(ROOT / "devkit").glob("*.py")]:
        for found in re.findall(r"--((?:server|runner)\.\w+)", path.read_text(encoding="utf-8")):
            assert found in allowed, f"{path.name} passes --{found}"


def test_the_config_turns_off_the_file_watcher_and_rerun_on_save() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["fileWatcherType"] == "none"
    assert config["server"]["runOnSave"] is False
    assert config["runner"]["postScriptGC"] is False
