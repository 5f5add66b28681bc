"""Data sovereignty, enforced: Passeur connects only to the hosts the admin configured.

An audit hook (PEP 578) sees every ``socket.connect`` and ``socket.getaddrinfo``
of the process, including those of third-party libraries, and refuses any
destination that is not a configured host (the Ollama server and
``allowed_hosts``). Unix sockets are local and always allowed.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import sys
import threading
from urllib.parse import urlparse

from . import errors

log = logging.getLogger(__name__)

_lock = threading.Lock()
_installed = False
_enabled = False
_allowed_names: set[str] = set()
_allowed_addrs: set[str] = set()
_blocked: list[tuple[str, object]] = []


class NetworkBlocked(ConnectionRefusedError):
    """Raised inside the offending call; a ConnectionError, so clients fail as if refused."""

    def __init__(self, host: str, port: object) -> None:
        err = errors.network_blocked(host, port)
        super().__init__(err.en)
        self.fr, self.en = err.fr, err.en


def _host_of(entry: str) -> str:
    entry = entry.strip()
    if "://" in entry:
        return urlparse(entry).hostname or ""
    if entry.startswith("["):
        return entry[1:].split("]")[0]
    return entry.rsplit(":", 1)[0] if entry.count(":") == 1 else entry


def allow(hosts: list[str]) -> None:
    """Set the configured hosts (URLs or host names); resolves names once, here."""
    names = {_host_of(entry).lower() for entry in hosts} - {""}
    with _lock:  # names first: resolving them below goes through the hook
        _allowed_names.clear()
        _allowed_names.update(names)
    addrs: set[str] = set()
    for host in names:
        try:
            addrs.add(str(ipaddress.ip_address(host)))
            continue
        except ValueError:
            pass
        try:
            for info in socket.getaddrinfo(host, None):
                addrs.add(str(info[4][0]))
        except OSError:
            log.warning("cannot resolve configured host %s", host)
    with _lock:
        _allowed_addrs.clear()
        _allowed_addrs.update(addrs)


def blocked() -> list[tuple[str, object]]:
    """Connections refused so far (host, port), for tests and diagnostics."""
    return list(_blocked)


def _hook(event: str, args: tuple) -> None:
    if not _enabled:
        return
    if event == "socket.connect":
        sock, address = args[0], args[1]
        if getattr(sock, "family", None) == socket.AF_UNIX or not isinstance(address, tuple):
            return
        host, port = str(address[0]), address[1]
        if host in _allowed_addrs or host.lower() in _allowed_names:
            return
        _blocked.append((host, port))
        raise NetworkBlocked(host, port)
    elif event == "socket.getaddrinfo":
        host = args[0]
        if host is None:
            return
        if isinstance(host, bytes):
            host = host.decode(errors="replace")
        host = str(host).lower()
        if host in _allowed_names or host in _allowed_addrs:
            return
        try:
            ipaddress.ip_address(host)
            return  # a literal address: connect() will be checked
        except ValueError:
            pass
        _blocked.append((host, args[1]))
        raise NetworkBlocked(host, args[1])


def install(hosts: list[str]) -> None:
    """Allow only ``hosts``; installs the audit hook once per process."""
    global _installed, _enabled
    allow(hosts)
    with _lock:
        if not _installed:
            sys.addaudithook(_hook)
            _installed = True
        _enabled = True


def disable() -> None:
    """Stop enforcing (audit hooks cannot be removed); for tests that share a process."""
    global _enabled
    _enabled = False
    _blocked.clear()

def configured_hosts(settings) -> list[str]:
    hosts = [settings.ollama.host, *settings.allowed_hosts]
    return [h for h in hosts if h]
