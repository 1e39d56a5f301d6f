"""Today's code beside the service, in the same run: the ×3 and ×4 targets of issue 12 divide
the service's figures by those of the code before the work on it, measured right after each
service case, so that each ratio comes from one run on one machine in one state.

`--today REV` (default DEFAULT_REV, the commit just before issue 12's work) is checked out as a
detached git worktree in a temporary directory, served by `spotify-api serve` from the same
virtualenv with `PYTHONPATH=<worktree>/src` (servers.start_service checks that the process
imported `spotify_api` from there) on the same database, Redis and SECRET_KEY and a port of its
own. The database schema must be the same: the worktree's `alembic/versions` must equal this
tree's, file for file, or the run stops; only the migrations in ADDITIVE may be this tree's
alone (they are copied into the worktree, whose `serve` must know the database's revision).
The worktree is removed when the run ends, on errors and on Ctrl-C, after the servers are
stopped.

The cases run on it (TODAY_KEYS, key + "T") are the service's, unchanged: the same paths, ids,
tokens and pairs, their bodies and changes checked against the service's before the runs.
`--today none` falls back on a results file (`--baseline`, see baseline.py).
"""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from harness.common import ROOT, BenchError
from harness.load import Scenario

DEFAULT_REV = "d5376b5"  # README, architecture: … — the last commit before issue 12's work
# The service cases that the targets compare with today's: the uncached first page of 20 (×4),
# the playlist changes and the 16 writers (×3), and the uncached song, for interest.
TODAY_KEYS = ("c", "d1", "g1", "g2", "h1", "h2", "r1", "r2", "w")
SUFFIX = "T"
GIT_TIMEOUT = 120.0
MIGRATIONS = Path("alembic") / "versions"
# Migrations since today's code that only add what it neither reads nor must write (a column
# with a default): today's code runs unchanged on the schema they make.
ADDITIVE = frozenset(
    {
        "20261207_e5c3a7b9d1f4_playlist_duration.py",
        "20261207_f6d4b8c0e2a5_search.py",
        "20261207_a7e5c9d1f3b6_search_tiers.py",
        "20261207_b2d4f6a8c0e1_library.py",
        "20261207_c4e6a8b0d2f3_playlist_members.py",
    }
)


@dataclass(frozen=True, slots=True)
class Revision:
    commit: str  # the full hash
    short: str
    subject: str

    @property
    def note(self) -> str:
        return f"`{self.short}` ({self.subject})"


def _git(*args: str, cwd: Path = ROOT, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(  # noqa: S603 - our own argv, no shell
        ["git", *args],  # noqa: S607 - git from the PATH
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=GIT_TIMEOUT,
    )
    if check and result.returncode != 0:
        raise BenchError(f"git {' '.join(args)}: {result.stderr.strip() or result.returncode}")
    return result


def resolve(rev: str) -> Revision | None:
    """The commit `rev` names in this repository, or None if it names none."""
    found = _git("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}", check=False)
    if found.returncode != 0 or not found.stdout.strip():
        return None
    commit = found.stdout.strip()
    short, _, subject = _git("log", "-1", "--format=%h %s", commit).stdout.strip().partition(" ")
    return Revision(commit, short, subject)


def _migrations(tree: Path) -> dict[str, bytes]:
    folder = tree / MIGRATIONS
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*.py"))
        if "__pycache__" not in path.parts
    }


def check_schema(tree: Path) -> None:
    """Today's tree must migrate the database to the schema this tree does: the same
    alembic/versions, file for file, but for the ADDITIVE ones this tree has beside them, which
    are copied into today's tree (its `serve` refuses a database at a revision it does not
    know)."""
    ours, theirs = _migrations(ROOT), _migrations(tree)
    differ = sorted(
        name
        for name in ours.keys() | theirs.keys()
        if ours.get(name) != theirs.get(name) and not (name in ADDITIVE and name not in theirs)
    )
    if not ours or differ:
        raise BenchError(
            f"{MIGRATIONS} of today's tree differs from this tree's ({', '.join(differ) or 'none'}"
            "): its schema is not this database's; pick another --today, or --today none"
        )
    for name in sorted(ADDITIVE & (ours.keys() - theirs.keys())):
        (tree / MIGRATIONS / name).write_bytes(ours[name])


class Worktrees:
    """The detached worktrees this run made; `remove_all` removes them (with their temporary
    directories), also after an interrupted `add`."""

    def __init__(self) -> None:
        self.made: list[Path] = []  # the temporary directories, each holding a tree

    def add(self, revision: Revision) -> Path:
        folder = Path(tempfile.mkdtemp(prefix="bench-today-"))
        self.made.append(folder)
        tree = folder / "tree"
        _git("worktree", "add", "--detach", str(tree), revision.commit)
        head = _git("rev-parse", "HEAD", cwd=tree).stdout.strip()
        if head != revision.commit:
            raise BenchError(f"the worktree of {revision.short} is at {head}")
        return tree

    def remove_all(self) -> None:
        while self.made:
            folder = self.made.pop()
            tree = folder / "tree"
            if tree.exists():
                _git("worktree", "remove", "--force", str(tree), check=False)
            shutil.rmtree(folder, ignore_errors=True)
            _git("worktree", "prune", check=False)  # a tree removed by rmtree only


def scenarios(full: Sequence[Scenario]) -> list[Scenario]:
    """Today's twins of the service cases of TODAY_KEYS: the same requests on today's code."""
    return [
        dataclasses.replace(
            scenario,
            key=scenario.key + SUFFIX,
            label=f"today: {scenario.label}",
            server="today",
            baseline=None,
            twin=scenario.key,
        )
        for scenario in full
        if scenario.key in TODAY_KEYS and scenario.server == "service"
    ]
