"""The app served by gunicorn with several workers on 127.0.0.1, as in production, for the
surge test: started, watched and stopped by PID only."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Served:
    def __init__(self, *, database_url: str, instance: Path, environment: dict[str, str]):
        self.port = free_port()
        self.log = instance / "gunicorn.log"
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "surge-test-secret-key-not-for-production",
            "OPENTESTIMONY_BIND": f"127.0.0.1:{self.port}",
            "OPENTESTIMONY_UPLOAD_FOLDER": str(instance / "uploads"),
            "OPENTESTIMONY_SECURE_COOKIES": "0",
            "OPENTESTIMONY_PROXY_HOPS": "1",
            "OPENTESTIMONY_SUBMIT_MIN_SECONDS": "0",
            "OPENTESTIMONY_MAIL_SERVER": "",
            "OPENTESTIMONY_ACCESS_LOG": "-",
            **environment,
        }
        gunicorn = Path(sys.executable).with_name("gunicorn")
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(  # noqa: S603 (our own gunicorn, fixed arguments)
                [str(gunicorn), "-c", str(ROOT / "gunicorn.conf.py"), "wsgi:app"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self._wait_until_healthy()

    def _wait_until_healthy(self, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped:\n{self.log.read_text()[-3000:]}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn never became healthy:\n{self.log.read_text()[-3000:]}")

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def kill_a_worker(self) -> int:
        """SIGKILL one worker, mid-request if it has one: gunicorn starts another."""
        victim = self.workers()[0]
        os.kill(victim, signal.SIGKILL)
        return victim

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
