"""Start and stop all sample vendor APIs together."""

from __future__ import annotations

import shlex
import signal
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import TextIO

from .ashby import AshbyApi
from .base import SampleApiServer, SampleApiSettings
from .eventbrite import EventbriteApi
from .greenhouse import GreenhouseApi
from .lever import LeverApi
from .pdl import PdlApi

VENDORS: tuple[str, ...] = ("greenhouse", "lever", "ashby", "eventbrite", "pdl")


@dataclass
class SampleApis:
    """The running servers; ``stop()`` (or leaving the ``with`` block) shuts them all down."""

    settings: SampleApiSettings
    greenhouse: GreenhouseApi
    lever: LeverApi
    ashby: AshbyApi
    eventbrite: EventbriteApi
    pdl: PdlApi

    @property
    def servers(self) -> dict[str, SampleApiServer]:
        return {name: getattr(self, name) for name in VENDORS}

    @property
    def base_urls(self) -> dict[str, str]:
        return {name: server.base_url for name, server in self.servers.items()}

    def env(self) -> dict[str, str]:
        """``<VENDOR>_BASE_URL`` and ``<VENDOR>_API_KEY`` for every vendor; Greenhouse (Harvest
        v3, OAuth) gets its client id/secret, user id and token URL instead of a key."""
        values: dict[str, str] = {}
        for name, server in self.servers.items():
            if name == "greenhouse":
                values.update(self.greenhouse.env())
                continue
            values[f"{name.upper()}_BASE_URL"] = server.base_url
            values[f"{name.upper()}_API_KEY"] = self.settings.api_key
        return values

    def clear_faults(self) -> None:
        for server in self.servers.values():
            server.clear_faults()

    def stop(self) -> None:
        for server in self.servers.values():
            server.stop()

    def __enter__(self) -> SampleApis:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


_CLASSES: dict[str, type[SampleApiServer]] = {
    "greenhouse": GreenhouseApi,
    "lever": LeverApi,
    "ashby": AshbyApi,
    "eventbrite": EventbriteApi,
    "pdl": PdlApi,
}


def start_sample_apis(
    feed_dir: Path,
    settings: SampleApiSettings | None = None,
    host: str = "127.0.0.1",
) -> SampleApis:
    """Load ``feed_dir``'s JSONL feeds and serve every vendor API on its own loopback port."""
    settings = settings or SampleApiSettings()
    started: dict[str, SampleApiServer] = {}
    try:
        for name in VENDORS:
            port = int(getattr(settings, f"{name}_port"))
            started[name] = _CLASSES[name](Path(feed_dir), settings, host, port).start()
    except BaseException:
        for server in started.values():
            server.stop()
        raise
    return SampleApis(settings=settings, **started)  # type: ignore[arg-type]


def serve_forever(
    feed_dir: Path,
    settings: SampleApiSettings | None = None,
    host: str = "127.0.0.1",
    print_env: bool = True,
    out: TextIO | None = None,
    stop_event: threading.Event | None = None,
) -> int:
    """Serve all sample APIs until SIGINT/SIGTERM (or ``stop_event``); print ``export`` lines."""
    out = out or sys.stdout
    stop = stop_event or threading.Event()
    apis = start_sample_apis(feed_dir, settings, host)
    previous: dict[int, object] = {}

    def _on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous[signum] = signal.signal(signum, _on_signal)
    try:
        if print_env:
            for name, value in apis.env().items():
                print(f"export {name}={shlex.quote(value)}", file=out)
            out.flush()
        while not stop.wait(0.5):
            pass
    finally:
        apis.stop()
        for signum, handler in previous.items():
            signal.signal(signum, handler)  # type: ignore[arg-type]
    return 0
