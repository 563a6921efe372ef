"""Start a throw-away PostgreSQL cluster from the machine's binaries (tests, benchmarks).

PostgreSQL refuses to run as root; as root (CI) the server runs as the ``postgres`` system
user that Debian's package creates.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["postgres_cluster"]


def _binaries() -> Path | None:
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (candidate / "pg_ctl").exists():
            return candidate
    found = shutil.which("pg_ctl")
    return Path(found).parent if found else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def postgres_cluster() -> Iterator[str]:
    """Yield the URL of a fresh PostgreSQL server; stop and remove it afterwards."""
    binaries = _binaries()
    if binaries is None:
        raise RuntimeError("PostgreSQL binaries not found: install the postgresql package")
    root = Path(tempfile.mkdtemp(prefix="wegweiser-pg-"))
    root.chmod(0o755)
    data = root / "data"
    prefix: list[str] = []
    if os.geteuid() == 0:
        account = pwd.getpwnam("postgres")
        os.chown(root, account.pw_uid, account.pw_gid)
        prefix = ["runuser", "-u", "postgres", "--"]
    port = _free_port()
    subprocess.run([*prefix, str(binaries / "initdb"), "-D", str(data), "-A", "trust",
                    "-U", "postgres", "--no-sync"], check=True, capture_output=True)
    options = f"-p {port} -k {root} -h 127.0.0.1 -c fsync=off -c max_connections=200"
    subprocess.run([*prefix, str(binaries / "pg_ctl"), "-D", str(data), "-o", options,
                    "-l", str(root / "log"), "-w", "start"], check=True, capture_output=True)
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*prefix, str(binaries / "pg_ctl"), "-D", str(data), "-m", "fast",
                        "stop"], check=False, capture_output=True)
        shutil.rmtree(root, ignore_errors=True)
