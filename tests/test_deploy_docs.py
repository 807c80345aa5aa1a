"""The operator's guide and the guides point at things that exist."""

import re
from pathlib import Path

import pytest

from deploy.render import DEFAULTS

ROOT = Path(__file__).resolve().parent.parent
# The guides written with deploy/ (other guides in docs/guides/ are checked by their authors).
GUIDES = [ROOT / "docs/operations.md", ROOT / "docs/guides/clerk.md", ROOT / "docs/guides/staff.md"]


@pytest.mark.parametrize("guide", GUIDES, ids=lambda path: path.name)
def test_links_and_images_resolve(guide):
    text = guide.read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)#\s]+)\)", text):
        if "://" in target:
            continue
        assert (guide.parent / target).exists(), f"{guide.name} links to missing {target}"


def test_every_deploy_file_the_guide_names_exists():
    text = (ROOT / "docs/operations.md").read_text(encoding="utf-8")
    named = set(re.findall(r"\bdeploy/[\w./-]+\w", text))
    assert named, "the guide should name the deploy files"
    for path in named:
        assert (ROOT / path).exists(), f"docs/operations.md names missing {path}"


def test_every_python_module_the_guide_runs_exists():
    text = (ROOT / "docs/operations.md").read_text(encoding="utf-8")
    for module in set(re.findall(r"python -m (deploy\.\w+)", text)):
        assert (ROOT / (module.replace(".", "/") + ".py")).exists(), module


def test_every_template_the_guide_renders_is_known():
    text = (ROOT / "docs/operations.md").read_text(encoding="utf-8")
    for template in set(re.findall(r"deploy\.render ((?:systemd|nginx)/[\w.-]+)", text)):
        assert template in DEFAULTS, template


# Procedures the guide describes as planned, not yet commands.
NOT_YET_COMMANDS = {"central-api keys rotate"}


def documented_commands() -> set[str]:
    found = set()
    for guide in GUIDES:
        text = guide.read_text(encoding="utf-8")
        for program, words in re.findall(r"\b(central-api|kiosk-app) ([a-z]+(?: [a-z]+)?)", text):
            found.add(f"{program} {words}")
    return found - NOT_YET_COMMANDS


@pytest.mark.parametrize("command", sorted(documented_commands()))
def test_every_command_the_guides_name_exists(command):
    # In this process, through click: the command tree is what is checked, and ~40 start-ups of
    # a program for its --help cost 40 s of CPU (the entry points start in test_cli_startup.py).
    from click.testing import CliRunner

    from central_api.cli import cli as central_cli
    from kiosk_app.cli import cli as kiosk_cli

    program, *words = command.split()
    group = {"central-api": central_cli, "kiosk-app": kiosk_cli}[program]

    def help_text(words):
        result = CliRunner().invoke(group, [*words, "--help"], prog_name=program)
        return result.output if result.exit_code == 0 else None

    if help_text(words) is not None:
        return
    # "central-api init once": a command without subcommands, followed by prose.
    leaf = help_text(words[:1])
    assert leaf is not None and "Commands:" not in leaf, f"`{command} --help` fails"
