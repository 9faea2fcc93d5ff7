"""Node's built-in module names, as a hard list (no Node process is consulted at run time).

Taken from `require('module').builtinModules` of Node 26.10 and older releases (the `_stream_*`
internals were listed until Node 24), so code written for any supported Node resolves. Names in
`NODE_PREFIX_ONLY` exist only with the `node:` scheme (`node:test`, `node:sqlite`, ...).
Bun's `bun:*` modules and the bare `bun` module are treated as builtins as well.
A test compares this list with the Node 26 binary's own list.
"""
from __future__ import annotations

NODE_BUILTINS: frozenset[str] = frozenset(
    """
    _http_agent _http_client _http_common _http_incoming _http_outgoing _http_server
    _stream_duplex _stream_passthrough _stream_readable _stream_transform _stream_wrap
    _stream_writable _tls_common _tls_wrap assert assert/strict async_hooks buffer child_process
    cluster console constants crypto dgram diagnostics_channel dns dns/promises domain events fs
    fs/promises http http2 https inspector inspector/promises module net os path path/posix
    path/win32 perf_hooks process punycode querystring readline readline/promises repl stream
    stream/consumers stream/promises stream/web string_decoder sys timers timers/promises tls
    trace_events tty url util util/types v8 vm wasi worker_threads zlib
    """.split()
)

NODE_PREFIX_ONLY: frozenset[str] = frozenset({"ffi", "sea", "sqlite", "test", "test/reporters", "quic"})


def builtin_name(specifier: str) -> str | None:
    """The canonical builtin this specifier names, '' for an unknown `node:` name, else None."""
    if specifier.startswith("node:"):
        name = specifier[5:]
        if name in NODE_BUILTINS or name in NODE_PREFIX_ONLY:
            return specifier
        return ""
    if specifier in NODE_BUILTINS:
        return specifier
    if specifier == "bun" or specifier.startswith("bun:"):
        return specifier
    return None
