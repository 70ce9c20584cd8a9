"""``scaffold template validate``: render a covering set of answers, then check each generated project.

Per combination: copier renders it (a failure there is reported, not raised), no unrendered template syntax
may remain in any file, ``ruff check`` must pass, and the project's own test suite must pass offline under a
hostile environment (production wiring, a Bedrock model: the project's ``conftest.py`` must override it).
Renders run one after the other (copier is not meant to run concurrently in one process); checks run in a
few worker threads, each suite in its own process with its own temporary directory.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import AnswerRejected, ScaffoldError
from .cache import scaffold_urls

HOSTILE_ENV = {
    "AGENT_MODEL_PROVIDER": "bedrock",
    "AGENT_AUTH": "iam",
    "AGENT_MEMORY": "s3",
    "AGENT_GUARDRAILS": "bedrock",
    "AGENT_TELEMETRY": "otlp",
    "AGENT_LOG_PROMPTS": "true",
}
UNRENDERED = ("{{", "}}", "{%", "%}", "{#", "#}", "[%", "%]")
SUMMARY = re.compile(r"^=*\s*(?P<counts>\d+ \w+.*) in [\d.]+s", re.M)
SKIPPED_PARTS = {".git"}  # git's own files (a project holds no library copy: every other file is checked)
Progress = Callable[[str], None]


@dataclass
class Check:
    ok: bool | None = None  # None: not run (an earlier check failed)
    detail: str = ""

    @property
    def label(self) -> str:
        return "-" if self.ok is None else "ok" if self.ok else "FAIL"


@dataclass
class CaseResult:
    name: str
    answers: dict[str, Any]
    path: Path
    render: Check = field(default_factory=Check)
    leftovers: Check = field(default_factory=Check)
    ruff: Check = field(default_factory=Check)
    tests: Check = field(default_factory=Check)
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def checks(self) -> dict[str, Check]:
        return {"render": self.render, "leftovers": self.leftovers, "ruff": self.ruff, "tests": self.tests}

    @property
    def passed(self) -> bool:
        return all(check.ok for check in self.checks.values())


def require_tools() -> None:
    import importlib.util

    missing = [name for name in ("pytest", "ruff") if importlib.util.find_spec(name) is None]
    if missing:
        raise ScaffoldError(
            f"template validate runs each generated project's tests and ruff with {sys.executable}, which "
            f"lacks {' and '.join(missing)}; install them there: pip install pytest ruff"
        )


def validate(
    src_path: str,
    vcs_ref: str | None,
    combinations: Mapping[str, Mapping[str, Any]],
    *,
    workdir: Path,
    jobs: int = 0,
    progress: Progress | None = None,
) -> list[CaseResult]:
    """Render and check every combination under ``workdir``; never raises for a failing combination."""
    say = progress or (lambda _message: None)
    workers = jobs or max(2, min(4, os.cpu_count() or 2))
    results: list[CaseResult] = []
    futures: list[Future[None]] = []
    total = len(combinations)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for index, (name, answers) in enumerate(combinations.items(), start=1):
            case = CaseResult(name, dict(answers), workdir / name / "project")
            results.append(case)
            say(f"[{index}/{total}] rendering {name}")
            if _render(src_path, vcs_ref, case):
                futures.append(pool.submit(_check, case, workdir / name / "tmp", say))
        for future in futures:
            future.result()
    return results


def _render(src_path: str, vcs_ref: str | None, case: CaseResult) -> bool:
    import copier

    from ..copier_errors import translate_copier_error

    started = time.monotonic()
    try:
        with scaffold_urls():
            copier.run_copy(
                src_path, case.path, data=dict(case.answers), vcs_ref=vcs_ref, defaults=True, quiet=True
            )
    except Exception as exc:  # a template that fails to render is a result, not a crash
        translated = translate_copier_error(exc, src_path)
        message = (
            translated.message if isinstance(translated, ScaffoldError) else f"{type(exc).__name__}: {exc}"
        )
        if isinstance(translated, AnswerRejected):
            message = f"the template refused these answers: {message}"
        case.render = Check(False, message)
        return False
    finally:
        case.seconds += time.monotonic() - started
    problem = _guardrail_problem(case.path)
    case.render = Check(problem is None, problem or "")
    return problem is None


def _guardrail_problem(path: Path) -> str | None:
    """A generated project whose ``environments.toml`` contradicts the IAM guardrails its layer forces
    (or is malformed) renders to something no deploy accepts: a render failure, with the one-line reason."""
    from ..environments.guardrails import check_project
    from ..environments.settings import FILE_NAME
    from ..project import load_project

    if not (path / FILE_NAME).is_file():
        return None
    try:
        project = load_project(path)
    except ScaffoldError:  # not a scaffold project (another copier template): nothing to hold it to
        return None
    try:
        check_project(project)
    except ScaffoldError as exc:
        return f"the generated project breaks its layer's IAM guardrails: {exc.message}"
    return None


def _check(case: CaseResult, temp: Path, say: Progress) -> None:
    started = time.monotonic()
    leftovers = leftover_syntax(case.path)
    case.leftovers = Check(not leftovers, "; ".join(leftovers[:5]))
    if not case.leftovers.ok:
        say(f"{case.name}: unrendered template syntax in {len(leftovers)} place(s)")
        return
    ruff = run_ruff(case.path)
    case.ruff = Check(ruff.returncode == 0, _tail(ruff.stdout + ruff.stderr, 15))
    temp.mkdir(parents=True, exist_ok=True)
    suite = run_suite(case.path, temp)
    summary = SUMMARY.search(suite.stdout)
    case.counts = {w: int(n) for n, w in re.findall(r"(\d+) (\w+)", summary["counts"])} if summary else {}
    ok = suite.returncode == 0 and case.counts.get("passed", 0) > 0
    case.tests = Check(ok, summary["counts"] if summary and ok else _tail(suite.stdout + suite.stderr, 25))
    case.seconds += time.monotonic() - started
    verdict = "passed" if case.passed else "FAILED"
    counts = summary["counts"] if summary else "no summary"
    say(f"{case.name}: {verdict} (ruff {case.ruff.label}, tests: {counts})")


# GitHub Actions expressions (``${{ github.ref }}`` in .github/workflows/) are the workflow's own syntax,
# written on purpose by the template's ci answer: not Jinja left unrendered.
GITHUB_EXPRESSION = re.compile(r"\$\{\{[^{}]*\}\}")


def leftover_syntax(project: Path) -> list[str]:
    """``path:line: marker`` for each unrendered Jinja delimiter in a generated text file."""
    found: list[str] = []
    for path in sorted(project.rglob("*")):
        relative = path.relative_to(project)
        if not path.is_file() or SKIPPED_PARTS & set(relative.parts) or path.name == ".copier-answers.yml":
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue  # binary files carry no template syntax worth reporting
        for number, line in enumerate(text.splitlines(), start=1):
            line = GITHUB_EXPRESSION.sub("", line)
            markers = [marker for marker in UNRENDERED if marker in line]
            if markers:
                found.append(f"{relative.as_posix()}:{number}: {markers[0]}")
    return found


def run_ruff(project: Path) -> subprocess.CompletedProcess[str]:
    """``ruff check`` over ``project`` with this interpreter's ruff and the project's own settings (no cache
    written into it); the output is captured for the caller to judge."""
    return subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "."],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )


def run_suite(project: Path, temp_root: Path) -> subprocess.CompletedProcess[str]:
    """The generated project's own tests, in a subprocess, under ``HOSTILE_ENV``."""
    return run_project_tests(project, {**HOSTILE_ENV, "PYTEST_DEBUG_TEMPROOT": str(temp_root)}, timeout=600)


def run_project_tests(
    project: Path, env: Mapping[str, str], *selection: str, timeout: int
) -> subprocess.CompletedProcess[str]:
    """``pytest -q`` over ``project``'s own tests (or ``selection``) with this interpreter, in a subprocess
    whose environment is ours plus ``env``, the project on ``PYTHONPATH`` and no ``PYTEST_ADDOPTS`` of
    the caller's; the output is captured for the caller to judge."""
    child = {**os.environ, **env, "PYTHONPATH": str(project)}
    child.pop("PYTEST_ADDOPTS", None)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *selection],
        cwd=project,
        env=child,
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )


def _tail(text: str, lines: int) -> str:
    kept = [line for line in text.strip().splitlines() if line.strip()]
    return "\n".join(kept[-lines:])
