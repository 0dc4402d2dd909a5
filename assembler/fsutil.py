"""Atomic file output: write to a temporary file beside the target, fsync, rename."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import io
import json
import os
import re
import shutil
import signal
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, cast

from assembler.errors import OutputNotWritable

if TYPE_CHECKING:
    from hashlib import _Hash as Hash

TEMP_PREFIX = ".tmp-assembler-"


def _current_umask() -> int:
    """The process's umask, read without changing it where Linux tells it."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    # Elsewhere it can only be read by setting it: once, on import.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# mkstemp makes its file readable by its owner only; an output must get the mode any new
# file gets (colleagues open the bundles on a shared drive).
_UMASK = _current_umask()


def read_refused(path: Path) -> OSError | None:
    """The error opening the file at ``path`` for reading gives (no rights, say), or None."""
    try:
        # Without waiting: a named pipe in a file's place opens only once a writer comes.
        os.close(os.open(path, os.O_RDONLY | os.O_NONBLOCK))
    except OSError as error:
        return error
    return None


def windows_shortcut(name: str, names: Iterable[str], *, file: bool = True) -> str | None:
    """The Windows shortcut among ``names`` that stands where ``name`` (a ``file``, or a
    folder) was meant: what Explorer shows by that name, or names a new shortcut to it."""
    # Windows names a new shortcut 'bijlage-1.pdf - Snelkoppeling.lnk' (English: '- Shortcut';
    # without '.pdf' when extensions are hidden; ' (2)' for a second); renamed, 'bijlage-1.pdf.lnk'.
    # A folder's name has no extension to hide, though it may have a dot.
    stems = [name, Path(name).stem] if file else [name]
    shortcut = re.compile(
        rf"(?:{re.escape(name)}|(?:{'|'.join(map(re.escape, stems))}) - "
        r"(?:Snelkoppeling|Shortcut)(?: \(\d+\))?)\.lnk",
        re.IGNORECASE,
    )
    return next((found for found in names if shortcut.fullmatch(found)), None)


# Read failures this process put into words: a build that met one keeps no report for the
# next to repeat (unchanged.keep_report), as the share may answer again a minute later.
_read_failures = 0


def read_failures_said() -> int:
    """How many read failures :func:`unreadable` has put into words in this process."""
    return _read_failures


def unreadable(error: OSError) -> str:
    """Why a file cannot be read, in Dutch, with what to do; the system's words otherwise."""
    global _read_failures
    _read_failures += 1
    if error.errno in (errno.EACCES, errno.EPERM):
        return "geen leesrechten (controleer de rechten)"
    if error.errno == errno.ELOOP:
        return "een snelkoppeling die naar zichzelf verwijst (vervang die door het bestand)"
    if error.errno == errno.EIO:
        return "leesfout van de schijf (kopieer het bestand opnieuw)"
    if error.errno == errno.ENAMETOOLONG:
        return _TOO_LONG
    return f"{error.strerror or error} (controleer het bestand)"


GONE_MEANWHILE = "bestaat niet meer: verplaatst of verwijderd terwijl de build liep (bouw opnieuw)"


def not_opened(error: OSError) -> str:
    """Why a file found and checked before could not be opened now, in Dutch: gone since (its
    folder moved or removed), or not readable; not 'beschadigd', which its bytes are not."""
    if isinstance(error, FileNotFoundError | NotADirectoryError):
        return GONE_MEANWHILE
    return f"kan niet gelezen worden: {unreadable(error)}"


_TOO_LONG_NAME = ("de naam of het pad is te lang", "kies kortere namen voor de mappen")
_TOO_LONG = f"{_TOO_LONG_NAME[0]} ({_TOO_LONG_NAME[1]})"


def read_json(path: Path) -> Any:
    """The JSON in the file at ``path``: OSError when it cannot be read, ValueError when it is
    no JSON, also when it is nested too deep for the parser (a RecursionError otherwise)."""
    text = Path(path).read_text(encoding="utf-8")
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError("te diep genest") from None


def json_problem(error: OSError | ValueError) -> str:
    """Why a JSON file could not be read, in Dutch."""
    if isinstance(error, OSError):
        return unreadable(error)
    if isinstance(error, UnicodeDecodeError):
        return "is geen UTF-8-tekst"
    if isinstance(error, json.JSONDecodeError):
        return f"is geen geldige JSON (regel {error.lineno})"
    return "is geen geldige JSON"


def not_writable(
    path: Path, error: OSError, again: str = "bouw", *, unchanged: bool = False
) -> OutputNotWritable:
    """The Dutch error for an output that cannot be written, with the reason in words.

    ``again`` is the command's verb for trying once more ("bouw", "exporteer"); ``unchanged``
    says that nothing was changed (a change made all or nothing, undone).
    """
    what, fix = _not_writable_why(path, error, again)
    if unchanged:
        what += "; er is niets veranderd"
    return OutputNotWritable(path, f"{what} ({fix})")


def _not_writable_why(path: Path, error: OSError, again: str) -> tuple[str, str]:
    """Why an output cannot be written, and what to do about it, in Dutch."""
    if error.errno == errno.ENOSPC:
        what, fix = "de schijf is vol", f"maak ruimte vrij en {again} opnieuw"
    elif error.errno in (errno.EACCES, errno.EPERM) and (owner := _other_owner(path)):
        # Made by another user (often 'sudo ./project.sh build'): 'controleer de rechten'
        # would send a clerk looking for a read-only switch that is not there.
        what = f"de map is van gebruiker {owner}, en alleen die mag erin schrijven"
        fix = (
            "laat de beheerder u schrijfrechten geven, of de eigenaar veranderen met "
            "'sudo chown -R'"
        )
    elif error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        what, fix = "de map is alleen-lezen of afgeschermd", "controleer de rechten"
    elif error.errno in (errno.ENOTDIR, errno.EEXIST):
        what = "er staat een bestand waar een map hoort"
        fix = "verwijder of hernoem dat bestand"
    elif error.errno == errno.EISDIR:
        what = "er staat een map waar dit bestand hoort"
        fix = "verwijder of hernoem die map"
    elif error.errno == errno.ENAMETOOLONG:
        what, fix = _TOO_LONG_NAME
    else:
        what, fix = f"{error.strerror or error}", "controleer de map"
    return what, fix


def _other_owner(path: Path) -> str | None:
    """The user owning the nearest folder of ``path`` that exists, when it is another user
    and may not be written by this one: their name, or their number."""
    folder = Path(path)
    try:
        while not folder.is_dir() and folder != folder.parent:
            folder = folder.parent
        status = folder.stat()
    except OSError:
        return None
    if status.st_uid == os.geteuid() or os.access(folder, os.W_OK):
        return None
    try:
        import pwd

        return pwd.getpwuid(status.st_uid).pw_name
    except (ImportError, KeyError):
        return str(status.st_uid)


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success fsync it and rename it into place.

    On any failure the temporary file is removed and ``target`` keeps its previous content.
    """
    target = Path(target)
    temp = _temp_beside(target, "bouw")
    try:
        yield temp
        _to_disk(temp)
        os.replace(temp, target)
        _fsync_dir(target.parent)
    except OSError as error:
        temp.unlink(missing_ok=True)
        raise not_writable(target, error) from error
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _temp_beside(target: Path, again: str, *, unchanged: bool = False) -> Path:
    """A new empty temporary file in ``target``'s folder (made when missing)."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp_name = tempfile.mkstemp(
            prefix=TEMP_PREFIX, suffix=target.suffix, dir=target.parent
        )
        os.close(fd)
    except OSError as error:
        raise not_writable(target, error, again, unchanged=unchanged) from error
    return Path(temp_name)


def _to_disk(temp: Path) -> None:
    """Give a written temporary file the mode of a new file, and wait until it is on disk."""
    with open(temp, "rb") as handle:
        # A file system without Unix modes (a FAT stick) refuses; its files need none.
        with contextlib.suppress(OSError):
            os.fchmod(handle.fileno(), 0o666 & ~_UMASK)
        os.fsync(handle.fileno())


def write_together(
    texts: Mapping[Path, str], again: str, *, move: tuple[Path, Path] | None = None
) -> None:
    """Write each UTF-8 text to its file, after renaming the folder ``move`` names (from, to):
    all of it, or, when anything fails or a stop signal (Ctrl-C) comes, none of it.

    A file in the moved folder is named at its new place; one in a folder that does not exist
    yet goes into a new folder, made whole beside it and renamed into place. ``again`` is the
    command's verb for trying once more. OutputNotWritable names the file or folder refused
    and says that nothing changed.
    """
    temps: list[Path] = []  # made here; what of it is not renamed into place is removed
    folders: dict[Path, Path] = {}  # a new folder: the temporary one it is made in
    files: list[tuple[Path, Path]] = []  # a file: the temporary one beside it
    try:
        # Every text is on disk beside its file before anything changes: a full disk or a
        # refused folder is found while there is nothing to undo.
        for target, text in texts.items():
            folder = target.parent
            if move is not None and folder.is_relative_to(move[1]):
                folder = move[0] / folder.relative_to(move[1])  # where it is now
            if not folder.exists():
                if folder not in folders:
                    folders[folder] = _prepared_folder(folder, again)
                    temps.append(folders[folder])
                folder = folders[folder]
            temps.append(_prepared_file(folder / target.name, text, again))
            files.append((target, target.parent / temps[-1].name))
    except BaseException:
        _remove(temps)
        raise

    def change(renames: _Renames) -> None:
        if move is not None:
            renames.move(*move)
        for folder, temp in folders.items():
            renames.move(temp, folder)
        for target, temp in files:
            renames.put(temp, target)

    _together(change, temps, again)


def _prepared_folder(folder: Path, again: str) -> Path:
    """A temporary folder beside ``folder``, for :func:`write_together` to rename into place."""
    try:
        return temporary_folder(folder.parent, TEMP_PREFIX)
    except OSError as error:
        raise not_writable(folder, error, again, unchanged=True) from error


def _prepared_file(target: Path, text: str, again: str) -> Path:
    """A temporary file beside ``target`` with UTF-8 ``text``, on disk."""
    temp = _temp_beside(target, again, unchanged=True)
    try:
        temp.write_bytes(text.encode("utf-8"))
        _to_disk(temp)
    except OSError as error:
        temp.unlink(missing_ok=True)
        raise not_writable(target, error, again, unchanged=True) from error
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def _remove(temps: Sequence[Path]) -> None:
    """Remove the temporary files and folders that are still there."""
    for temp in temps:
        with contextlib.suppress(OSError):
            if temp.is_dir():
                shutil.rmtree(temp)
            else:
                temp.unlink(missing_ok=True)


# Held back while a change made of several renames is done or undone: a stop in between
# would leave it half made.
_STOPS = frozenset({signal.SIGINT, signal.SIGTERM, signal.SIGHUP})


class _Renames:
    """The renames of one change; :meth:`undo` puts back what they replaced, last first."""

    def __init__(self) -> None:
        self._undo: list[tuple[Path, Path]] = []
        self._kept: list[Path] = []  # the replaced files, removed when all is done
        self.target: Path | None = None  # the one being renamed into place

    def move(self, source: Path, target: Path) -> None:
        """Rename the file or folder ``source`` to ``target``, which does not exist."""
        self.target = target
        if target.exists():  # a folder would replace an empty one without a word
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(target))
        os.rename(source, target)
        self._undo.append((target, source))

    def put(self, temp: Path, target: Path) -> None:
        """Rename the file ``temp`` to ``target``, keeping a ``target`` there was until all
        is done."""
        if not target.exists():
            self.move(temp, target)
            return
        self.target = target
        kept = temp.with_name(temp.name + ".old")
        try:
            # A second name keeps the file: ``target`` is never missing, even for a moment.
            os.link(target, kept)
        except OSError:
            os.rename(target, kept)  # a file system without hard links
        self._kept.append(kept)
        self._undo.append((kept, target))
        os.replace(temp, target)

    def undo(self) -> list[Path]:
        """Undo every rename, last first; the paths that could not be put back."""
        failed: list[Path] = []
        for done, before in reversed(self._undo):
            try:
                os.replace(done, before)
                if done in self._kept:
                    # Still the file it was linked to (its replacement failed): a rename
                    # between two names of one file does nothing.
                    done.unlink(missing_ok=True)
            except OSError:
                failed.append(before)
        return failed

    def finish(self) -> None:
        """Remove the replaced files, and write the folders' new entries to disk."""
        for kept in self._kept:
            with contextlib.suppress(OSError):
                kept.unlink()
        for folder in dict.fromkeys(path.parent for pair in self._undo for path in pair):
            _fsync_dir(folder)


def _together(change: Callable[[_Renames], None], temps: Sequence[Path], again: str) -> None:
    """Make ``change``, renames of prepared files and folders, all of it or none of it.

    Ctrl-C and the stop signals are held back meanwhile; one that came is let through after
    the change is undone. ``temps``: the prepared files and folders, removed when not used.
    """
    renames = _Renames()
    held = signal.pthread_sigmask(signal.SIG_BLOCK, _STOPS)
    try:
        try:
            change(renames)
            if _STOPS & signal.sigpending():
                renames.undo()
            else:
                renames.finish()
                # The change is made, and said as made: a stop that came too late to undo it
                # is dropped, not said as "afgebroken".
                while signal.sigtimedwait(_STOPS, 0) is not None:
                    pass
        except BaseException as error:
            failed = renames.undo()
            shown = renames.target or Path(".")
            if failed:
                raise _not_undone(shown, error, failed) from error
            if isinstance(error, OSError):
                raise not_writable(shown, error, again, unchanged=True) from error
            raise
        finally:
            _remove(temps)
    finally:
        # A stop that came is raised here, once the change is made or undone.
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def _not_undone(shown: Path, error: BaseException, failed: list[Path]) -> OutputNotWritable:
    """The error of a change that failed and could not be undone everywhere: where it stands."""
    why = _not_writable_why(shown, error, "")[0] if isinstance(error, OSError) else str(error)
    return OutputNotWritable(
        shown,
        f"{why}; terugzetten lukte niet voor {', '.join(map(str, failed))}, dus de verandering "
        "is half gemaakt (zet die met de hand terug, of maak haar af)",
    )


def temporary_folder(parent: Path, prefix: str) -> Path:
    """A new empty folder in ``parent``, to be renamed into place as an output when complete.

    mkdtemp makes it accessible to its owner only; it gets the mode any new folder gets.
    """
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    folder.chmod(0o777 & ~_UMASK)
    return folder


def digest_stream(handle: BinaryIO, digest: Hash) -> Hash:
    """Feed ``digest`` the rest of ``handle``, a megabyte at a time; return ``digest``."""
    for chunk in iter(lambda: handle.read(1 << 20), b""):
        digest.update(chunk)
    return digest


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, read a megabyte at a time."""
    with open(path, "rb") as handle:
        return digest_stream(handle, hashlib.sha256()).hexdigest()


def write_bytes_atomic(target: Path, data: bytes) -> Path:
    """Write ``data`` to ``target`` atomically and return ``target``."""
    with atomic_path(target) as temp:
        temp.write_bytes(data)
    return target


def write_text_atomic(target: Path, text: str) -> Path:
    """Write UTF-8 ``text`` to ``target`` atomically and return ``target``."""
    return write_bytes_atomic(target, text.encode("utf-8"))


def write_cache_text(target: Path, text: str) -> None:
    """Write a cache file atomically, or leave it unwritten when the disk or folder refuses."""
    # A cache only saves a later build time: a build that made its outputs does not fail for
    # want of one (a read-only home, a colleague without write access to build/.cache).
    with contextlib.suppress(OutputNotWritable):
        write_text_atomic(target, text)


def _fsync_dir(folder: Path) -> None:
    # The rename is only durable once the directory entry is on disk.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class _ErrorKeepingFile(io.RawIOBase):
    """A file that keeps a failed write's error instead of raising it to its writer."""

    def __init__(self, handle: BinaryIO) -> None:
        super().__init__()
        self._handle = handle
        self.error: OSError | None = None

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._handle.seek(offset, whence)

    def tell(self) -> int:
        return self._handle.tell()

    def write(self, data: bytes | bytearray | memoryview) -> int:  # type: ignore[override]
        if self.error is None:
            try:
                self._handle.write(data)
            except OSError as error:
                self.error = error
        return len(data)


# Up to this size qpdf writes into memory, and the file is written in one call: qpdf hands
# Python every token separately (27,000 calls for a 170 KB PDF), which through a Python
# file object cost twice the save itself. Larger outputs are streamed: the copy in memory
# would add its size to the peak (three bundles may be saved at once), and a large PDF is
# mostly large streams, written in few calls (57 MB: 2.4 s in memory, 1.9 s streamed).
IN_MEMORY_OUTPUT = 16 << 20


@contextlib.contextmanager
def library_output(path: Path, expected_size: int | None = None) -> Iterator[BinaryIO]:
    """A file for qpdf (pikepdf) to write ``path`` into; a failed write raises when it is done.

    qpdf writing straight to a file it was given by name or descriptor aborts the whole
    process when a write fails at the wrong moment (a full disk, measured with pikepdf 10.18):
    written through Python instead, the error waits until qpdf has finished. With an
    ``expected_size`` of at most :data:`IN_MEMORY_OUTPUT` it writes into memory first.
    """
    if expected_size is not None and expected_size <= IN_MEMORY_OUTPUT:
        buffer = io.BytesIO()
        yield cast(BinaryIO, buffer)
        with open(path, "wb") as handle:
            handle.write(buffer.getbuffer())
        return
    with open(path, "wb") as handle:
        stream = _ErrorKeepingFile(handle)
        yield cast(BinaryIO, stream)
        if stream.error is not None:
            raise stream.error
