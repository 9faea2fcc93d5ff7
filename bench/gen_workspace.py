#!/usr/bin/env python3
"""Generate a realistic, seeded N-module TypeScript/JavaScript workspace for the benchmarks.

    python bench/gen_workspace.py [--modules 5000] [--seed 1] [--out DIR]

Shape (all decided by the seed):

- ``src/core/`` (config, logger, errors, ...) and ``src/shared/<area>/`` hold sync utilities (layer 0).
  ``src/core/db.ts`` opens the database with a top-level ``await``.
- ``src/features/<feature>/{models,repositories,services,handlers,views,pages}/`` are layers 1..6;
  ``src/app/`` holds a few entry points (layer 7). Every module imports 2-6 modules from lower
  layers (mostly its own feature, then ``shared``/``core``, then other features), a few import
  pairs form cycles, some imports are ``import type`` (erased), a few modules load the database
  lazily with ``import()`` (not carried).
- A few *data-backed* features have repositories that import ``db.ts``; only data-backed features
  (and the app entries) import from data-backed features, so a few hundred modules are async
  because of ``db.ts`` and the rest of the workspace stays sync.
- One more async module, ``src/shared/i18n/messages.ts``, is imported only by app entries.
- A few percent more (``--tla-share``, default 3%) have a top-level ``await`` of their own (in an
  ``export const``, an ``if`` block or a ``for await``): pages, views and a few services of the
  features that are *not* data-backed, so their own pages and the app entries become async too.
- Every import form: named (also renamed, and with an inline ``type`` specifier), default, default
  plus named, namespace, side-effect only, ``export {..} from``, ``export * from``, ``export * as
  ns from`` (all carry async-ness), ``import type`` and ``export type {..} from`` (erased) and
  ``import()`` in a function (not carried). The forms are drawn from a second seeded stream, so
  the import graph is the same as with generator version 3.
- About 10% of the modules are plain ``.js`` (they import only other ``.js`` modules); TypeScript
  modules import with ``.js`` or no extension, and with the tsconfig ``paths`` aliases
  ``@core/*`` and ``@shared/*``.
- Files are 50-300 lines of functions, classes, interfaces and types; every imported value is
  used in a function body (so TypeScript keeps the import).

It writes ``package.json`` (``"type": "module"``), ``tsconfig.json``, ``src/**`` and a manifest,
``.bench.json``, that names the files the latency benchmark opens and edits (with positions) and
the expected async modules (computed here from the generated graph).
"""
from __future__ import annotations

import argparse
import json
import random
import shutil
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

GENERATOR_VERSION = 4

FEATURE_WORDS = """billing invoices users accounts orders catalog inventory shipping payments auth sessions
notifications search analytics reports audit settings profiles teams projects tasks comments files
uploads media chat calendar events webhooks integrations exports imports pricing coupons subscriptions
checkout cart reviews ratings recommendations feeds tags labels workflows approvals permissions roles
tenants regions metrics alerts incidents deployments builds releases support tickets knowledge forms
surveys campaigns leads contacts companies deals quotes contracts vendors purchasing warehouses
returns refunds taxes ledger payroll timesheets expenses assets maintenance scheduling routing
fleet drivers bookings rooms menus kitchen loyalty gifts referrals onboarding invitations""".split()

NOUNS = """account address amount answer article asset attachment audit badge balance batch bill block
booking budget bundle cache card cart category channel charge check client code comment config
contact content contract cost counter coupon credit customer dashboard deal delivery detail device
discount document draft entry event export feature feed field file filter flag folder form grant
group history image import incident index invoice item job key label ledger limit line link list
log member message meta metric note notice offer option order owner package page panel payment
period plan policy post preference price product profile project quota rate receipt record region
report request result review role rule schedule score section segment session setting share shift
slot source stage status step stock store summary tag task team template ticket token topic total
track transfer trial unit update upload user value vendor version view visit voucher wallet widget
window zone""".split()

VERBS = """load fetch build compute format parse resolve normalize validate merge apply collect render
summarize rank group count filter map sort index encode decode""".split()

# import forms of value imports (all carry async-ness), with their weights
IMPORT_FORMS = ["named", "renamed", "inline-type", "default", "default-named", "namespace", "side-effect",
                "export-named", "export-star", "export-star-as"]
IMPORT_FORM_WEIGHTS = [45, 8, 5, 12, 5, 10, 5, 5, 3, 2]

LAYER_DIRS = {1: "models", 2: "repositories", 3: "services", 4: "handlers", 5: "views", 6: "pages"}
LAYER_SUFFIX = {0: "", 1: "Model", 2: "Repository", 3: "Service", 4: "Handler", 5: "View", 6: "Page", 7: "App"}
# share of a feature's modules per layer
LAYER_SHARE = {1: 0.20, 2: 0.15, 3: 0.25, 4: 0.15, 5: 0.15, 6: 0.10}
SHARED_AREAS = ["strings", "dates", "numbers", "collections", "http", "validation", "format", "ids", "cache", "events"]
CORE_NAMES = ["config", "logger", "errors", "env", "clock", "metrics", "tracing", "result", "guards", "constants"]


def cap(s: str) -> str:
    return s[:1].upper() + s[1:]


@dataclass
class Module:
    idx: int
    path: str                 # POSIX, relative to the workspace root, with extension
    layer: int
    feature: str | None       # None for core/shared/app
    data: bool                # belongs to a data-backed feature (may import async modules)
    js: bool
    base: str                 # camelCase base name, e.g. invoiceService
    fn: str                   # the exported main function, unique in the workspace
    cls: str                  # the exported class, unique
    iface: str                # the exported interface, unique
    imports: list[int] = field(default_factory=list)       # value imports (carry async)
    type_imports: list[int] = field(default_factory=list)  # `import type` (erased)
    dynamic: list[int] = field(default_factory=list)       # `import()` (not carried)
    tla: bool = False


class Generator:
    def __init__(self, n: int, seed: int, tla_share: float = 0.03):
        if n < 200:
            raise SystemExit("gen_workspace: --modules must be at least 200")
        self.n = n
        self.rng = random.Random(seed)
        # import forms and the extra TLA modules come from a second stream, so that the import graph
        # (and the text drawn from self.rng) does not depend on them
        self.form_rng = random.Random(seed * 7919 + 17)
        self.tla_share = tla_share
        self.extra_tla: list[int] = []
        self.forms: dict[str, int] = {}
        self.seed = seed
        self.modules: list[Module] = []
        self.used_names: set[str] = set()
        self.by_layer: dict[int, list[int]] = {}

    # ---- naming -------------------------------------------------------------------------
    def unique(self, base: str) -> str:
        name, i = base, 2
        while name in self.used_names:
            name = f"{base}{i}"
            i += 1
        self.used_names.add(name)
        return name

    def add(self, folder: str, stem: str, layer: int, feature: str | None, data: bool, js: bool) -> Module:
        base = self.unique(stem)
        ext = ".js" if js else ".ts"
        fn = self.rng.choice(VERBS) + cap(base)
        fn = self.unique(fn)
        m = Module(idx=len(self.modules), path=f"{folder}/{base}{ext}", layer=layer, feature=feature,
                   data=data, js=js, base=base, fn=fn, cls=self.unique(cap(base) + ("Impl" if layer else "Kit")),
                   iface=self.unique(cap(base) + "Options"))
        self.modules.append(m)
        self.by_layer.setdefault(layer, []).append(m.idx)
        return m

    # ---- graph --------------------------------------------------------------------------
    def build(self) -> None:
        rng = self.rng
        n = self.n
        # layer 0: core + shared (~6%), app entries (~0.4%), the rest features of ~95 modules
        n_core = len(CORE_NAMES)
        n_shared = max(20, int(n * 0.05))
        n_app = max(3, n // 250)
        n_feat_total = n - n_core - 1 - n_shared - n_app - 1   # -1 db.ts, -1 i18n/messages.ts
        n_features = max(2, round(n_feat_total / 95))
        words = list(FEATURE_WORDS)
        rng.shuffle(words)
        features = [words[i % len(words)] + (str(i // len(words) + 1) if i >= len(words) else "")
                    for i in range(n_features)]
        n_data = max(1, round(n_features * 0.2))
        data_features = set(features[:n_data])
        self.features, self.data_features = features, data_features

        # core
        for name in CORE_NAMES:
            self.add("src/core", name, 0, None, False, False)
        self.db = self.add("src/core", "db", 0, None, False, False)
        self.db.tla = True
        # shared
        for i in range(n_shared):
            area = SHARED_AREAS[i % len(SHARED_AREAS)]
            self.add(f"src/shared/{area}", rng.choice(NOUNS) + cap(area.rstrip("s")), 0, None, False,
                     rng.random() < 0.12)
        self.messages = self.add("src/shared/i18n", "messages", 0, None, False, False)
        self.messages.tla = True
        # features
        per_feature = [n_feat_total // n_features + (1 if i < n_feat_total % n_features else 0)
                       for i in range(n_features)]
        for feature, count in zip(features, per_feature):
            counts = {layer: max(1, round(count * share)) for layer, share in LAYER_SHARE.items()}
            counts[3] += count - sum(counts.values())
            for layer in range(1, 7):
                for _ in range(counts[layer]):
                    stem = rng.choice(NOUNS) + LAYER_SUFFIX[layer]
                    self.add(f"src/features/{feature}/{LAYER_DIRS[layer]}", stem, layer, feature,
                             feature in data_features, rng.random() < 0.10)
        for i in range(n_app):
            self.add("src/app", rng.choice(["main", "server", "worker", "cli", "cron", "admin"]) + "Entry",
                     7, None, True, False)
        assert len(self.modules) == n, (len(self.modules), n)

        feature_layer: dict[tuple[str | None, int], list[int]] = {}
        for m in self.modules:
            feature_layer.setdefault((m.feature, m.layer), []).append(m.idx)
        layer0 = [i for i in self.by_layer[0] if not self.modules[i].tla]

        def pick_targets(m: Module) -> list[int]:
            k = rng.randint(2, 6)
            chosen: list[int] = []
            tries = 0
            while len(chosen) < k and tries < 60:
                tries += 1
                r = rng.random()
                if m.layer == 0:
                    pool = [i for i in layer0 if i < m.idx]
                elif m.layer == 7:
                    # app entries: pages and services of any feature
                    pool = self.by_layer[rng.choice([6, 6, 3])]
                elif r < 0.62:
                    lower = rng.choices(range(1, m.layer), weights=[1 + 3 * (l == m.layer - 1) for l in range(1, m.layer)])[0] \
                        if m.layer > 1 else 0
                    pool = feature_layer.get((m.feature, lower), []) if lower else layer0
                elif r < 0.85:
                    pool = layer0
                else:
                    other = rng.choice(features)
                    if other in data_features and not m.data:
                        continue
                    lower = rng.randint(1, max(1, m.layer - 1)) if m.layer > 1 else 0
                    pool = feature_layer.get((other, lower), []) if lower else layer0
                pool = [i for i in pool if self.modules[i].js or not m.js]  # .js imports .js only
                if not pool:
                    continue
                t = rng.choice(pool)
                if t == m.idx or t in chosen:
                    continue
                if self.modules[t].layer < m.layer or (m.layer == 0 and t < m.idx):
                    chosen.append(t)
            return chosen

        for m in self.modules:
            if m is self.db or m is self.messages:
                m.imports = [self.modules[i].idx for i in layer0[:3]]  # config, logger, errors
                continue
            if m.layer == 0 and m.idx < 3:
                continue  # config/logger/errors import nothing
            m.imports = pick_targets(m)
            if not m.js and m.layer >= 1 and rng.random() < 0.45:
                # erased type-only imports, from anywhere below (data features included)
                pool = self.by_layer[rng.randint(0, max(0, m.layer - 1))]
                t = rng.choice(pool)
                if t not in m.imports and not self.modules[t].js and self.modules[t].layer < m.layer:
                    m.type_imports.append(t)
        # repositories of data-backed features talk to the database directly
        for m in self.modules:
            if m.js:
                continue
            if m.data and m.layer == 2 and rng.random() < 0.6:
                m.imports.append(self.db.idx)
            elif m.data and m.layer == 3 and rng.random() < 0.08:
                m.imports.append(self.db.idx)
            elif not m.data and m.layer in (3, 4) and rng.random() < 0.02:
                m.dynamic.append(self.db.idx)  # lazy: `await import()` in a function: not carried
        for m in self.by_layer[7][: max(1, len(self.by_layer[7]) // 3)]:
            self.modules[m].imports.append(self.messages.idx)
        # a few cycles: two modules of the same feature and layer import each other
        n_cycles = max(2, self.n // 500)
        made = 0
        for _ in range(n_cycles * 20):
            if made >= n_cycles:
                break
            f = rng.choice(features)
            layer = rng.randint(2, 5)
            pool = [i for i in feature_layer.get((f, layer), []) if not self.modules[i].js]
            if len(pool) < 2:
                continue
            a, b = rng.sample(pool, 2)
            if b in self.modules[a].imports or a in self.modules[b].imports:
                continue
            self.modules[a].imports.append(b)
            self.modules[b].imports.append(a)
            made += 1
        self.n_cycles = made
        # a few percent of the modules have a top-level await of their own: pages, views and a few
        # services of features that are not data-backed (so the db.ts figures stay as they were)
        frng = self.form_rng
        want = max(0, round(self.n * self.tla_share) - 2)
        pools = {layer: [m.idx for m in self.modules if m.feature and not m.data and m.layer == layer]
                 for layer in (3, 5, 6)}
        chosen: set[int] = set()
        for layer, share in ((6, 0.6), (5, 0.25), (3, 0.15)):
            pool = pools[layer]
            k = min(len(pool), round(want * share))
            chosen.update(frng.sample(pool, k))
        self.extra_tla = sorted(chosen)
        for i in self.extra_tla:
            self.modules[i].tla = True

    # ---- analysis of the generated graph -----------------------------------------------
    def reverse(self) -> list[list[int]]:
        rev: list[list[int]] = [[] for _ in self.modules]
        for m in self.modules:
            for t in m.imports:
                rev[t].append(m.idx)
        return rev

    def async_set(self, tla_sources: list[int]) -> dict[int, int]:
        """module -> distance (in import hops) to the nearest TLA module among tla_sources."""
        rev = self.reverse()
        dist = {s: 0 for s in tla_sources}
        q = deque(tla_sources)
        while q:
            x = q.popleft()
            for y in rev[x]:
                if y not in dist:
                    dist[y] = dist[x] + 1
                    q.append(y)
        return dist

    # ---- text ---------------------------------------------------------------------------
    def specifier(self, src: Module, dst: Module) -> str:
        rng = self.rng
        if not src.js and dst.layer == 0 and rng.random() < 0.5:
            # tsconfig paths alias
            sub = dst.path[len("src/core/"):] if dst.path.startswith("src/core/") else dst.path[len("src/shared/"):]
            alias = "@core/" if dst.path.startswith("src/core/") else "@shared/"
            spec = alias + sub
        else:
            sp = src.path.split("/")[:-1]
            dp = dst.path.split("/")
            common = 0
            while common < len(sp) and common < len(dp) - 1 and sp[common] == dp[common]:
                common += 1
            up = len(sp) - common
            rel = "/".join(dp[common:])
            spec = ("./" if up == 0 else "../" * up) + rel
        stem = spec[: spec.rfind(".")]
        if dst.js or src.js:
            return stem + ".js"
        # TypeScript: `.js` (node16 style, mapped to .ts) or extensionless (bundler)
        return stem + ".js" if rng.random() < 0.5 else stem

    def render(self, m: Module) -> tuple[str, dict]:
        """The module's text, and positions of interest (0-based line, UTF-16 character)."""
        rng = self.rng
        ts = not m.js
        lines: list[str] = []
        marks: dict = {}
        target_lines = int(min(300, max(50, rng.lognormvariate(4.75, 0.45))))
        lines.append(f"// {m.path} (generated by bench/gen_workspace.py)")
        if m.feature:
            lines.append(f"// Feature: {m.feature} / {LAYER_DIRS.get(m.layer, 'app')}")
        lines.append("")
        by_target: dict[int, str | None] = {}   # how the body calls the import (None: no local binding)
        frng = self.form_rng
        star_done = False
        for t in m.imports:
            dst = self.modules[t]
            marks.setdefault("import_lines", {})[dst.path] = len(lines)
            if dst is self.db:
                names = ["db", "runDbQuery"] if rng.random() < 0.5 else ["db"]
                by_target[t] = "db"
                lines.append(f"import {{ {', '.join(names)} }} from '{self.specifier(m, dst)}';")
                continue
            spec = self.specifier(m, dst)
            form = frng.choices(IMPORT_FORMS, weights=IMPORT_FORM_WEIGHTS)[0]
            if form == "inline-type" and (m.js or dst.js):
                form = "named"
            if form in ("export-star", "export-star-as"):
                if star_done:
                    form = "named"
                star_done = True
            self.forms[form] = self.forms.get(form, 0) + 1
            by_target[t] = dst.fn
            if form == "named":
                lines.append(f"import {{ {dst.fn} }} from '{spec}';")
            elif form == "renamed":
                by_target[t] = f"{dst.fn}From{cap(m.base)}"
                lines.append(f"import {{ {dst.fn} as {by_target[t]} }} from '{spec}';")
            elif form == "inline-type":
                lines.append(f"import {{ {dst.fn}, type {dst.iface} }} from '{spec}';")
            elif form == "default":
                lines.append(f"import {dst.fn} from '{spec}';")
            elif form == "default-named":
                lines.append(f"import {dst.fn}, {{ {dst.cls} }} from '{spec}';")
            elif form == "namespace":
                by_target[t] = f"{dst.base}Ns.{dst.fn}"
                lines.append(f"import * as {dst.base}Ns from '{spec}';")
            elif form == "side-effect":
                by_target[t] = None
                lines.append(f"import '{spec}';")
            elif form == "export-named":
                by_target[t] = None
                lines.append(f"export {{ {dst.fn} }} from '{spec}';")
            elif form == "export-star":
                by_target[t] = None
                lines.append(f"export * from '{spec}';")
            else:  # export-star-as
                by_target[t] = None
                lines.append(f"export * as {dst.base}Exports from '{spec}';")
        local_types: list[int] = []
        for t in m.type_imports:
            dst = self.modules[t]
            kind = "export-type" if frng.random() < 0.2 else "import-type"
            self.forms[kind] = self.forms.get(kind, 0) + 1
            if kind == "export-type":
                lines.append(f"export type {{ {dst.iface} }} from '{self.specifier(m, dst)}';")
            else:
                local_types.append(t)
                lines.append(f"import type {{ {dst.iface} }} from '{self.specifier(m, dst)}';")
        lines.append("")
        T = (lambda s: s) if ts else (lambda s: "")  # type annotations only in TypeScript

        if m.tla and m is self.db:
            lines += [
                "export interface DbConnection {",
                "  query(sql: string, params?: unknown[]): Promise<unknown[]>;",
                "  close(): Promise<void>;",
                "}",
                "",
                "async function connectDatabase(url: string): Promise<DbConnection> {",
                "  const started = Date.now();",
                "  const pool: unknown[] = [];",
                "  return {",
                "    async query(sql: string, params: unknown[] = []) {",
                "      pool.push([sql, params]);",
                "      return [];",
                "    },",
                "    async close() {",
                "      pool.length = 0;",
                "      void started;",
                "      void url;",
                "    },",
                "  };",
                "}",
                "",
                "const settings = { url: process.env.DATABASE_URL ?? 'postgres://localhost/app' };",
                "",
            ]
            marks["tla"] = (len(lines), len("export const db = "))
            lines.append("export const db = await connectDatabase(settings.url);")
            lines += [
                "",
                "export async function runDbQuery(sql: string, params: unknown[] = []): Promise<unknown[]> {",
                "  return db.query(sql, params);",
                "}",
                "",
            ]
        elif m is self.messages:
            lines += [
                f"async function loadCatalog(locale{T(': string')}){T(': Promise<Record<string, string>>')} {{",
                "  return { greeting: `hello (${locale})` };",
                "}",
                "",
                "export const messages = await loadCatalog('en');",
                "",
            ]
        elif m.tla:
            kind = self.form_rng.randrange(3)
            if kind == 0:
                lines += [f"export const preloaded{cap(m.base)} = await Promise.resolve({{ ready: true, at: Date.now() }});", ""]
            elif kind == 1:
                lines += ["if (typeof globalThis !== 'undefined') {",
                          "  await new Promise((resolve) => setTimeout(resolve, 0));",
                          "}", ""]
            else:
                lines += [f"const warmed{cap(m.base)}{T(': number[]')} = [];",
                          "for await (const chunk of [Promise.resolve(1), Promise.resolve(2)]) {",
                          f"  warmed{cap(m.base)}.push(chunk);",
                          "}", ""]
        # interface + type
        if ts:
            lines += [f"export interface {m.iface} {{",
                      "  id: string;",
                      "  limit?: number;",
                      "  tags: readonly string[];",
                      "  createdAt: Date;",
                      "}", "",
                      f"export type {cap(m.base)}Result = {{ ok: true; value: number }} | {{ ok: false; error: string }};",
                      ""]
        # the main function: calls every value import, holds the function-body edit site
        lines.append(f"export function {m.fn}(input{T(': ' + m.iface if ts else '')}){T(': number')} {{")
        marks["body"] = (len(lines), len('  const label = "'))
        lines.append(f'  const label = "{m.base}:{m.fn}";')
        lines.append("  let total = input && input.limit ? input.limit : 0;")
        for t in m.imports:
            name = by_target[t]
            if name is None:
                continue
            if name == "db":
                lines.append("  total += typeof db.query === 'function' ? 1 : 0;")
            else:
                lines.append(f"  total += Number({name}(input as never) || 0);" if ts
                             else f"  total += Number({name}(input) || 0);")
        for t in m.dynamic:
            pass
        lines.append("  return total + label.length;")
        lines.append("}")
        lines.append("")
        for t in m.dynamic:
            dst = self.modules[t]
            lines += [f"export async function lazy{cap(m.base)}Db(){T(': Promise<number>')} {{",
                      f"  const {{ runDbQuery }} = await import('{self.specifier(m, dst)}');",
                      "  const rows = await runDbQuery('select 1');",
                      "  return rows.length;",
                      "}", ""]
        for t in local_types:
            dst = self.modules[t]
            lines += [f"export function describe{cap(dst.iface)}For{cap(m.base)}(value: {dst.iface}): string {{",
                      "  return JSON.stringify(value);",
                      "}", ""]
        # a class
        lines += [f"export class {m.cls} {{",
                  "  private readonly cache = new Map<string, number>();" if ts else "  cache = new Map();",
                  f"  constructor({'private readonly ' if ts else ''}options{T(': Partial<' + m.iface + '>') if ts else ''} = {{}}) {{",
                  *([] if ts else ["    this.options = options;"]),
                  "  }",
                  "",
                  f"  get(key{T(': string')}){T(': number | undefined')} {{",
                  "    return this.cache.get(key);",
                  "  }",
                  "",
                  f"  set(key{T(': string')}, value{T(': number')}){T(': this')} {{",
                  "    this.cache.set(key, value);",
                  "    return this;",
                  "  }",
                  "",
                  f"  size(){T(': number')} {{",
                  "    return this.cache.size + Object.keys(this.options).length;",
                  "  }",
                  "}", ""]
        # filler helpers up to the target size
        k = 0
        while len(lines) < target_lines - 2:
            k += 1
            verb = rng.choice(VERBS)
            noun = rng.choice(NOUNS)
            name = f"{verb}{cap(noun)}{k}"
            body_kind = rng.randrange(4)
            if body_kind == 0:
                lines += [f"export function {name}(items{T(': readonly number[]')}){T(': number')} {{",
                          "  let acc = 0;",
                          "  for (const item of items) {",
                          "    if (item > 0) {",
                          "      acc += item * 2;",
                          "    } else {",
                          "      acc -= item;",
                          "    }",
                          "  }",
                          "  return acc;",
                          "}", ""]
            elif body_kind == 1:
                lines += [f"export async function {name}(id{T(': string')}){T(': Promise<string>')} {{",
                          "  const parts = id.split('-');",
                          "  await Promise.resolve();",
                          "  return parts.map((p) => p.trim().toLowerCase()).join('/');",
                          "}", ""]
            elif body_kind == 2:
                lines += [f"const {name}Table = {{",
                          *[f"  {rng.choice(NOUNS)}{j}: {rng.randint(0, 999)}," for j in range(rng.randint(3, 8))],
                          "};", "",
                          f"export function {name}(key{T(': string')}){T(': number')} {{",
                          f"  return ({name}Table{T(' as Record<string, number>')})[key] ?? -1;",
                          "}", ""]
            else:
                lines += [f"export const {name} = (a{T(': number')}, b{T(': number')}){T(': number')} => {{",
                          "  const lo = Math.min(a, b);",
                          "  const hi = Math.max(a, b);",
                          "  return hi - lo;",
                          "};", ""]
        lines.append(f"export default {m.fn};")
        return "\n".join(lines) + "\n", marks

    # ---- output -------------------------------------------------------------------------
    def form_counts(self) -> dict[str, int]:
        c = dict(self.forms)
        c["named (db.ts)"] = sum(1 for m in self.modules for t in m.imports if t == self.db.idx)
        c["dynamic import()"] = sum(len(m.dynamic) for m in self.modules)
        return dict(sorted(c.items(), key=lambda kv: -kv[1]))

    def write(self, out: Path) -> dict:
        if out.exists():
            shutil.rmtree(out)
        (out / "src").mkdir(parents=True)
        (out / "package.json").write_text(json.dumps(
            {"name": "bench-app", "private": True, "version": "0.0.0", "type": "module"}, indent=2) + "\n")
        (out / "tsconfig.json").write_text(
            "{\n"
            "  // generated by bench/gen_workspace.py\n"
            '  "compilerOptions": {\n'
            '    "target": "es2022",\n'
            '    "module": "esnext",\n'
            '    "moduleResolution": "bundler",\n'
            '    "strict": true,\n'
            '    "allowJs": true,\n'
            '    "baseUrl": ".",\n'
            '    "paths": {\n'
            '      "@core/*": ["src/core/*"],\n'
            '      "@shared/*": ["src/shared/*"],\n'
            "    },\n"
            "  },\n"
            '  "include": ["src"],\n'
            "}\n")
        marks: dict[int, dict] = {}
        total_bytes = 0
        total_lines = 0
        for m in self.modules:
            text, mk = self.render(m)
            marks[m.idx] = mk
            p = out / m.path
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(text)
            total_bytes += len(text.encode())
            total_lines += text.count("\n")

        via_db = self.async_set([self.db.idx])
        tla_all = [m.idx for m in self.modules if m.tla]
        via_any = self.async_set(tla_all)
        # async through anything but db.ts: the files the latency benchmark opens must not be
        via_msg = self.async_set([i for i in tla_all if i != self.db.idx])
        rev = self.reverse()

        # first-squiggle file: an async page of a data-backed feature (needs the graph: >= 3 hops)
        def candidates(lo: int, hi: int, layers: set[int]) -> list[Module]:
            return [m for m in self.modules if m.idx in via_db and lo <= via_db[m.idx] <= hi
                    and m.idx not in via_msg and m.layer in layers and not m.js]
        first = sorted(candidates(3, 9, {5, 6}), key=lambda m: (-via_db[m.idx], m.path))[0]
        # flip importer: several hops above db.ts, async only because of db.ts
        flip_pool = sorted(candidates(3, 4, {4, 5}), key=lambda m: (via_db[m.idx], m.path))
        flip = flip_pool[len(flip_pool) // 2]
        # the import line(s) of `flip` that carry async-ness
        flip_lines = sorted(marks[flip.idx]["import_lines"][self.modules[t].path]
                            for t in flip.imports if t in via_db)
        # the function-body edit file: a big sync-or-async open file (take the flip importer's neighbour)
        body_file = max((m for m in self.modules if m.idx in via_db and m.idx not in via_msg
                         and m.layer == 3 and not m.js),
                        key=lambda m: (len(m.imports), m.path))
        dist_hist: dict[int, int] = {}
        for d in via_db.values():
            dist_hist[d] = dist_hist.get(d, 0) + 1
        manifest = {
            "generator_version": GENERATOR_VERSION,
            "modules": self.n,
            "seed": self.seed,
            "bytes": total_bytes,
            "lines": total_lines,
            "features": len(self.features),
            "data_features": sorted(self.data_features),
            "cycles": self.n_cycles,
            "edges": sum(len(m.imports) for m in self.modules),
            "type_only_imports": sum(len(m.type_imports) for m in self.modules),
            "dynamic_imports": sum(len(m.dynamic) for m in self.modules),
            "tla_modules": [self.modules[i].path for i in tla_all],
            "tla_share": self.tla_share,
            "import_forms": self.form_counts(),
            "async_because_of_db": len(via_db) - 1,
            "async_modules": len(via_any),
            "async_distance_histogram": {str(k): v for k, v in sorted(dist_hist.items())},
            "db": {"path": self.db.path, "tla_line": marks[self.db.idx]["tla"][0],
                   "tla_character": marks[self.db.idx]["tla"][1],
                   "direct_importers": len(rev[self.db.idx])},
            "first_squiggle": {"path": first.path, "hops_to_db": via_db[first.idx]},
            "flip_importer": {"path": flip.path, "hops_to_db": via_db[flip.idx], "async_import_lines": flip_lines},
            "body_edit": {"path": body_file.path, "line": marks[body_file.idx]["body"][0],
                          "character": marks[body_file.idx]["body"][1]},
            "expected_async": sorted(self.modules[i].path for i in via_any),
        }
        (out / ".bench.json").write_text(json.dumps(manifest, indent=1) + "\n")
        return manifest


def generate(out: Path, modules: int = 5000, seed: int = 1, tla_share: float = 0.03) -> dict:
    g = Generator(modules, seed, tla_share)
    g.build()
    return g.write(out)


def ensure(out: Path, modules: int, seed: int, tla_share: float = 0.03) -> dict:
    """Reuse a workspace generated earlier with the same parameters, else (re)generate it."""
    mf = out / ".bench.json"
    if mf.exists():
        try:
            m = json.loads(mf.read_text())
            if (m.get("generator_version"), m.get("modules"), m.get("seed"), m.get("tla_share")) == \
                    (GENERATOR_VERSION, modules, seed, tla_share):
                return m
        except ValueError:
            pass
    return generate(out, modules, seed, tla_share)


def default_out(modules: int, seed: int) -> Path:
    return Path(__file__).resolve().parent / ".work" / f"ws-{modules}-s{seed}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--modules", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--tla-share", type=float, default=0.03,
                    help="share of modules with a top-level await (default 0.03; at least db.ts and messages.ts)")
    ap.add_argument("--out", type=Path, help="target folder (default: bench/.work/ws-N-sSEED); replaced")
    a = ap.parse_args()
    out = a.out or default_out(a.modules, a.seed)
    m = generate(out, a.modules, a.seed, a.tla_share)
    summary = {k: v for k, v in m.items() if k != "expected_async"}
    print(f"wrote {out}")
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
