"""environment.yml (conda) must install what pyproject.toml installs, with the same pins."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _name(spec: str) -> str:
    return re.split(r"[=<>!~\[ ;]", spec, maxsplit=1)[0].lower().replace("_", "-")


def _pyproject_specs() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = project["dependencies"] + project["optional-dependencies"]["dev"]
    return {_name(s): s.replace(" ", "") for s in specs}


def _conda_pip_specs() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_sections = [d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d]
    assert len(pip_sections) == 1, "environment.yml needs exactly one pip: section"
    specs = [s for s in pip_sections[0] if not s.startswith("-e")]
    return {_name(s): s.replace(" ", "") for s in specs}


def test_same_packages_and_pins_on_both_sides():
    py, conda = _pyproject_specs(), _conda_pip_specs()
    assert sorted(set(py) - set(conda)) == [], "in pyproject.toml but not environment.yml"
    assert sorted(set(conda) - set(py)) == [], "in environment.yml but not pyproject.toml"
    assert {k: conda[k] for k in py} == py


def test_torch_pinned_to_the_local_cpu_wheel_version():
    # Any other torch spec may pull a multi-GB CUDA build on our machines (DEVELOPERS.md).
    assert _pyproject_specs()["torch"] == "torch==2.13.0"
    assert _conda_pip_specs()["torch"] == "torch==2.13.0"


def test_conda_env_installs_the_project_itself_and_python_311():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip
    assert "python=3.11" in env["dependencies"]


def test_the_installed_torch_is_the_pinned_cpu_build():
    import torch

    assert torch.__version__.split("+")[0] == "2.13.0"
    assert not torch.cuda.is_available()
