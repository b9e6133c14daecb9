"""The production stack on loopback, for load tests and drills: a fresh PostgreSQL database, the README's
"Running it for real" steps with production settings, gunicorn and task workers, all torn down afterwards.

    from bench.stack import production_stack

    with production_stack(web_workers=2, threads=4, task_queues=("default", "imports")) as stack:  # defaults
        stack.base_url          # http://127.0.0.1:<port>
        stack.database_url      # postgres://postgres@127.0.0.1:5432/whatmatters_bench_<pid>
        stack.gunicorn.pid      # the gunicorn master; stack.task_workers[i].pid for each db_worker
        stack.task_workers[i].queue  # the queue that worker takes ("default", "imports"; "*": every queue)
        stack.headers()         # what the proxy in front would add (X-Forwarded-Proto: https, ...)

Everything listens on 127.0.0.1 only. Settings are the production ones (WHATMATTERS_ENV=production, DEBUG
off, HTTPS redirect, secure cookies, HSTS) with throwaway secrets. The stack plays the HTTPS proxy the README
puts in front: a client sends `X-Forwarded-Proto: https` (and its own `X-Forwarded-For`) as nginx would,
and must send secure cookies back over plain HTTP on loopback (`secure_cookie_jar` here does that for
requests).

Three settings differ from a real service, each for a reason: two-factor sign-in is not required (the load
test signs in as the demo's faculty and admin accounts, which have no authenticator app), the demo data is
loaded (`demo --allow-production`), and email goes to a small SMTP sink in this process (counted in
`stack.emails`) instead of a real mail server, so the workers' email tasks succeed as they would in a trust.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = "postgres://postgres@127.0.0.1:5432"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _SmtpHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for Django's SMTP backend without TLS: accepts every message and counts it."""

    def handle(self) -> None:
        self.wfile.write(b"220 bench sink\r\n")
        while line := self.rfile.readline():
            command = line.strip().upper()
            if command.startswith((b"EHLO", b"HELO")):
                self.wfile.write(b"250 bench sink\r\n")
            elif command == b"DATA":
                self.wfile.write(b"354 go ahead\r\n")
                while (body := self.rfile.readline()) and body not in (b".\r\n", b".\n"):
                    pass
                self.server.messages += 1  # type: ignore[attr-defined]
                self.wfile.write(b"250 queued\r\n")
            elif command == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:  # MAIL FROM, RCPT TO, RSET, NOOP
                self.wfile.write(b"250 ok\r\n")


class SmtpSink(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _SmtpHandler)
        self.messages = 0
        self.port = self.server_address[1]
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


@dataclass
class Stack:
    base_url: str
    database_url: str
    database_name: str
    env: dict[str, str]
    workdir: Path
    gunicorn: subprocess.Popen
    task_workers: list[subprocess.Popen] = field(default_factory=list)  # each has .queue
    smtp: SmtpSink | None = None
    worker_nice: int = 10

    @property
    def host(self) -> str:
        return self.base_url.removeprefix("http://")

    @property
    def pids(self) -> dict[str, list[int]]:
        return {"gunicorn": [self.gunicorn.pid], "task_workers": [p.pid for p in self.task_workers]}

    @property
    def emails(self) -> int:
        return self.smtp.messages if self.smtp else 0

    def headers(self, client_address: str = "198.51.100.1") -> dict[str, str]:
        """What the HTTPS proxy in front adds, and the Referer a browser on the HTTPS site sends (Django's
        CSRF check wants one on secure requests)."""
        return {
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": client_address,
            "Referer": f"https://{self.host}/",
        }

    def manage(self, *args: str, check: bool = True, **kwargs) -> subprocess.CompletedProcess:
        """Runs `whatmatters <args>` with the stack's settings."""
        return subprocess.run(
            [sys.executable, "-m", "whatmatters", *args],
            cwd=ROOT,
            env=self.env,
            check=check,
            capture_output=True,
            text=True,
            **kwargs,
        )

    def start_task_worker(self, queue: str = "*") -> subprocess.Popen:
        """A `db_worker` for `queue` ("default", "imports", or "*" for every queue), at the lower CPU priority
        the README advises (`nice -n 10`) when `worker_nice`."""
        nice = ["nice", "-n", str(self.worker_nice)] if self.worker_nice else []
        worker = _spawn(
            [
                *nice,
                sys.executable,
                "-m",
                "whatmatters",
                "db_worker",
                "--queue-name",
                queue,
                "--no-startup-delay",
                "--interval",
                "0.5",
            ],
            self.env,
            self.workdir / f"worker-{len(self.task_workers) + 1}-{queue.strip('*') or 'all'}.log",
        )
        worker.queue = queue  # type: ignore[attr-defined]
        self.task_workers.append(worker)
        return worker


def secure_cookie_jar(jar=None) -> None:  # noqa: ARG001 - kept for callers that pass their jar
    """Lets requests (and so locust's HttpUser) send back `Secure` cookies over plain HTTP: the stack stands
    in for the HTTPS proxy on loopback, so the client is on HTTPS as far as the service knows. requests
    copies cookies into a fresh jar for every request, so a policy set on one jar is lost: this changes the
    standard policy for the whole process, which is why only a load-test or drill process should call it."""
    import http.cookiejar

    http.cookiejar.DefaultCookiePolicy.return_ok_secure = lambda self, cookie, request: True


def _spawn(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    out = log.open("ab")
    # Its own process group: stopping it stops the children it started (gunicorn's workers), nothing else.
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
    )


def _stop(process: subprocess.Popen, timeout: float = 20) -> None:
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(5)


def _admin_sql(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as connection:
        connection.execute(sql)


def wait_until_ready(base_url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    request = urllib.request.Request(f"{base_url}/health/", headers={"X-Forwarded-Proto": "https"})
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped at start (exit {process.returncode}): see its log")
        try:
            with urllib.request.urlopen(request, timeout=2) as response:  # loopback only
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    raise RuntimeError(f"gunicorn did not answer {base_url}/health/ within {timeout:.0f} s")


@contextlib.contextmanager
def production_stack(
    *,
    web_workers: int = 2,
    threads: int = 4,
    task_queues: tuple[str, ...] = ("default", "imports"),
    worker_nice: int = 10,
    demo: bool = True,
    database_name: str | None = None,
    extra_env: dict[str, str] | None = None,
    keep: bool = False,
    progress=print,
) -> Iterator[Stack]:
    """Starts the stack, yields a Stack, and on leaving stops every process it started and drops the database
    (unless keep=True, for looking at it afterwards: the database and the work folder stay).

    gunicorn runs `web_workers` processes; with `threads` above 1 each is a `gthread` worker with that many
    threads (a slow request, a PDF download or a big upload, then holds a thread, not the whole process).
    One task worker runs for each of `task_queues`, as the README says: `default` (emails, reports, survey
    refreshes) and `imports` (waiting-list extracts, minutes each); "*" is a worker for every queue. Task
    workers run at `nice -n worker_nice`, as the README advises for a machine that also serves pages (0: same
    priority)."""
    name = database_name or f"whatmatters_bench_{os.getpid()}"
    if not name.replace("_", "").isalnum():
        raise ValueError(f"database name {name!r}: letters, digits and underscores only")
    workdir = Path(tempfile.mkdtemp(prefix="whatmatters-stack-"))
    port = free_port()
    smtp = SmtpSink()
    database_url = f"{PG_SERVER}/{name}"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("WHATMATTERS_", "DJANGO_"))},
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "whatmatters.settings",
        "DATABASE_URL": database_url,
        "WHATMATTERS_ENV": "production",
        "WHATMATTERS_DEBUG": "false",
        "WHATMATTERS_SECRET_KEY": secrets.token_urlsafe(64),
        "WHATMATTERS_PSEUDONYM_KEY": secrets.token_urlsafe(24),
        "WHATMATTERS_ALLOWED_HOSTS": "127.0.0.1",
        "WHATMATTERS_BEHIND_PROXY": "true",
        "WHATMATTERS_BASE_URL": f"http://127.0.0.1:{port}",
        "WHATMATTERS_DATA_DIR": str(workdir / "data"),
        "WHATMATTERS_STATIC_ROOT": str(workdir / "static"),
        "WHATMATTERS_REQUIRE_2FA_FOR": "none",
        "WHATMATTERS_EMAIL_HOST": "127.0.0.1",
        "WHATMATTERS_EMAIL_PORT": str(smtp.port),
        "WHATMATTERS_EMAIL_TLS": "false",
        "WHATMATTERS_LOG_LEVEL": "WARNING",
        **(extra_env or {}),
    }
    processes: list[subprocess.Popen] = []
    stack: Stack | None = None
    created = False
    try:
        _admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _admin_sql(f'CREATE DATABASE "{name}"')
        created = True
        stack = Stack(
            base_url=f"http://127.0.0.1:{port}",
            database_url=database_url,
            database_name=name,
            env=env,
            workdir=workdir,
            gunicorn=None,  # type: ignore[arg-type]
            smtp=smtp,
            worker_nice=worker_nice,
        )
        started = time.monotonic()
        progress(f"stack: database {name}: migrate")
        stack.manage("migrate", "--noinput", "--verbosity", "0")
        if demo:
            progress("stack: demo data")
            stack.manage("demo", "--allow-production")
        progress("stack: collectstatic")
        stack.manage("collectstatic", "--noinput", "--verbosity", "0")
        stack.gunicorn = _spawn(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "whatmatters.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(web_workers),
                *(["--worker-class", "gthread", "--threads", str(threads)] if threads > 1 else []),
                # The load test plays the proxy, and its connection pool never closes an idle connection
                # itself: with gunicorn's 2 s keep-alive, a request sent on a connection just as gunicorn
                # closes it gets no answer (4 in 12,316 in the full run of 4 December 2026). nginx talks
                # HTTP/1.0 to gunicorn by default (a connection per request); this does the same.
                "--keep-alive",
                "0",
                "--graceful-timeout",
                "10",
            ],
            env,
            workdir / "gunicorn.log",
        )
        processes.append(stack.gunicorn)
        for queue in task_queues:
            processes.append(stack.start_task_worker(queue))
        wait_until_ready(stack.base_url, stack.gunicorn)
        progress(
            f"stack: ready at {stack.base_url} in {time.monotonic() - started:.0f} s (logs in {workdir})"
        )
        yield stack
    finally:
        for process in [*(stack.task_workers if stack else []), *processes]:
            _stop(process)
        smtp.stop()
        if created and not keep:
            with contextlib.suppress(Exception):
                _admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not keep:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    # A quick look: start the stack, show where it is, stop it on Ctrl-C or SIGTERM.
    def _interrupt(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _interrupt)
    with production_stack() as running:
        print(running.base_url, running.database_url, running.pids)
        with contextlib.suppress(KeyboardInterrupt):
            while running.gunicorn.poll() is None:
                time.sleep(1)
