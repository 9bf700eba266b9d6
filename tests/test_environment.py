"""The dependency tree is locked, the lock is what gets installed, and nothing depends on a GPU."""

from __future__ import annotations

import importlib.util
import json
import tomllib
from importlib import metadata
from pathlib import Path
from types import ModuleType

import yaml
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PROJECT = "makemore-bigram-notebooks"


def _lock_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("lock", ROOT / "tools" / "lock.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _direct_requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = project["dependencies"] + project["optional-dependencies"]["dev"]
    return [Requirement(s) for s in specs]


def _locked() -> dict[str, str]:
    """name -> version of every lock line whose marker holds on this machine."""
    pins: dict[str, str] = {}
    for line in (ROOT / "requirements-lock.txt").read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        req = Requirement(line)
        if req.marker is None or req.marker.evaluate():
            (version,) = [s.version for s in req.specifier if s.operator == "=="]
            pins[canonicalize_name(req.name)] = version
    return pins


def _installed_closure() -> dict[str, str]:
    """name -> installed version of everything the project with its dev extra pulls in."""
    seen: dict[str, str] = {}
    todo = [(PROJECT, {"dev"})]
    while todo:
        name, extras = todo.pop()
        dist = metadata.distribution(name)
        for text in dist.requires or []:
            req = Requirement(text)
            base = {k: str(v) for k, v in default_environment().items()}
            wanted = [{**base, "extra": e} for e in extras or {""}]
            if req.marker and not any(req.marker.evaluate(env) for env in wanted):
                continue
            key = canonicalize_name(req.name)
            if key not in seen:
                seen[key] = metadata.version(req.name)
                todo.append((req.name, set(req.extras)))
    return seen


def test_lock_and_environment_yml_are_generated_from_the_current_pyproject():
    assert _lock_tool().stale() == []


def test_every_direct_pin_stands_in_the_lock_with_the_same_version():
    locked = _locked()
    for req in _direct_requirements():
        (pin,) = [s.version for s in req.specifier if s.operator == "=="]
        assert locked.get(canonicalize_name(req.name)) == pin, f"{req} vs the lock"


def test_every_installed_dependency_is_the_locked_version():
    # `make setup` installs with the lock as constraints: the whole tree, not only our pins.
    locked, installed = _locked(), _installed_closure()
    assert len(installed) > 50, "the closure walk found too little to mean anything"
    missing = sorted(set(installed) - set(locked))
    assert missing == [], "installed but not locked"
    # A local build label (torch's +cpu) is the same release.
    differ = {n: (v, locked[n]) for n, v in installed.items() if v.split("+")[0] != locked[n]}
    assert differ == {}, "installed (left) differs from the lock (right)"


def test_environment_yml_installs_the_lock_and_the_project():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert pip == ["-c requirements-lock.txt", "-e .[dev]"]
    assert "python=3.11" in env["dependencies"]


def test_torch_is_pinned_to_2_13_0():
    # Another torch spec may make pip fetch a multi-GB CUDA build instead of the CPU wheel.
    assert "torch==2.13.0" in [str(r) for r in _direct_requirements()]
    assert metadata.version("torch").split("+")[0] == "2.13.0"


def _code(path: Path) -> str:
    """A module's text, or the code cells of a notebook (not its outputs)."""
    if path.suffix != ".ipynb":
        return path.read_text()
    cells = json.loads(path.read_text())["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")


def test_no_helper_or_notebook_code_asks_for_a_gpu():
    # The notebooks are CPU by design; `make test` hides any GPU (CUDA_VISIBLE_DEVICES=) so a
    # CUDA machine computes what CI computes. Nothing may ask for a device.
    suspicious = ("cuda", ".to(device", "device=")
    paths = [*ROOT.glob("helpers/*.py"), *ROOT.glob("notebooks/*.ipynb")]
    assert len(paths) > 15
    for path in paths:
        text = _code(path).lower()
        found = [s for s in suspicious if s in text]
        assert found == [], f"{path.name} mentions {found}"
