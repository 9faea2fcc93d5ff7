"""The language server: `tla-lens serve` (stdio, or --tcp PORT for debugging).

The only module that knows pygls and lsprotocol. Handlers are thin: they translate LSP to calls
on the live :class:`tla_lens.project.Project` (which holds the graph and the verdicts), the rules
(findings) and the fixes (text edits), and byte offsets to LSP positions at the edge.

All project work happens on the event loop's thread, so there are no locks: the start-up index
runs as a task that loads files in small batches and yields between them, so requests and edits
are served while it runs. Open files come first.
"""
from __future__ import annotations

import asyncio
import gc
import hashlib
import json
import logging
import os
import time
import traceback
import uuid
from pathlib import Path
from typing import Any, Callable, Optional
from urllib.parse import quote, unquote

from lsprotocol import types as T
from pygls.lsp.server import LanguageServer
from pygls.exceptions import JsonRpcException, JsonRpcInvalidRequest
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method
from pygls.uris import from_fs_path, to_fs_path

from .. import __version__
from ..config import Config, find_config, from_dict, load_file, to_dict
from ..problems import Problem
from ..project import Change, Project
from ..project.cache import FactsCache
from ..project.graph import EdgeKind, Module
from ..resolve.virtual import is_virtual
from ..resolve.resolver import located_in
from ..rules import WASM_WHY, Finding, display, docs_url, external_request, is_external, is_synthetic, is_wasm, synthetic_why
from ..syntax import dialect_for_path
from ..syntax import sfc
from ..syntax.facts import Dialect, Span, StaticImport
from ..text import Encoding
from .actions import CMD_SHOW_DOCS
from .config_diagnostics import diagnostics_by_file
from .documents import Document

log = logging.getLogger("tla_lens.lsp")

SEVERITY = {
    "error": T.DiagnosticSeverity.Error,
    "warning": T.DiagnosticSeverity.Warning,
    "information": T.DiagnosticSeverity.Information,
    "hint": T.DiagnosticSeverity.Hint,
}
EDITOR_KEYS = ("codeLens", "inlayHints", "trace", "interpreter", "server")
WATCH_GLOBS = ("**/*.{js,mjs,cjs,jsx,ts,mts,cts,tsx,vue,svelte,astro,mdx}", "**/package.json", "**/tsconfig*.json",
               "**/jsconfig.json", "**/.gitignore", "**/tla-lens.json", "**/index.html", "**/.pnp.data.json",
               "**/deno.json", "**/deno.jsonc", "**/deno.lock", "**/tsup.config.json", "**/babel.config.json",
               "**/.babelrc", "**/.babelrc.json", "**/jest.config.json", "**/project.json", "**/nx.json",
               "**/angular.json", "**/.swcrc", "**/tsdown.config.json", "**/jest-preset.json",
               "**/bunfig.toml", "**/nest-cli.json", "**/.nest-cli.json",
               "**/build.config.json", "**/cdk.json", "**/template.yaml", "**/template.yml",
               "**/template.json", "**/samconfig.toml", "**/samconfig.yaml", "**/samconfig.yml",
               "**/serverless.yml", "**/serverless.yaml", "**/serverless.json")
INDEX_JOBS = min(os.cpu_count() or 1, 8)
# files loaded between two turns of the event loop: at least 20 progress reports, and with
# several cores large workspaces go in batches big enough for the worker processes to share
# (Project hands a load of 200 files or more to them, chunk by chunk)
INDEX_BATCH = 64
INDEX_BATCH_MAX = 64 if INDEX_JOBS <= 1 else 400
INDEX_PAUSE = 0.005  # seconds between batches, for the reader thread
CMD_SHOW_CHAIN = "tla-lens.showChain"
# the file names WATCH_GLOBS cover whatever folder they are in
WATCHED_NAMES = frozenset(g[3:] for g in WATCH_GLOBS if not any(c in g[3:] for c in "*{"))
# Files the editor cannot open by a file: URI (inside a zip archive of Yarn's cache, in Deno's
# HTTP cache: resolve/virtual.py): named by this scheme for a client that says it can ask for them
# (experimental capability "tlaLensCachedFiles"), their text served by CACHED_FILE_REQUEST.
CACHED_SCHEME = "tla-lens-cached"
CACHED_FILE_REQUEST = "tla-lens/cachedFile"


def _encoding(kind: Any) -> Encoding:
    value = getattr(kind, "value", kind)
    return {"utf-8": "utf-8", "utf-32": "utf-32"}.get(str(value), "utf-16")


class TlaLensProtocol(LanguageServerProtocol):
    """pygls's protocol without its own copy of the open documents.

    pygls's built-in didOpen/didChange/didClose keep a text copy that splits lines on U+2028
    and other characters LSP does not treat as line breaks, and while converting a change's
    range it *clamps the Position objects in place* (to its shorter lines) before our handler
    sees them: an edit after a U+2028 would land in the wrong place. It also raises (an
    internal error) on a didChange for a document that was never opened. Our
    :class:`Document` is the only copy, so these notifications just go to our handlers."""

    def structure_message(self, data: dict[str, Any]):
        """A request that cannot be read (e.g. no ``params`` on a custom method) still gets an
        error response: without one the client would wait for it forever."""
        if isinstance(data, dict) and "jsonrpc" in data and "method" in data \
                and "params" not in data:
            data = {**data, "params": None}  # JSON-RPC allows omitting params
        try:
            return super().structure_message(data)
        except Exception as error:
            if isinstance(data, dict) and "id" in data and "method" in data:
                response = error.to_response_error() if isinstance(error, JsonRpcException) \
                    else JsonRpcInvalidRequest().to_response_error()
                try:
                    self._send_response(data["id"], None, response)
                except Exception:
                    pass
            raise

    def _user(self, method: str, params: Any):
        if (handler := self.fm.features.get(method)) is not None:
            yield handler, (params,), None

    @lsp_method(T.INITIALIZE)
    def lsp_initialize(self, params: T.InitializeParams):
        """pygls says every server handles several workspace folders and their changes; this
        one analyses one folder (the first): say so, so that a client starts one per folder."""
        result = yield from super().lsp_initialize(params)
        workspace = result.capabilities.workspace
        if workspace is not None:
            workspace.workspace_folders = T.WorkspaceFoldersServerCapabilities(
                supported=False, change_notifications=False)
        return result

    @lsp_method(T.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: T.DidOpenTextDocumentParams):
        yield from self._user(T.TEXT_DOCUMENT_DID_OPEN, params)

    @lsp_method(T.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: T.DidChangeTextDocumentParams):
        yield from self._user(T.TEXT_DOCUMENT_DID_CHANGE, params)

    @lsp_method(T.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: T.DidCloseTextDocumentParams):
        yield from self._user(T.TEXT_DOCUMENT_DID_CLOSE, params)


class TlaLensServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("tla-lens", __version__, protocol_cls=TlaLensProtocol,
                         text_document_sync_kind=T.TextDocumentSyncKind.Incremental)
        self.project: Optional[Project] = None
        self.docs: dict[Path, Document] = {}
        self.uri_of: dict[Path, str] = {}
        self.settings: dict[str, Any] = {}
        self.init_options: dict[str, Any] = {}
        self.file_config: Optional[Config] = None
        self.pull = False
        self.refresh_support = False
        self.dynamic_watch = False  # the client took our file watchers (dynamic registration)
        self.cached_files = False  # the client reads virtual files by CACHED_FILE_REQUEST
        self.watched_maps: set[str] = set()  # names of import map files watched (see watch_import_maps)
        self.published: dict[str, str] = {}  # uri -> digest of what the client has (push mode)
        self.index_task: Optional[asyncio.Task] = None
        self.index_cancelled = False
        self.indexed = False
        self.progress_token: Optional[str] = None
        self.config_problems: list[Problem] = []
        self.diag_cache: dict[Path, tuple] = {}
        # configuration problems as diagnostics on their files: (key, by file, generation)
        self.config_diags: tuple = ((), {}, 0)
        self.config_pushed: set[Path] = set()  # config files given diagnostics (push mode)
        self.config_refreshed = 0  # the generation the client was last told to pull (pull mode)
        # (pull mode) files whose last report to the client had problems: a file deleted since
        # still needs an empty report, even where the client does not name it
        self.pulled_with_problems: set[str] = set()
        self.facts_cache: Optional[FactsCache] = None  # the persistent facts cache

    # -- errors never pop up -----------------------------------------------------------------
    def report_server_error(self, error: Exception, source: Any) -> None:  # pygls hook
        try:
            self.log(f"internal error ({type(error).__name__}): {error}\n"
                     + "".join(traceback.format_exception(error)), T.MessageType.Error)
        except Exception:  # never let logging take the server down
            pass

    def log(self, message: str, kind: T.MessageType = T.MessageType.Log) -> None:
        try:
            self.window_log_message(T.LogMessageParams(type=kind, message=message))
        except Exception:
            pass

    @property
    def tracing(self) -> bool:
        """Per-edit timings go to the log only when the client traces the server
        (`trace` in initialize, or $/setTrace: "messages" or "verbose")."""
        trace = getattr(self.protocol, "trace", None)
        return trace is not None and getattr(trace, "value", trace) != "off"

    # -- positions ---------------------------------------------------------------------------
    @property
    def encoding(self) -> Encoding:
        try:
            return _encoding(self.workspace.position_encoding)
        except Exception:
            return "utf-16"

    def path_of(self, uri: str) -> Optional[Path]:
        if uri.startswith(CACHED_SCHEME + ":"):
            p = unquote(uri[len(CACHED_SCHEME) + 1:])
            p = "/" + p.lstrip("/") if p.startswith("//") else p
            return Path(os.path.normpath(p)) if os.path.isabs(p) else None
        try:
            fs = to_fs_path(uri)
        except Exception:
            return None
        if not fs:
            return None
        p = Path(fs)
        try:
            return p.resolve()
        except (OSError, RuntimeError):
            return p

    def uri(self, path: Path) -> str:
        hit = self.uri_of.get(path)
        if hit is not None:
            return hit
        where = located_in(path)
        if where is not path:
            return self.uri(where)  # (an async webpack external: its key in the configuration)
        if self.cached_files and is_virtual(str(path)):
            return f"{CACHED_SCHEME}:{quote(path.as_posix())}"
        return from_fs_path(str(path)) or path.as_uri()

    def lines_of(self, path: Path):
        doc = self.docs.get(path)
        if doc is not None:
            return doc.lines
        assert self.project is not None
        return self.project.modules[path].lines

    def range(self, path: Path, span: Span) -> T.Range:
        lines = self.lines_of(path)
        l1, c1 = lines.position(span.start, self.encoding)
        l2, c2 = lines.position(span.end, self.encoding)
        return T.Range(T.Position(l1, c1), T.Position(l2, c2))

    def offset(self, path: Path, pos: T.Position) -> int:
        return self.lines_of(path).offset(pos.line, pos.character, self.encoding)

    # -- settings ----------------------------------------------------------------------------
    def effective_config(self) -> Config:
        """tla-lens.json (or package.json "tlaLens"), overridden by initializationOptions, then
        by the editor's `tlaLens` settings: only the keys they set."""
        merged = to_dict(self.file_config) if self.file_config else {}
        for source in (self.init_options, self.settings):
            for k, v in (source or {}).items():
                if k in EDITOR_KEYS or v is None:
                    continue
                if k == "severity" and isinstance(v, dict):
                    merged["severity"] = {**merged.get("severity", {}), **v}
                else:
                    merged[k] = v
        cfg, problems = from_dict(merged, self.file_config.source if self.file_config else None)
        # the file's own values were checked when it was read: these come from the editor
        self.config_problems += [Problem(None, f"editor settings (tlaLens): {p.message}", severity=p.severity)
                                 for p in problems]
        return cfg

    def editor_flag(self, key: str, default: bool = True) -> bool:
        for source in (self.settings, self.init_options):
            if isinstance(source, dict) and key in source and isinstance(source[key], bool):
                return source[key]
        return default

    def read_file_config(self, root: Path) -> None:
        self.config_problems = []
        path = find_config(root)
        if path is None:
            self.file_config = None
            return
        self.file_config, problems = load_file(path)
        self.config_problems += problems

    # -- diagnostics -------------------------------------------------------------------------
    def diagnostics_for(self, path: Path) -> list[T.Diagnostic]:
        return self.diagnostic_report(path)[0]

    def config_diagnostics(self) -> dict[Path, list[T.Diagnostic]]:
        """Problems of the workspace's configuration files (tla-lens.json, package.json,
        tsconfig/jsconfig) as diagnostics by file; built again only when they change."""
        project = self.project
        problems = tuple(self.config_problems) + (tuple(project.resolver.problems) if project else ())
        key = (problems, self.encoding, project.root if project else None)
        old_key, by_file, gen = self.config_diags
        if key != old_key:
            by_file = diagnostics_by_file(problems, project.root, self.encoding) if project else {}
            self.config_diags = (key, by_file, gen + 1)
        return by_file

    def diagnostic_report(self, path: Path) -> tuple[list[T.Diagnostic], str]:
        """(diagnostics, result id) of a file, cached until anything in the project changes
        (VS Code polls workspace/diagnostic every few seconds)."""
        project = self.project
        config = self.config_diagnostics().get(path, [])
        if project is None or (path not in project.modules and not config):
            return [], _result_id([])
        key = (id(project), project.generation, self.encoding, self.config_diags[2])
        hit = self.diag_cache.get(path)
        if hit is not None and hit[0] == key:
            return hit[1], hit[2]
        diags = config + [self.to_diagnostic(f) for f in project.findings_for(path)] \
            if path in project.modules else list(config)
        rid = _result_id(diags)
        self.diag_cache[path] = (key, diags, rid)
        return diags, rid

    def to_diagnostic(self, f: Finding) -> T.Diagnostic:
        related = []
        for r in f.related:
            if self.project is None or r.path not in self.project.modules:
                continue
            related.append(T.DiagnosticRelatedInformation(
                location=T.Location(self.uri(r.path), self.range(r.path, r.span)), message=r.message))
        return T.Diagnostic(
            range=self.range(f.path, f.span), message=f.message, severity=SEVERITY[f.severity],
            code=f.code, code_description=T.CodeDescription(href=docs_url(f.code)),
            source="tla-lens", related_information=related or None,
            data={"code": f.code, "target": str(f.target) if f.target else None})

    def publish(self, paths) -> None:
        """Push mode: send the diagnostics of ``paths`` that changed since the last push
        (nothing before the workspace's files are known: an early empty list would flash)."""
        if self.pull or self.project is None or not self.project.discovered:
            return
        for path in paths:
            uri = self.uri(path)
            try:
                diags, digest = self.diagnostic_report(path)
            except Exception as e:  # one bad file must not keep the others' squiggles stale
                self.report_server_error(e, None)
                continue
            if self.published.get(uri) == digest:
                continue
            self.published[uri] = digest
            doc = self.docs.get(path)
            self.text_document_publish_diagnostics(T.PublishDiagnosticsParams(
                uri=uri, diagnostics=diags, version=doc.version if doc else None))

    def converter_dump(self, obj: Any) -> Any:
        return self.protocol._converter.unstructure(obj)

    def note_pulled(self, uri: str, diags: list, workspace: bool) -> None:
        """Remember which files a pull client was told have problems, until a workspace report
        tells it they have none (VS Code drops the document report of a file that is not
        visible, such as the last one it asks for when the file is closed)."""
        if diags:
            self.pulled_with_problems.add(uri)
        elif workspace:
            self.pulled_with_problems.discard(uri)

    def after_change(self, change: Change) -> None:
        """Keep every client view in step with the project."""
        if change.graph or change.moved:
            targets = set(self.docs)
        else:
            targets = {p for p in change.files if p in self.docs}
        config = self.config_diagnostics()
        if self.pull:
            gen = self.config_diags[2]
            if (change.graph or change.moved or gen != self.config_refreshed) and self.refresh_support:
                self.config_refreshed = gen
                try:
                    self.workspace_diagnostic_refresh(None)
                except Exception as e:
                    self.log(f"diagnostic refresh failed: {e}")
        else:
            # configuration files: those with problems now, and those whose problems went away
            targets |= set(config) | self.config_pushed
            self.publish(sorted(targets))
            if self.project is not None and self.project.discovered:
                self.config_pushed = set(config)
        if self.project is not None:
            self.watch_import_maps()
        if change.graph:
            for refresh in (self.workspace_code_lens_refresh, self.workspace_inlay_hint_refresh):
                try:
                    if self._client_supports_refresh(refresh.__name__):
                        refresh(None)
                except Exception:
                    pass

    def watch_import_maps(self) -> None:
        """Have the client watch the import map files deno.json files name (``"importMap":
        "./import_map.json"``: any JSON file, which the static globs do not cover) and the HTML
        pages with an import map other than index.html, and the JSON files a build or test run
        reads that no static glob names (a Jest preset file of the project's): one more
        registration for each new name (a name once watched stays watched: events for other
        files of that name are told apart by the project)."""
        if not self.dynamic_watch or self.project is None:  # (after every change: at once)
            return
        files = set(map(str, self.project.resolver.import_map_files()))
        # (and the data files builds and test runs read beyond the named ones: a Jest preset's)
        files |= {str(p) for p in self.project.build_scripts if dialect_for_path(p) is None}
        names = {os.path.basename(p) for p in files} - self.watched_maps - WATCHED_NAMES if files else None
        if not names:
            return
        self.watched_maps |= names
        globs = [f"**/{n}" for n in sorted(names)]

        async def register() -> None:
            try:
                await self.client_register_capability_async(T.RegistrationParams(registrations=[
                    T.Registration(id=str(uuid.uuid4()), method=T.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                                   register_options=T.DidChangeWatchedFilesRegistrationOptions(
                                       watchers=[T.FileSystemWatcher(glob_pattern=g) for g in globs]))]))
                self.log(f"watching import maps and build data: {', '.join(globs)}")
            except Exception as e:
                self.log(f"could not register file watchers for import maps and build data: {e}",
                         T.MessageType.Warning)

        asyncio.ensure_future(register())

    def _client_supports_refresh(self, name: str) -> bool:
        caps = self.client_capabilities.workspace if self.client_capabilities else None
        if caps is None:
            return False
        if "code_lens" in name:
            return bool(caps.code_lens and caps.code_lens.refresh_support)
        if "inlay_hint" in name:
            return bool(caps.inlay_hint and caps.inlay_hint.refresh_support)
        return False

    @property
    def client_capabilities(self) -> Optional[T.ClientCapabilities]:
        return getattr(self.protocol, "client_capabilities", None)

    # -- project lifecycle -------------------------------------------------------------------
    def root_path(self, params: T.InitializeParams) -> Path:
        folders = params.workspace_folders or []
        for candidate in ([f.uri for f in folders] + [params.root_uri or ""]):
            if candidate:
                p = self.path_of(candidate)
                if p is not None:
                    return p
        if params.root_path:
            return Path(params.root_path).resolve()
        return Path.cwd()

    def new_project(self, root: Path) -> Project:
        # Facts of many files are extracted on all cores while indexing. "spawn": this
        # process has threads (pygls reads stdin on one), which a forked child must not inherit.
        return Project(root, self.effective_config(), cache=self.facts_cache,
                       jobs=INDEX_JOBS, start_method="spawn")

    async def start_index(self) -> None:
        assert self.project is not None
        project = self.project
        self.index_cancelled = False
        token = None
        caps = self.client_capabilities
        if caps and caps.window and caps.window.work_done_progress:
            token = str(uuid.uuid4())
            try:
                await self.work_done_progress.create_async(token)
                self.work_done_progress.begin(token, T.WorkDoneProgressBegin(
                    title="tla-lens", message="Finding files", cancellable=True, percentage=0))
                self.progress_token = token
            except Exception as e:
                self.log(f"no progress: {e}")
                token = None
        started = time.perf_counter()
        try:
            files = project.discover()
            await asyncio.sleep(0)
            # open files first: their forward closure is what their diagnostics need
            first = list(self.docs)
            if first:
                for path in first:
                    project.overlays[path] = self.docs[path].data
                project.load(first)
                change = Change(graph=True, verdicts=project.recompute())
                self.after_change(change)
            todo = [p for p in files if p not in project.modules]
            total = len(files)
            done = total - len(todo)
            step = max(INDEX_BATCH, min(INDEX_BATCH_MAX, len(todo) // 20))
            for i in range(0, len(todo), step):
                if project is not self.project:
                    return  # restarted with new settings: a newer index runs
                if self.index_cancelled or (token and self._progress_cancelled(token)):
                    self.index_cancelled = True
                    self.log("indexing cancelled: verdicts cover the files indexed so far",
                             T.MessageType.Info)
                    break
                batch = todo[i:i + step]
                project.load(batch)
                done += len(batch)
                if token:
                    self.work_done_progress.report(token, T.WorkDoneProgressReport(
                        message=f"Indexing {done:,}/{total:,} files",
                        percentage=int(100 * done / max(total, 1))))
                # a real pause, not sleep(0): pygls reads stdin on a worker thread, one
                # header line / body per hop, and the hops need the GIL this loop holds;
                # without it requests (and the cancel) wait until the whole index is done
                await asyncio.sleep(INDEX_PAUSE)
            change = Change(graph=True, verdicts=project.recompute())
            # the graph lives as long as the server: move it out of the cyclic collector's
            # reach, so that collections while typing do not traverse it again and again
            gc.collect()
            gc.freeze()
            self.indexed = True
            self.after_change(change)
            n_async = sum(1 for m in project.modules.values() if m.is_async)
            self.log(f"indexed {len(project.modules):,} modules ({n_async:,} async) in "
                     f"{(time.perf_counter() - started) * 1000:.0f} ms", T.MessageType.Info)
            for p in project.problems:
                if p.severity != "information":
                    self.log(f"{p}", T.MessageType.Warning)
        finally:
            project.close_workers()  # started again only for another large load
            if token:
                try:
                    self.work_done_progress.end(token, T.WorkDoneProgressEnd(
                        message="Indexing cancelled" if self.index_cancelled else "Indexed"))
                except Exception:
                    pass
            self.progress_token = None

    def _progress_cancelled(self, token: str) -> bool:
        fut = self.work_done_progress.tokens.get(token)
        return bool(fut is not None and fut.cancelled())

    def restart_project(self) -> None:
        assert self.project is not None
        root = self.project.root
        self.read_file_config(root)
        self.project = self.new_project(root)
        for p in self.config_problems:
            self.log(str(p), T.MessageType.Warning)
        self.schedule_index()

    def schedule_index(self) -> None:
        self.index_task = asyncio.ensure_future(self._guarded(self.start_index))

    async def _guarded(self, fn: Callable) -> None:
        try:
            await fn()
        except Exception as e:
            self.report_server_error(e, None)

    def ensure_loaded(self, path: Path) -> Change:
        """A document was opened or changed: make its module current."""
        assert self.project is not None
        doc = self.docs.get(path)
        started = time.perf_counter()
        if doc is None:
            change = self.project.set_overlay(path, None)
        else:
            change = self.project.set_overlay(path, doc.data, doc.take_edits())
        elapsed = (time.perf_counter() - started) * 1000
        if self.tracing:
            self.log(f"tla-lens: update {path.name} took {elapsed:.2f} ms "
                     f"({'graph changed' if change.graph else 'no graph change'})")
        return change

    # -- queries -----------------------------------------------------------------------------
    def module_at(self, uri: str) -> Optional[Module]:
        path = self.path_of(uri)
        if path is None or self.project is None:
            return None
        return self.project.modules.get(path)


server = TlaLensServer()


def _safe(fn):
    """Handlers log their exceptions instead of failing the request with a popup."""
    import functools
    import inspect

    if inspect.iscoroutinefunction(fn):
        @functools.wraps(fn)
        async def awrapper(*args, **kwargs):
            try:
                return await fn(*args, **kwargs)
            except Exception as e:
                server.report_server_error(e, None)
                return None
        return awrapper

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except Exception as e:
            server.report_server_error(e, None)
            return None
    return wrapper


# == lifecycle ===================================================================================
@server.feature(T.INITIALIZE)
@_safe
def initialize(ls: TlaLensServer, params: T.InitializeParams) -> None:
    caps = params.capabilities
    if params.trace is not None:
        ls.protocol.trace = params.trace
    ls.refresh_support = bool(caps.workspace and caps.workspace.diagnostics
                              and caps.workspace.diagnostics.refresh_support)
    # Pull only when the client can also be told to pull again (workspace/diagnostic/refresh):
    # other files' edits change this file's diagnostics, and indexing finishes after its first
    # pull. A client that pulls without refresh support (Neovim 0.11) gets pushed diagnostics.
    ls.pull = bool(caps.text_document and caps.text_document.diagnostic) and ls.refresh_support
    experimental = caps.experimental if caps is not None else None
    ls.cached_files = isinstance(experimental, dict) and experimental.get("tlaLensCachedFiles") is True
    opts = params.initialization_options
    if isinstance(opts, dict):
        section = opts.get("tlaLens", opts)  # {"tlaLens": {...}} or the settings themselves
        ls.init_options = section if isinstance(section, dict) else {}
    root = ls.root_path(params)
    folders = params.workspace_folders or []
    if len(folders) > 1:
        ls.log(f"tla-lens analyses one folder per server, {root}; the other workspace folders "
               f"({', '.join(f.name for f in folders[1:])}) need a server each", T.MessageType.Warning)
    ls.read_file_config(root)
    ls.facts_cache = FactsCache(root)
    if ls.facts_cache.problem:
        ls.log(ls.facts_cache.problem, T.MessageType.Warning)
    ls.project = ls.new_project(root)


@server.feature(T.INITIALIZED)
@_safe
async def initialized(ls: TlaLensServer, params: T.InitializedParams) -> None:
    caps = ls.client_capabilities
    if caps and caps.workspace and caps.workspace.did_change_watched_files \
            and caps.workspace.did_change_watched_files.dynamic_registration:
        try:
            await ls.client_register_capability_async(T.RegistrationParams(registrations=[
                T.Registration(id=str(uuid.uuid4()), method=T.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                               register_options=T.DidChangeWatchedFilesRegistrationOptions(
                                   watchers=[T.FileSystemWatcher(glob_pattern=g) for g in WATCH_GLOBS]))]))
            ls.dynamic_watch = True
        except Exception as e:
            ls.log(f"could not register file watchers: {e}", T.MessageType.Warning)
    if caps and caps.workspace and caps.workspace.configuration:
        await _pull_settings(ls)
    ls.restart_project()


async def _pull_settings(ls: TlaLensServer) -> None:
    try:
        result = await asyncio.wait_for(ls.workspace_configuration_async(T.ConfigurationParams(
            items=[T.ConfigurationItem(section="tlaLens")])), timeout=5)
    except Exception as e:
        ls.log(f"workspace/configuration failed: {e}", T.MessageType.Warning)
        return
    value = result[0] if result else None
    ls.settings = value if isinstance(value, dict) else {}


@server.feature(T.WORKSPACE_DID_CHANGE_CONFIGURATION)
@_safe
async def did_change_configuration(ls: TlaLensServer, params: T.DidChangeConfigurationParams) -> None:
    caps = ls.client_capabilities
    settings = params.settings
    if isinstance(settings, dict) and isinstance(settings.get("tlaLens"), dict):
        ls.settings = settings["tlaLens"]
    elif caps and caps.workspace and caps.workspace.configuration:
        await _pull_settings(ls)
    if ls.project is not None:
        ls.restart_project()


@server.feature(T.SHUTDOWN)
@_safe
def shutdown(ls: TlaLensServer, *args) -> None:
    ls.index_cancelled = True


@server.feature(T.WINDOW_WORK_DONE_PROGRESS_CANCEL)
@_safe
def progress_cancel(ls: TlaLensServer, params: T.WorkDoneProgressCancelParams) -> None:
    if params.token == ls.progress_token:
        ls.index_cancelled = True


# == documents ===================================================================================
def _is_ours(path: Optional[Path]) -> bool:
    return path is not None and dialect_for_path(path) is not None


@server.feature(T.TEXT_DOCUMENT_DID_OPEN)
@_safe
def did_open(ls: TlaLensServer, params: T.DidOpenTextDocumentParams) -> None:
    td = params.text_document
    path = ls.path_of(td.uri)
    if not _is_ours(path):
        return
    ls.uri_of[path] = td.uri
    ls.docs[path] = Document(td.uri, td.text.encode("utf-8", "surrogatepass"), td.version)
    change = ls.ensure_loaded(path)
    change.files.add(path)
    ls.after_change(change)


@server.feature(T.TEXT_DOCUMENT_DID_CHANGE)
@_safe
def did_change(ls: TlaLensServer, params: T.DidChangeTextDocumentParams) -> None:
    path = ls.path_of(params.text_document.uri)
    doc = ls.docs.get(path) if path else None
    if doc is None:
        ls.log(f"didChange for a document that is not open: {params.text_document.uri}")
        return
    for ch in params.content_changes:
        if isinstance(ch, T.TextDocumentContentChangePartial):
            r = ch.range
            doc.apply((r.start.line, r.start.character), (r.end.line, r.end.character), ch.text,
                      ls.encoding)
        else:
            doc.replace(ch.text)
    doc.version = params.text_document.version
    change = ls.ensure_loaded(path)
    change.files.add(path)
    ls.after_change(change)


@server.feature(T.TEXT_DOCUMENT_DID_CLOSE)
@_safe
def did_close(ls: TlaLensServer, params: T.DidCloseTextDocumentParams) -> None:
    path = ls.path_of(params.text_document.uri)
    if path is None or path not in ls.docs:
        return
    del ls.docs[path]
    change = ls.project.set_overlay(path, None) if ls.project else Change()
    if not ls.pull:
        # the file is not open any more: its squiggles go with it
        ls.published.pop(params.text_document.uri, None)
        ls.text_document_publish_diagnostics(T.PublishDiagnosticsParams(
            uri=params.text_document.uri, diagnostics=[]))
    change.files.discard(path)
    ls.after_change(change)


@server.feature(T.WORKSPACE_DID_CHANGE_WATCHED_FILES)
@_safe
def did_change_watched_files(ls: TlaLensServer, params: T.DidChangeWatchedFilesParams) -> None:
    if ls.project is None:
        return
    paths = []
    restart = False
    for ev in params.changes:
        p = ls.path_of(ev.uri)
        if p is None:
            continue
        if p.name == "tla-lens.json" or (p.name == "package.json" and p.parent == ls.project.root):
            # a config file appeared or changed, or the one in use changed (its "tlaLens" key
            # removed, the file deleted): the settings are read again
            source = ls.file_config.source if ls.file_config else None
            restart = restart or p.name == "tla-lens.json" or _has_tlalens_key(p) \
                or (source is not None and Path(source).resolve() == p)
        paths.append(p)
    if restart:
        ls.restart_project()
        return
    # open buffers win over the disk: their files are re-read from the overlay
    change = ls.project.files_changed(paths)
    ls.after_change(change)


def _has_tlalens_key(path: Path) -> bool:
    try:
        return '"tlaLens"' in path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


# == diagnostics (pull) ==========================================================================
def _result_id(diags: list[T.Diagnostic]) -> str:
    payload = json.dumps([server.converter_dump(d) for d in diags], sort_keys=True)
    return hashlib.sha1(payload.encode()).hexdigest()[:16]


@server.feature(T.TEXT_DOCUMENT_DIAGNOSTIC, T.DiagnosticOptions(
    identifier="tla-lens", inter_file_dependencies=True, workspace_diagnostics=True))
@_safe
def document_diagnostic(ls: TlaLensServer, params: T.DocumentDiagnosticParams):
    path = ls.path_of(params.text_document.uri)
    diags, rid = ls.diagnostic_report(path) if path else ([], _result_id([]))
    ls.note_pulled(params.text_document.uri, diags, workspace=False)
    if params.previous_result_id == rid:
        return T.RelatedUnchangedDocumentDiagnosticReport(result_id=rid)
    return T.RelatedFullDocumentDiagnosticReport(items=diags, result_id=rid)


@server.feature(T.WORKSPACE_DIAGNOSTIC)
@_safe
def workspace_diagnostic(ls: TlaLensServer, params: T.WorkspaceDiagnosticParams):
    items: list = []
    if ls.project is None:
        return T.WorkspaceDiagnosticReport(items=[])
    previous = {p.uri: p.value for p in (params.previous_result_ids or [])}
    paths = {path for path, mod in ls.project.modules.items() if mod.workspace}
    paths.update(ls.config_diagnostics())  # configuration files with problems
    by_uri = {ls.uri(path): path for path in paths}
    # files reported before that are gone, or config files fixed since: those the client names,
    # and those with problems in a report it may not name (VS Code keeps the problems of a
    # document it pulled while it was open, and names no result of it once it is closed)
    for uri in [*previous, *ls.pulled_with_problems]:
        if uri not in by_uri:
            path = ls.path_of(uri)
            if path is not None:
                by_uri[uri] = path
    for uri, path in sorted(by_uri.items(), key=lambda item: item[1]):
        try:
            diags, rid = ls.diagnostic_report(path)
        except Exception as e:  # report the other files
            ls.report_server_error(e, None)
            continue
        if not diags and uri not in previous and uri not in ls.pulled_with_problems:
            continue
        ls.note_pulled(uri, diags, workspace=True)
        doc = ls.docs.get(path)
        version = doc.version if doc else None
        if previous.get(uri) == rid:
            items.append(T.WorkspaceUnchangedDocumentDiagnosticReport(uri=uri, result_id=rid, version=version))
        else:
            items.append(T.WorkspaceFullDocumentDiagnosticReport(uri=uri, items=diags, result_id=rid,
                                                                 version=version))
    return T.WorkspaceDiagnosticReport(items=items)


# == hover =======================================================================================
def _link(ls: TlaLensServer, path: Path, span: Span, label: str) -> str:
    line = ls.lines_of(path).line_of(span.start) + 1
    return f"[{label}:{line}]({ls.uri(path)}#L{line})"


def _md(text: str) -> str:
    """Inline code that survives backticks in names."""
    return text.replace("`", "'")


@server.feature(T.TEXT_DOCUMENT_HOVER)
@_safe
def hover(ls: TlaLensServer, params: T.HoverParams) -> Optional[T.Hover]:
    mod = ls.module_at(params.text_document.uri)
    if mod is None or ls.project is None:
        return None
    project = ls.project
    off = ls.offset(mod.path, params.position)
    for site in mod.tla:
        if site.keyword.start <= off <= site.keyword.end:
            return T.Hover(contents=T.MarkupContent(T.MarkupKind.Markdown, _hover_tla(ls, mod)),
                           range=ls.range(mod.path, site.keyword))
    for edge in mod.edges:
        if not edge.span.start <= off <= edge.span.end:
            continue
        if edge.target is not None and edge.kind in (EdgeKind.STATIC, EdgeKind.REQUIRE) \
                and project.infection.is_async(edge.target):
            return T.Hover(contents=T.MarkupContent(T.MarkupKind.Markdown, _hover_import(ls, mod, edge)),
                           range=ls.range(mod.path, edge.span))
        dropped = project.tsc_dropped(edge) if edge.kind is EdgeKind.ERASED else None
        if dropped is not None and project.infection.is_async(dropped[0]):
            return T.Hover(contents=T.MarkupContent(T.MarkupKind.Markdown, _hover_dropped(ls, *dropped)),
                           range=ls.range(mod.path, edge.span))
    if mod.facts.dialect.is_component:
        return _hover_component_await(ls, mod, off)
    return None


def _hover_dropped(ls: TlaLensServer, target: Path, names: list[str]) -> str:
    """On a re-export of an async module that tsc drops: why it makes nothing wait."""
    rel = ls.project.graph.rel(target)
    what = ", ".join(f"`{_md(n)}`" for n in names)
    only = "is only a type" if len(names) == 1 else "are only types"
    return (f"**not an async import** — tsc builds this file with the whole program and drops this "
            f"statement: {what} {only} in `{_md(rel)}`, an async module, so nothing here waits for it. "
            f"A per-file compiler (esbuild, swc, Babel, `isolatedModules`) keeps it and waits: "
            f"`export type {{ … }}` / `import type` say it for all of them.")


_COMPONENT_AWAIT = {
    Dialect.VUE: "it runs in the component's setup function (`<script setup>`), for each instance; "
                 "only a plain `<script>` runs when the module loads",
    Dialect.SVELTE: "it runs in the component's instance script, for each instance; only "
                    "`<script module>` runs when the module loads",
    Dialect.ASTRO: "it runs in the component's render function, on each render; of the frontmatter, "
                   "only the imports and exported declarations run when the module loads",
}


def _hover_component_await(ls: TlaLensServer, mod: Module, off: int) -> Optional[T.Hover]:
    """On an `await` of a component's per-instance code: why it is no top-level await."""
    dialect = mod.facts.dialect
    if dialect not in _COMPONENT_AWAIT:
        return None
    kw = sfc.instance_await_at(mod.source, dialect, off)
    if kw is None:
        return None
    text = f"**not a top-level await** — {_COMPONENT_AWAIT[dialect]}; it makes no module async."
    return T.Hover(contents=T.MarkupContent(T.MarkupKind.Markdown, text),
                   range=ls.range(mod.path, Span(*kw)))


def _hover_import(ls: TlaLensServer, mod: Module, edge) -> str:
    project = ls.project
    target = edge.target
    root = project.infection.root_of(target)
    rmod = project.modules[root]
    site = rmod.tla[0]
    lines = []
    if root == target and is_synthetic(rmod):
        lines.append(f"**async module** — `{_md(edge.specifier)}` is {_md(synthetic_why(rmod))}")
    elif root == target:
        lines.append(f"**async module** — `{_md(edge.specifier)}` has a top-level `await`")
    else:
        lines.append(f"**async module** because of `{_md(display(root, mod.path))}`")
    bundled = project.bundled_require(edge)
    if bundled is not None:
        lines.append("")
        throws = project.bundled_throws(edge).replace("ERR_REQUIRE_ASYNC_MODULE", "`ERR_REQUIRE_ASYNC_MODULE`")
        lines.append(f"`{_md(edge.specifier)}` is {bundled}: {throws} there when the bundle runs.")
    elif edge.kind is EdgeKind.REQUIRE and (bun := project.run_by_bun(edge.source)) is not None:
        lines.append("")
        lines.append(f"Bun runs this file ({bun}): `require()` of it "
                     "throws `TypeError: require() async module … is unsupported` when the top-level await "
                     "is still waiting as it returns (Node: `ERR_REQUIRE_ASYNC_MODULE`).")
    elif edge.kind is EdgeKind.REQUIRE:
        lines.append("")
        lines.append("`require()` of it throws `ERR_REQUIRE_ASYNC_MODULE` in Node; webpack and Meteor "
                     "return a Promise.")
    lines.append("")
    hops = [edge] + project.infection.edges(target, limit=12)
    for i, e in enumerate(hops, 1):
        src = e.source
        kept = " (no value used: Node keeps it, TypeScript would drop it)" if project.kept_by_node(e) else \
            " (names nothing: Bun keeps it, TypeScript would drop it)" if project.kept_by_bun(e) else ""
        lines.append(f"{i}. {_link(ls, src, e.span, project.graph.rel(src))} imports `{_md(e.specifier)}`{kept}")
    if is_wasm(rmod):
        lines.append(f"{len(hops) + 1}. `{_md(project.graph.rel(root))}`: {_md(WASM_WHY)}")
    else:
        # the line of the await (of an async webpack external: of its key in the configuration)
        code = rmod.lines.line_text(rmod.lines.line_of(site.keyword.start)).strip()
        what = _md(synthetic_why(rmod)) if is_external(rmod) else "top-level await"
        lines.append(f"{len(hops) + 1}. {_link(ls, root, site.keyword, project.graph.rel(located_in(root)))} {what}:")
        lines.append("")
        lang = "ts" if rmod.facts.dialect.is_typescript else "js"
        lines.append(f"```{lang}\n{code[:300]}\n```")
    if isinstance(edge.fact, StaticImport) and edge.kind is EdgeKind.STATIC:
        node_run = project.kept_by_node(edge)
        lines.append("")
        if node_run is not None:
            lines.append(f"Node runs this file by type stripping ({node_run}) and keeps every import "
                         "as written; TypeScript would drop this one, which uses no value of the module: "
                         "use `import type` for types, and remove what is not used.")
        elif (bun := project.kept_by_bun(edge)) is not None:
            lines.append(f"Bun runs this file ({bun}) and keeps an import that "
                         "names nothing, as `import` of the module for its effects; TypeScript would drop it: "
                         "remove it, or load the module with `import()` where it is needed.")
        elif (loading := project.config_loading(mod.path)) is not None and loading[0] == "import()":
            what = _md(loading[1]) or "only configurations their tools load with import() load it"
            lines.append(f"Harmless here: {what}, so nothing else waits for it.")
        elif loading is not None:
            lines.append(f"{_md(loading[1])}: an async module here makes Node throw `ERR_REQUIRE_ASYNC_MODULE`, "
                         "and the configuration fails to load.")
        else:
            lines.append("Load it with `import()` where it is used to keep this module synchronous.")
    return "\n".join(lines)


def _hover_tla(ls: TlaLensServer, mod: Module) -> str:
    project = ls.project
    infected = project.infected_by(mod.path)
    names = sorted(infected, key=lambda p: (infected[p], str(p)))
    lines = []
    n = len(infected)
    if n == 0:
        lines.append("**top-level await** — this module is async; no module imports it statically.")
    else:
        lines.append(f"**top-level await** — makes {n} module{'s' if n != 1 else ''} async")
        lines.append("")
        for p in names[:10]:
            m = project.modules[p]
            lines.append(f"- {_link(ls, p, Span(0, 0), project.graph.rel(p))}"
                         f"{' (dependency)' if not m.workspace else ''}")
        if n > 10:
            lines.append(f"- … and {n - 10} more")
    entries = [p for p in sorted(project.entries) if p in infected or p == mod.path]
    if entries:
        lines.append("")
        lines.append("Entry points affected: " + ", ".join(
            _link(ls, p, Span(0, 0), project.graph.rel(p)) for p in entries[:10]))
    return "\n".join(lines)


# == code actions ================================================================================
@server.feature(T.TEXT_DOCUMENT_CODE_ACTION, T.CodeActionOptions(
    code_action_kinds=[T.CodeActionKind.QuickFix, T.CodeActionKind.RefactorRewrite],
    resolve_provider=False))
@_safe
def code_action(ls: TlaLensServer, params: T.CodeActionParams):
    from .actions import code_actions
    mod = ls.module_at(params.text_document.uri)
    if mod is None:
        return None
    return code_actions(ls, mod, params)


@server.command(CMD_SHOW_DOCS)
@_safe
async def show_docs(ls: TlaLensServer, *args) -> None:
    code = str(args[0]) if args else "async-import"
    await ls.window_show_document_async(T.ShowDocumentParams(uri=docs_url(code), external=False))


@server.command(CMD_SHOW_CHAIN)
@_safe
async def show_chain(ls: TlaLensServer, *args) -> Optional[dict]:
    """Open the top-level await that makes the given module async."""
    uri = str(args[0]) if args else ""
    mod = ls.module_at(uri)
    if mod is None or ls.project is None or not mod.is_async:
        return None
    root = ls.project.infection.root_of(mod.path)
    site = ls.project.modules[root].tla[0]
    where, span = root, site.keyword
    if is_wasm(ls.project.modules[root]):
        # (a binary file: the import of it instead)
        hops = ls.project.infection.edges(mod.path)
        if hops:
            where, span = hops[-1].source, hops[-1].span
    await ls.window_show_document_async(T.ShowDocumentParams(
        uri=ls.uri(where), take_focus=True, selection=ls.range(where, span)))
    return explain_data(ls, mod)


# == code lens and inlay hints ===================================================================
@server.feature(T.TEXT_DOCUMENT_CODE_LENS)
@_safe
def code_lens(ls: TlaLensServer, params: T.CodeLensParams):
    mod = ls.module_at(params.text_document.uri)
    if mod is None or not mod.is_async or not ls.editor_flag("codeLens"):
        return []
    project = ls.project
    if mod.has_tla:
        n = len(project.infected_by(mod.path))
        title = f"async module · top-level await · makes {n} module{'s' if n != 1 else ''} async"
    else:
        root = project.infection.root_of(mod.path)
        title = f"async module · because of {root.name}"
    return [T.CodeLens(range=T.Range(T.Position(0, 0), T.Position(0, 0)),
                       command=T.Command(title=title, command=CMD_SHOW_CHAIN,
                                         arguments=[params.text_document.uri]))]


@server.feature(T.TEXT_DOCUMENT_INLAY_HINT, T.InlayHintOptions(resolve_provider=False))
@_safe
def inlay_hints(ls: TlaLensServer, params: T.InlayHintParams):
    mod = ls.module_at(params.text_document.uri)
    if mod is None or ls.project is None or not ls.editor_flag("inlayHints"):
        return []
    project = ls.project
    out = []
    lo = ls.offset(mod.path, params.range.start)
    hi = ls.offset(mod.path, params.range.end)
    for edge in mod.edges:
        if edge.kind is not EdgeKind.STATIC or edge.target is None \
                or not project.infection.is_async(edge.target):
            continue
        if edge.span.end < lo or edge.span.start > hi:
            continue
        root = project.infection.root_of(edge.target)
        end = ls.range(mod.path, edge.span).end
        out.append(T.InlayHint(position=end, label="async", padding_left=True,
                               tooltip=f"async module because of {project.graph.rel(root)}"))
    return out


# == custom requests =============================================================================
def explain_data(ls: TlaLensServer, mod: Module) -> dict:
    project = ls.project
    chain = []
    for e in project.infection.edges(mod.path):
        chain.append({"uri": ls.uri(e.source), "range": ls.converter_dump(ls.range(e.source, e.span)),
                      "message": f"imports {e.specifier}", "module": ls.uri(e.target)})
    root = project.infection.root_of(mod.path)
    if root is not None:
        rmod = project.modules[root]
        chain.append({"uri": ls.uri(root), "range": ls.converter_dump(ls.range(root, rmod.tla[0].keyword)),
                      "message": "top-level await", "module": ls.uri(root)})
    infected = project.infected_by(mod.path) if mod.is_async else {}
    return {
        "uri": ls.uri(mod.path),
        "async": mod.is_async,
        "hasTopLevelAwait": mod.has_tla,
        "format": mod.format,
        "topLevelAwait": [ls.converter_dump(ls.range(mod.path, s.keyword)) for s in mod.tla],
        "chain": chain,
        "cause": ls.uri(root) if root is not None and root != mod.path else None,
        "infects": [ls.uri(p) for p in sorted(infected, key=lambda p: (infected[p], str(p)))],
        "entries": [ls.uri(p) for p in sorted(project.entries) if p in infected or p == mod.path],
        "cycle": [ls.uri(p) for p in project.cycle_of.get(mod.path, [])],
    }


@server.feature("tla-lens/explain")
@_safe
def explain_request(ls: TlaLensServer, params: Any) -> Optional[dict]:
    uri = _param(params, "textDocument", "uri") or _param(params, "uri")
    mod = ls.module_at(uri) if uri else None
    if mod is None:
        return None
    return explain_data(ls, mod)


@server.feature(CACHED_FILE_REQUEST)
@_safe
def cached_file_request(ls: TlaLensServer, params: Any) -> Optional[dict]:
    """``{"uri": "tla-lens-cached:…"}`` -> ``{"text": …, "languageId": …}``: a file inside a zip
    archive or in Deno's caches that the analysis reads (nothing else); None otherwise."""
    uri = _param(params, "uri")
    path = ls.path_of(uri) if isinstance(uri, str) and uri.startswith(CACHED_SCHEME + ":") else None
    if path is None or ls.project is None or not is_virtual(str(path)):
        return None
    data = ls.project.read_quietly(path)
    if data is None:
        return None
    out = {"text": data.decode("utf-8", errors="replace")}
    # the editor's language for it: its name may not say (a Deno module downloaded from a URL
    # without an extension, its kind from the content type)
    mod = ls.project.modules.get(path)
    dialect = mod.facts.dialect if mod is not None else dialect_for_path(path)
    if dialect is not None:
        out["languageId"] = _LANGUAGE_IDS[dialect]
    return out


_LANGUAGE_IDS = {Dialect.JS: "javascript", Dialect.JSX: "javascriptreact", Dialect.TS: "typescript",
                 Dialect.TSX: "typescriptreact", Dialect.VUE: "vue", Dialect.SVELTE: "svelte",
                 Dialect.ASTRO: "astro", Dialect.MDX: "mdx"}


@server.feature("tla-lens/asyncModules")
@_safe
def async_modules_request(ls: TlaLensServer, params: Any) -> list:
    project = ls.project
    if project is None:
        return []
    out = []
    for path, mod in sorted(project.modules.items()):
        if not mod.has_tla:
            continue
        infected = project.infected_by(path)
        names = sorted(infected, key=lambda p: (infected[p], str(p)))
        for site in mod.tla:
            out.append({
                "uri": ls.uri(path),
                "range": ls.converter_dump(ls.range(path, site.keyword)),
                "kind": site.kind.value,
                "workspace": mod.workspace,
                "infects": [ls.uri(p) for p in names],
                "entries": [ls.uri(p) for p in sorted(project.entries) if p in infected or p == path],
                **({"name": external_request(mod)} if is_external(mod) else {}),
            })
    return out


def _param(params: Any, *keys: str) -> Any:
    cur = params
    for k in keys:
        if isinstance(cur, dict):
            cur = cur.get(k)
        else:
            cur = getattr(cur, k, None)
        if cur is None:
            return None
    return cur


def serve(tcp: Optional[int] = None, host: str = "127.0.0.1") -> int:
    logging.basicConfig(level=logging.WARNING)
    # pygls warns on stderr about every cancellation of a request it already answered
    logging.getLogger("pygls.protocol.json_rpc").setLevel(logging.ERROR)
    if tcp is not None:
        server.start_tcp(host, tcp)
    else:
        server.start_io()
    # pygls swallows the SystemExit of `exit`: 0 after `shutdown`, 1 without (LSP spec)
    return 0 if getattr(server.protocol, "_shutdown", False) else 1
