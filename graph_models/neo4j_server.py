"""Build, start, stop and inspect a local embedded Neo4j 5.26 server.

The server is the small Java program in ``launcher/`` (``org.smartspec.Neo4jLauncher``). It runs
an embedded Neo4j DBMS with a Bolt connector on ``127.0.0.1:<port>`` and the APOC core
procedures registered. Authentication is on: the user ``neo4j`` has a password generated at the
first start and kept in ``<home>/password`` (readable by its owner only); the launcher sets it
at every start, so writing another password there and restarting changes it. ``LOAD CSV`` and
APOC's file procedures read only files under ``<home>/import``; APOC's exports are off.

The launcher is built with Maven into ``<cache>/launcher-<hash>`` (``<cache>`` is
``$SMARTSPEC_CACHE`` or ``~/.cache/smartspec``; ``<hash>`` names the launcher's sources, so a
changed source builds anew and versions side by side never rebuild over each other), so the
installed package folder may stay read-only. A server's home folder holds its data,
``neo4j.pid`` (process id and Bolt port), ``password``, ``import/``, ``launcher.log`` (the Java
process's stdout and stderr) and Neo4j's own ``logs/debug.log``.

Environment variables
---------------------
SMARTSPEC_HOME
    Parent of the default server home (``$SMARTSPEC_HOME/neo4j``); the default home is
    ``./.smartspec/neo4j`` when it is unset.
SMARTSPEC_CACHE
    Build cache folder (default ``~/.cache/smartspec``).
SMARTSPEC_NEO4J_HEAP
    Maximum Java heap, e.g. ``4g`` (default ``2g``).
SMARTSPEC_MAVEN_ARGS
    Extra Maven arguments, e.g. ``-Dmaven.repo.local=/path/to/repo``.

Examples
--------
>>> from smartspec.graph_models import neo4j_server
>>> info = neo4j_server.start(port=7687)  # doctest: +SKIP
>>> info.uri  # doctest: +SKIP
'bolt://127.0.0.1:7687'
>>> neo4j_server.stop()  # doctest: +SKIP
True
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import hashlib
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import SmartspecError
from ._process import pid_alive

__all__ = [
    "Neo4jServerError",
    "ServerInfo",
    "build",
    "cache_dir",
    "default_home",
    "launcher_dir",
    "local_password",
    "password_file",
    "start",
    "status",
    "stop",
]

MAIN_CLASS = "org.smartspec.Neo4jLauncher"
PID_FILE = "neo4j.pid"
LOG_FILE = "launcher.log"
PASSWORD_FILE = "password"
IMPORT_DIR = "import"
USER = "neo4j"
READY_PREFIX = "READY bolt://"

_STAMP_FILE = ".build-stamp"
_LOCK_FILE = ".build.lock"
_DEFAULT_HEAP = "2g"
_MIN_HEAP = "256m"
_HEAP_RE = re.compile(r"^(\d+)([kKmMgG]?)$")
_TAIL_LINES = 25

# Popen objects of servers started by this interpreter, keyed by pid. Keeping them alive avoids
# "subprocess is still running" ResourceWarnings and lets stop() reap the child (no zombies).
_CHILDREN: dict[int, subprocess.Popen[bytes]] = {}


class Neo4jServerError(SmartspecError, RuntimeError):
    """Raised when the Neo4j launcher cannot be built, started or stopped."""


@dataclass(frozen=True)
class ServerInfo:
    """A running local Neo4j server.

    Attributes
    ----------
    uri : str
        Bolt URI, e.g. ``bolt://127.0.0.1:7687``.
    port : int
        Bolt port on 127.0.0.1.
    pid : int
        Process id of the Java process.
    home : Path
        Server home folder (data, logs, pid file).
    """

    uri: str
    port: int
    pid: int
    home: Path


# --------------------------------------------------------------------------------------------
# Paths
# --------------------------------------------------------------------------------------------


def launcher_dir() -> Path:
    """Return the folder holding the launcher's ``pom.xml`` and Java sources.

    Returns
    -------
    Path
        ``<this package>/launcher``; it is shipped as package data, so it also exists after
        ``pip install .``.
    """
    return Path(__file__).resolve().parent / "launcher"


def cache_dir() -> Path:
    """Return the smartspec cache folder (``$SMARTSPEC_CACHE`` or ``~/.cache/smartspec``).

    Returns
    -------
    Path
        Absolute path; it is not created.
    """
    env = os.environ.get("SMARTSPEC_CACHE")
    base = Path(env).expanduser() if env else Path.home() / ".cache" / "smartspec"
    return base.resolve()


def default_home() -> Path:
    """Return the default server home (``$SMARTSPEC_HOME/neo4j`` or ``./.smartspec/neo4j``).

    Returns
    -------
    Path
        Absolute path; it is not created.
    """
    env = os.environ.get("SMARTSPEC_HOME")
    base = Path(env).expanduser() if env else Path.cwd() / ".smartspec"
    if base.exists() and not base.is_dir():
        raise Neo4jServerError(
            f"SMARTSPEC_HOME {str(base)!r} is a file, not a folder; set SMARTSPEC_HOME to a "
            "folder (it is created if missing) where smartspec keeps its stores"
        )
    return (base / "neo4j").resolve()


def _resolve_home(home: Path | str | None) -> Path:
    return default_home() if home is None else Path(home).expanduser().resolve()


def password_file(home: Path | str | None = None) -> Path:
    """Return the file holding the password of user ``neo4j`` of the server in ``home``."""
    return _resolve_home(home) / PASSWORD_FILE


def _ensure_password(home: Path) -> str:
    """The server's password: read from ``<home>/password``, made there (mode 0600) if absent.

    The file is kept readable by its owner only; an existing one has its mode set so.
    """
    path = home / PASSWORD_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        os.chmod(path, 0o600)
    else:
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(24) + "\n")
    password = path.read_text().strip()
    if len(password) < 8:
        raise Neo4jServerError(f"the password in {path} is shorter than Neo4j's 8 characters")
    return password


def _read_password(home: Path) -> str | None:
    try:
        return (home / PASSWORD_FILE).read_text().strip() or None
    except OSError:
        return None


def local_password(uri: str, home: Path | str | None = None) -> str | None:
    """The password of the local server of ``smartspec db start`` if ``uri`` names it.

    ``uri`` names it when its host is the loopback (``127.0.0.1``, ``localhost``, ``::1``) and
    its port is the one in the pid file of the server in ``home`` (default
    :func:`default_home`). None otherwise, or when the password file cannot be read.

    >>> local_password("bolt://db.example.org:7687") is None
    True
    """
    match = re.fullmatch(r"(?:bolt|neo4j)(?:\+s|\+ssc)?://([^/:]+|\[[^\]]+\])(?::(\d+))?/?",
                         uri.strip())
    if match is None or match.group(1).strip("[]") not in ("127.0.0.1", "localhost", "::1"):
        return None
    home = _resolve_home(home)
    record = _read_pid_file(home)
    if record is None or record[1] != int(match.group(2) or 7687):
        return None
    return _read_password(home)


# --------------------------------------------------------------------------------------------
# Build
# --------------------------------------------------------------------------------------------


def _source_files(root: Path) -> list[Path]:
    """Return the launcher's build inputs (pom.xml and Java sources) relative to ``root``."""
    files = [Path("pom.xml")]
    src = root / "src"
    if src.is_dir():
        files += sorted(p.relative_to(root) for p in src.rglob("*.java") if p.is_file())
    return files


def _source_hash(root: Path) -> str:
    digest = hashlib.sha256()
    for rel in _source_files(root):
        digest.update(rel.as_posix().encode())
        digest.update(b"\0")
        digest.update((root / rel).read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def _is_built(build_dir: Path) -> bool:
    target = build_dir / "target"
    main_class = target / "classes" / Path(*MAIN_CLASS.split(".")).with_suffix(".class")
    lib = target / "lib"
    return main_class.is_file() and lib.is_dir() and any(lib.glob("neo4j-*.jar"))


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive advisory lock on ``path`` (no-op where fcntl is unavailable)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - non-POSIX
        yield
        return
    with open(path, "a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _require_tool(name: str, purpose: str) -> str:
    exe = shutil.which(name)
    if exe is None:
        raise Neo4jServerError(f"'{name}' was not found on PATH; it is needed to {purpose}")
    return exe


def build(force: bool = False, quiet: bool = True) -> Path:
    """Build the Java launcher with Maven, unless an up-to-date build exists.

    The ``pom.xml`` and ``src`` tree of :func:`launcher_dir` are copied into the writable build
    folder ``<cache>/launcher-<hash>`` (the first 16 hex digits of a SHA-256 of the sources)
    and built there with ``mvn -B -q package -DskipTests``. The hash is kept in a stamp file;
    the build is skipped when it matches and the classes and jars exist. Changed sources get a
    folder of their own, so a server running from an older build is never rebuilt under. The
    first build downloads Neo4j and APOC (about 125 MB) into the local Maven repository.

    Parameters
    ----------
    force : bool, default False
        Rebuild even when the stamp says the build is up to date.
    quiet : bool, default True
        Keep Maven's output to itself; when False it is echoed to stderr.

    Returns
    -------
    Path
        The build folder; the launcher runs with the class path
        ``<build>/target/classes:<build>/target/lib/*``.

    Raises
    ------
    Neo4jServerError
        If ``java`` or ``mvn`` is missing, or the Maven build fails (the message ends with the
        last lines of Maven's output).
    """
    src_root = launcher_dir()
    if not (src_root / "pom.xml").is_file():
        raise Neo4jServerError(f"launcher sources not found: {src_root / 'pom.xml'} is missing")
    digest = _source_hash(src_root)
    build_dir = cache_dir() / f"launcher-{digest[:16]}"
    build_dir.mkdir(parents=True, exist_ok=True)
    stamp = build_dir / _STAMP_FILE

    def up_to_date() -> bool:
        return (
            not force
            and _is_built(build_dir)
            and stamp.is_file()
            and stamp.read_text().strip() == digest
        )

    if up_to_date():
        return build_dir
    with _file_lock(build_dir / _LOCK_FILE):
        if up_to_date():  # another process built it while we waited for the lock
            return build_dir
        _require_tool("java", "run the embedded Neo4j server")
        mvn = _require_tool("mvn", "build the embedded Neo4j launcher")

        stamp.unlink(missing_ok=True)
        # A clean tree: stale sources or jars of another Neo4j version must not survive.
        for name in ("src", "target"):
            shutil.rmtree(build_dir / name, ignore_errors=True)
        shutil.copy2(src_root / "pom.xml", build_dir / "pom.xml")
        if (src_root / "src").is_dir():
            shutil.copytree(src_root / "src", build_dir / "src")

        cmd = [mvn, "-B", "-q", "-Dstyle.color=never", "package", "-DskipTests"]
        cmd += shlex.split(os.environ.get("SMARTSPEC_MAVEN_ARGS", ""))
        tail: collections.deque[str] = collections.deque(maxlen=_TAIL_LINES)
        try:
            proc = subprocess.Popen(
                cmd,
                cwd=build_dir,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                errors="replace",
            )
        except OSError as exc:
            raise Neo4jServerError(f"cannot run Maven ({mvn}): {exc}") from exc
        assert proc.stdout is not None
        with proc.stdout:
            for line in proc.stdout:
                line = line.rstrip()
                if line:
                    tail.append(line)
                if not quiet:
                    print(line, file=sys.stderr, flush=True)
        rc = proc.wait()
        if rc != 0 or not _is_built(build_dir):
            last = " | ".join(tail) or "(no output)"
            raise Neo4jServerError(
                f"Maven build of the Neo4j launcher failed (exit code {rc}) in {build_dir}: {last}"
            )
        stamp.write_text(digest + "\n")
    return build_dir


# --------------------------------------------------------------------------------------------
# Process helpers
# --------------------------------------------------------------------------------------------


def _heap_options() -> list[str]:
    heap = os.environ.get("SMARTSPEC_NEO4J_HEAP", "").strip() or _DEFAULT_HEAP
    match = _HEAP_RE.match(heap)
    if match is None:
        raise Neo4jServerError(
            f"SMARTSPEC_NEO4J_HEAP={heap!r} is not a Java size such as '2g' or '1536m'"
        )
    factor = {"": 1, "k": 2**10, "m": 2**20, "g": 2**30}
    nbytes = int(match.group(1)) * factor[match.group(2).lower()]
    xms = _MIN_HEAP if nbytes >= 256 * 2**20 else heap
    return [f"-Xms{xms}", f"-Xmx{heap}"]


#: As in Neo4j's own neo4j.conf: lets the page cache and the transaction-log native accessor
#: reach JDK internals (otherwise debug.log fills with fallback warnings). The server and the
#: offline importer (:mod:`smartspec.graph_models.bulk`) both run with them.
JDK_ACCESS_OPTIONS = (
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
)


def classpath(build_dir: Path) -> str:
    """The Java class path of a launcher build: its classes and every jar of Neo4j and APOC
    (which include ``neo4j-admin``'s ``org.neo4j.cli.AdminTool`` and the import tool)."""
    target = build_dir / "target"
    return os.pathsep.join([str(target / "classes"), str(target / "lib" / "*")])


def _java_command(build_dir: Path, port: int, home: Path) -> list[str]:
    """The launcher's command line; it reads the password from ``<home>/password``."""
    return [
        _require_tool("java", "run the embedded Neo4j server"),
        *_heap_options(),
        "-XX:+UseG1GC",
        "-XX:+ExitOnOutOfMemoryError",
        "-XX:-OmitStackTraceInFastThrow",
        *JDK_ACCESS_OPTIONS,
        "-Dio.netty.tryReflectionSetAccessible=true",
        "-Djdk.nio.maxCachedBufferSize=1024",
        "-cp",
        classpath(build_dir),
        MAIN_CLASS,
        "--port",
        str(port),
        "--home",
        str(home),
        "--password-file",
        str(home / PASSWORD_FILE),
    ]


def _read_pid_file(home: Path) -> tuple[int, int] | None:
    """Return ``(pid, port)`` from ``<home>/neo4j.pid``, or None if absent or unreadable."""
    try:
        fields = (home / PID_FILE).read_text().split()
        return int(fields[0]), int(fields[1])
    except (OSError, ValueError, IndexError):
        return None


def _write_pid_file(home: Path, pid: int, port: int) -> None:
    tmp = home / (PID_FILE + ".tmp")
    tmp.write_text(f"{pid}\n{port}\n")
    tmp.replace(home / PID_FILE)


def _remove_pid_file(home: Path) -> None:
    (home / PID_FILE).unlink(missing_ok=True)


def _reap(pid: int) -> None:
    """Collect the exit status of ``pid`` if it is our exited child (avoids zombies)."""
    proc = _CHILDREN.get(pid)
    if proc is not None:
        if proc.poll() is not None:
            _CHILDREN.pop(pid, None)
        return
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)


def _pid_alive(pid: int) -> bool:
    _reap(pid)
    return pid_alive(pid)


def _is_launcher_process(pid: int, home: Path) -> bool:
    """True if ``pid`` is alive and (where /proc can tell) is our launcher for ``home``."""
    if pid <= 0 or not _pid_alive(pid):
        return False
    try:
        args = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return True  # no /proc (e.g. macOS): trust the pid file
    return MAIN_CLASS in args and str(home) in args


def _port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as Netty does
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def _answers(port: int, password: str | None, timeout: float = 5.0) -> bool:
    """True if a Bolt server on 127.0.0.1:``port`` runs ``RETURN 1`` for user ``neo4j`` with
    ``password``."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=min(timeout, 2.0)):
            pass
    except OSError:
        return False
    from neo4j import GraphDatabase

    try:
        with GraphDatabase.driver(
            f"bolt://127.0.0.1:{port}",
            auth=(USER, password or ""),
            connection_timeout=timeout,
            connection_acquisition_timeout=timeout,
            max_connection_pool_size=1,
        ) as driver:
            driver.verify_connectivity()
            records, _, _ = driver.execute_query("RETURN 1 AS x")
            return bool(records) and records[0]["x"] == 1
    except Exception:  # any failure means "not answering"
        return False


def _log_tail(log: Path, offset: int = 0, lines: int = _TAIL_LINES) -> str:
    try:
        with open(log, "rb") as fh:
            fh.seek(offset)
            text = fh.read().decode(errors="replace")
    except OSError:
        return "(no launcher log)"
    tail = [line for line in text.splitlines() if line.strip()][-lines:]
    return "\n".join(tail) if tail else "(launcher log is empty)"


def _log_has_ready(log: Path, offset: int, port: int) -> bool:
    try:
        with open(log, "rb") as fh:
            fh.seek(offset)
            return f"{READY_PREFIX}127.0.0.1:{port}".encode() in fh.read()
    except OSError:
        return False


def _info(pid: int, port: int, home: Path) -> ServerInfo:
    return ServerInfo(uri=f"bolt://127.0.0.1:{port}", port=port, pid=pid, home=home)


def _wait_for_exit(pid: int, timeout: float) -> bool:
    """Wait up to ``timeout`` seconds for ``pid`` to exit; True if it did."""
    proc = _CHILDREN.get(pid)
    if proc is not None:
        try:
            proc.wait(timeout=max(timeout, 0.0))
        except subprocess.TimeoutExpired:
            return False
        _CHILDREN.pop(pid, None)
        return True
    deadline = time.monotonic() + timeout
    while _pid_alive(pid):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.1)
    return True


def _kill(pid: int, timeout: float) -> None:
    """SIGTERM ``pid``, then SIGKILL it if it has not exited after ``timeout`` seconds."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    if not _wait_for_exit(pid, timeout):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        if not _wait_for_exit(pid, 10.0):
            raise Neo4jServerError(f"Neo4j process {pid} did not exit after SIGKILL")


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


def status(home: Path | str | None = None) -> ServerInfo | None:
    """Return the server running from ``home`` if it answers over Bolt.

    Parameters
    ----------
    home : Path or str, optional
        Server home; defaults to :func:`default_home`.

    Returns
    -------
    ServerInfo or None
        The server's info when its process is alive and answers ``RETURN 1``, else None. A pid
        file left behind by a dead process is removed.
    """
    home = _resolve_home(home)
    record = _read_pid_file(home)
    if record is None:
        return None
    pid, port = record
    if not _is_launcher_process(pid, home):
        _remove_pid_file(home)
        return None
    return _info(pid, port, home) if _answers(port, _read_password(home)) else None


def start(port: int = 7687, home: Path | str | None = None, timeout: float = 180) -> ServerInfo:
    """Start the embedded Neo4j server in the background and wait until Bolt answers.

    Builds the launcher first if needed (see :func:`build`). The Java process runs in its own
    session, so it outlives the caller; stop it with :func:`stop`. If a server from the same
    home is already running, its info is returned (with its own port, which may differ from
    ``port``) and no second server is started.

    Parameters
    ----------
    port : int, default 7687
        Bolt port on 127.0.0.1.
    home : Path or str, optional
        Server home (data, logs, ``neo4j.pid``, ``password``, ``import/``, ``launcher.log``);
        defaults to :func:`default_home`. Created if missing, with a generated password.
    timeout : float, default 180
        Seconds to wait for the server to answer.

    Returns
    -------
    ServerInfo
        URI, port, pid and home of the running server.

    Raises
    ------
    Neo4jServerError
        If the build fails, the port is taken by another program, the process dies during
        start-up (the message includes the tail of ``launcher.log``) or it does not answer
        within ``timeout`` seconds (it is then killed).
    """
    if not 0 < port < 65536:
        raise Neo4jServerError(f"invalid Bolt port {port}")
    home = _resolve_home(home)
    home.mkdir(parents=True, exist_ok=True)
    (home / IMPORT_DIR).mkdir(exist_ok=True)
    password = _ensure_password(home)
    deadline = time.monotonic() + timeout

    record = _read_pid_file(home)
    if record is not None:
        pid, old_port = record
        if _is_launcher_process(pid, home):
            # Running (maybe still starting, e.g. launched by another process): wait for it.
            while time.monotonic() < deadline:
                if _answers(old_port, password):
                    return _info(pid, old_port, home)
                if not _is_launcher_process(pid, home):
                    break
                time.sleep(0.5)
            else:
                raise Neo4jServerError(
                    f"a Neo4j server (pid {pid}) is running from {home} but did not answer on "
                    f"port {old_port} within {timeout:g} s; see {home / LOG_FILE}"
                )
        _remove_pid_file(home)

    if _port_in_use(port):
        raise Neo4jServerError(
            f"port {port} on 127.0.0.1 is already in use by another program; "
            "choose another port or stop that program"
        )

    build_dir = build()
    cmd = _java_command(build_dir, port, home)
    log_path = home / LOG_FILE
    with open(log_path, "ab") as log:
        offset = log.tell()
        stamp = time.strftime("%Y-%m-%d %H:%M:%S")
        log.write(f"=== {stamp} starting: {shlex.join(cmd)}\n".encode())
        log.flush()
        try:
            proc = subprocess.Popen(
                cmd,
                cwd=home,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                close_fds=True,
            )
        except OSError as exc:
            raise Neo4jServerError(f"cannot run java: {exc}") from exc
    _CHILDREN[proc.pid] = proc
    _write_pid_file(home, proc.pid, port)

    while True:
        rc = proc.poll()
        if rc is not None:
            _CHILDREN.pop(proc.pid, None)
            _remove_pid_file(home)
            raise Neo4jServerError(
                f"Neo4j exited with code {rc} during start-up; last lines of {log_path}:\n"
                + _log_tail(log_path, offset)
            )
        if _log_has_ready(log_path, offset, port) and _answers(port, password):
            return _info(proc.pid, port, home)
        if time.monotonic() >= deadline:
            tail = _log_tail(log_path, offset)
            with contextlib.suppress(Neo4jServerError):
                _kill(proc.pid, 30.0)
            _remove_pid_file(home)
            raise Neo4jServerError(
                f"Neo4j did not answer on port {port} within {timeout:g} s and was stopped; "
                f"last lines of {log_path}:\n{tail}"
            )
        time.sleep(0.25)


def stop(home: Path | str | None = None, timeout: float = 60) -> bool:
    """Stop the server running from ``home``.

    Sends SIGTERM (the launcher shuts Neo4j down cleanly), waits up to ``timeout`` seconds,
    then sends SIGKILL. The pid file is removed.

    Parameters
    ----------
    home : Path or str, optional
        Server home; defaults to :func:`default_home`.
    timeout : float, default 60
        Seconds to wait for a clean shutdown before SIGKILL.

    Returns
    -------
    bool
        True if a running server was stopped, False if nothing was running.
    """
    home = _resolve_home(home)
    record = _read_pid_file(home)
    if record is None:
        return False
    pid, _ = record
    if not _is_launcher_process(pid, home):
        _remove_pid_file(home)
        return False
    _kill(pid, timeout)
    _CHILDREN.pop(pid, None)
    _remove_pid_file(home)
    return True


def _main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m smartspec.graph_models.neo4j_server",
        description="Manage the local embedded Neo4j server.",
    )
    parser.add_argument("command", choices=["build", "start", "stop", "status"])
    parser.add_argument("--port", type=int, default=7687)
    parser.add_argument("--home", type=Path, default=None)
    parser.add_argument("--timeout", type=float, default=180)
    args = parser.parse_args(argv)
    try:
        if args.command == "build":
            print(build(force=True, quiet=False))
        elif args.command == "start":
            print(start(port=args.port, home=args.home, timeout=args.timeout))
        elif args.command == "stop":
            print("stopped" if stop(home=args.home) else "not running")
        else:
            info = status(home=args.home)
            print(info if info is not None else "not running")
            return 0 if info is not None else 1
    except Neo4jServerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(_main())
