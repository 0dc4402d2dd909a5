"""The machine's running processes, read from /proc, for tests that check what was left behind."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ProcessInfo:
    """One process: its pid, name, state letter, process group and command line."""

    pid: int
    name: str
    state: str
    group: int
    command: str

    @property
    def running(self) -> bool:
        """False for a zombie waiting for its reaper (or one already being removed)."""
        return self.state not in {"Z", "X"}


def processes() -> Iterator[ProcessInfo]:
    """Every process that can be read now; one that ends while being read is skipped."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        yield ProcessInfo(
            pid=int(entry.name),
            name=stat[stat.index("(") + 1 : stat.rindex(")")],
            state=fields[0],
            group=int(fields[2]),
            command=command.decode(errors="replace"),
        )
