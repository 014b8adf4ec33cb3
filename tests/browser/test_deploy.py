"""docs/deploy.md's single-machine deployment, run as written: the block marked for this test in its
section 6 goes to bash as it stands, with only the database URL (a throwaway PostgreSQL server) and the
ports (free ones) replaced, and the tiny model in the shell's settings. A local Ray (`ray start --head`),
the Serve app (`serve run`), two Streamlit processes; Chromium reads one page from each process, and both
are translated by the one service into the one cache in PostgreSQL (counted at the deployment with the
doc's own stats command). Skips where ray[serve] or PostgreSQL is missing or Ray cannot start here; every
process the block started is ended afterwards (by the settings it was started with, not by name)."""

from __future__ import annotations

import ast
import os
import re
import shlex
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from models.db import database
from models.pipeline import analyze, cache_keys
from models.text.segment import split_sentences
from models.translation.cache import SqlTranslationStore
from models.translation.loader import model_key_for
from tests.support import SAMPLE, PostgresServer, free_port, open_reader

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "deploy.md"
MARK = "<!-- tests/browser/test_deploy.py runs the next block as written -->"
DOC_URL, DOC_PORTS = "postgresql://qari:secret@localhost/qari", ("6379", "8501", "8502")
pytest.importorskip("ray.serve", reason="needs ray[serve] (pip install -r requirements-serve.txt)")


def doc_block() -> str:
    """The shell block after the marker in docs/deploy.md."""
    text = DOC.read_text(encoding="utf-8")
    found = re.compile(r"```sh\n(.*?)```", re.DOTALL).search(text, text.index(MARK))
    assert found is not None, "no ```sh block after the marker in docs/deploy.md"
    return found.group(1)


def stats_command() -> str:
    """The doc's command printing the app's load (section 3)."""
    lines = DOC.read_text(encoding="utf-8").splitlines()
    return next(line for line in lines if line.startswith('python -c "import ray; from ray import serve'))


def our_processes(session: int) -> list[int]:
    """Every process of the shell's session (`session`: the shell's pid): what the block started, and
    their children (Ray's own included: they change their process group, not their session)."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[3]) == session:
                pids.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return pids


def serve_runs(session: int) -> list[int]:
    """The block's `serve run` process (none once it has exited)."""
    found = []
    for pid in our_processes(session):
        try:
            if b"serve\0run" in Path(f"/proc/{pid}/cmdline").read_bytes():
                found.append(pid)
        except OSError:
            continue
    return found


def end(pids: list[int], sig: signal.Signals, wait: float) -> None:
    for pid in pids:
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline and any(Path(f"/proc/{p}").exists() for p in pids):
        time.sleep(0.2)


@pytest.fixture
def deployment(postgres: PostgresServer, tiny_model_dir: Path, qari_data_dir: Path) -> Iterator[dict]:
    url = postgres.create_database(f"qari_{uuid.uuid4().hex[:8]}")
    ray_tmp = tempfile.mkdtemp(prefix="qr-")  # short: Ray's socket paths must fit in ~100 bytes
    ports = {p: str(free_port()) for p in DOC_PORTS}
    # the ports in one pass (a free port may contain another doc port's digits), then the database
    script = re.sub(rf"\b({'|'.join(DOC_PORTS)})\b", lambda m: ports[m.group(1)], doc_block())
    script = script.replace(DOC_URL, shlex.quote(url))
    env = {k: v for k, v in os.environ.items() if k not in ("RAY_ADDRESS", "QARI_TRANSLATION_SERVICE")}
    env.update(
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        QARI_MT_MODEL=str(tiny_model_dir),
        QARI_MT_ENGINE="transformers",
        QARI_DATA_DIR=str(qari_data_dir),
        HF_HUB_OFFLINE="1",
        RAY_TMPDIR=ray_tmp,
        STREAMLIT_BROWSER_GATHER_USAGE_STATS="false",
    )
    log = qari_data_dir / "deploy.log"
    session = 0  # the shell's pid: it leads a session of its own, which every process it starts joins
    try:
        with log.open("ab") as out:
            shell = subprocess.Popen(
                ["bash", "-e", "-c", script],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            session = shell.pid
            shell.wait(timeout=300)
        if shell.returncode != 0:
            said = log.read_text(errors="replace")[-3000:]
            assert "Usage:" not in said and "No such option" not in said, said  # the doc's mistake, not Ray's
            pytest.skip(f"Ray cannot start here:\n{said}")
        urls = [f"http://127.0.0.1:{ports[p]}" for p in DOC_PORTS[1:]]
        for each in urls:
            wait_healthy(each, log)
        env.update(RAY_ADDRESS=f"127.0.0.1:{ports['6379']}", RAY_AUTH_MODE="token")  # for the stats command
        yield {
            "urls": urls,
            "database": url,
            "env": env,
            "log": log,
            "stats": lambda: app_stats(env, log, session),
        }
    finally:
        if session:
            # Ctrl-C, as the doc says, then SIGTERM, then SIGKILL. Short waits: `serve run` took the whole
            # 15 s after Ctrl-C and Ray's gcs_server the whole 30 s after SIGTERM (traced), 45 s of the suite.
            end(serve_runs(session), signal.SIGINT, 5)
            end(our_processes(session), signal.SIGTERM, 5)  # the Streamlit processes, Ray's own
            end(our_processes(session), signal.SIGKILL, 10)
        subprocess.run(["rm", "-rf", ray_tmp], check=False)


def wait_healthy(url: str, log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"{url} did not come up:\n{log.read_text(errors='replace')[-3000:]}")


def app_stats(env: dict[str, str], log: Path, session: int) -> dict[str, dict]:
    """The lanes' figures from the doc's stats command (retried while `serve run` is still deploying)."""
    deadline = time.monotonic() + 300
    while True:
        run = subprocess.run(
            ["bash", "-c", stats_command()],
            check=False,
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        lines = run.stdout.strip().splitlines()
        if run.returncode == 0 and lines:
            return {s["lane"]: s for s in ast.literal_eval(lines[-1])}
        if time.monotonic() > deadline or not serve_runs(session):
            raise AssertionError(
                f"no stats:\n{run.stderr[-2000:]}\n{log.read_text(errors='replace')[-3000:]}"
            )
        time.sleep(2)


def translated(stats: dict[str, dict]) -> int:
    return sum(s["translated"] for s in stats.values())


def test_the_single_machine_recipe_serves_two_streamlit_processes_from_one_service(
    deployment: dict, browser: Browser
) -> None:
    assert translated(deployment["stats"]()) == 0  # deployed, and nothing translated yet
    store = SqlTranslationStore(database(deployment["database"]), "transformers")
    model_key = model_key_for(deployment["env"]["QARI_MT_MODEL"])
    sample = set(cache_keys(analyze(SAMPLE, with_entities=False, with_lexicon=False)))

    first, second = (browser.new_context().new_page() for _ in range(2))
    open_reader(first, deployment["urls"][0])  # every sentence translated, through the service
    assert translated(deployment["stats"]()) == len(sample) == store.count()
    assert set(store.get_many(model_key, sorted(sample))) == sample

    open_reader(second, deployment["urls"][1])  # the other process: all from the one cache
    assert translated(deployment["stats"]()) == len(sample)

    # a text new to both, pasted in the second process: translated by the same service, once
    parts = [SAMPLE[a:b] for a, b in split_sentences(SAMPLE)][:3]
    fresh = " ".join(f"{p[:-1]} عدد {i}77." for i, p in enumerate(parts))
    box = second.get_by_role("textbox", name="Arabic text")
    box.fill(fresh)
    box.press("Control+Enter")
    expect(second.get_by_role("option").filter(has_text="277")).to_be_visible(timeout=60_000)
    expect(second.locator("[data-sentence] .placeholder")).to_have_count(0, timeout=180_000)
    fresh_keys = set(cache_keys(analyze(fresh, with_entities=False, with_lexicon=False)))
    assert translated(deployment["stats"]()) == len(sample | fresh_keys) == store.count()
    for page in (first, second):
        page.context.close()
