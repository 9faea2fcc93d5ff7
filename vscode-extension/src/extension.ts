/**
 * tla-lens for VS Code: starts `tla-lens serve` (the server bundled with the extension, or an
 * installed one) with vscode-languageclient, and adds what an editor can do beyond LSP: the
 * Async Modules view, the status bar item, the peek view of the chain, the quick pick.
 */
import { execFile } from "node:child_process";
import { access, constants, readFile, readdir } from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import * as vscode from "vscode";
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  RevealOutputChannelOn,
  State,
  ExecuteCommandRequest,
  type LanguageClientOptions,
  type ServerOptions,
} from "vscode-languageclient/node";
import { CrashPolicy } from "./crashPolicy";
import { outermost, ownerOf, plan } from "./folders";
import { type BundleTarget, PROBE_CODE, discoverServer, parseProbe, type PythonInfo, type ServerCommand } from "./interpreter";
import {
  ASYNC_MODULES_REQUEST,
  CACHED_FILE_REQUEST,
  CACHED_FILES_CAPABILITY,
  CACHED_SCHEME,
  EXPLAIN_REQUEST,
  type AsyncModuleSite,
  type CachedFile,
  type ExplainResult,
  type Range as LspRange,
  baseName,
} from "./protocol";
import { serverSettings, settingsEffect } from "./settings";
import {
  asyncModuleRows,
  buildTree,
  fingerprint,
  peekLocations,
  statusFor,
  type TreeNode,
} from "./viewModel";

// (vue, svelte, astro and mdx: the languages the Vue, Svelte, Astro and MDX extensions give their files)
const LANGUAGES = ["javascript", "javascriptreact", "typescript", "typescriptreact", "vue", "svelte", "astro", "mdx"];
// commands the server puts on code lenses and code actions (workspace/executeCommand)
const SERVER_COMMANDS = { showChain: "tla-lens.showChain", showDocumentation: "tla-lens.showDocumentation" };
// components are served whatever language the editor gives them (without the Vue, Svelte or
// Astro extension they are plain text, and their imports still count)
const COMPONENTS = "**/*.{vue,svelte,astro,mdx}";
const SELECTOR = [...LANGUAGES.map((language) => ({ scheme: "file", language })), { scheme: "file", pattern: COMPONENTS }];
type ServerState = "starting" | "ready" | "stopped";

function isOurs(doc: vscode.TextDocument | undefined): doc is vscode.TextDocument {
  return (
    doc !== undefined &&
    doc.uri.scheme === "file" &&
    (LANGUAGES.includes(doc.languageId) || /\.(vue|svelte|astro|mdx)$/i.test(doc.uri.fsPath))
  );
}

function toRange(r: LspRange): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

function rel(uri: string): string {
  try {
    // (with several workspace folders, the folder's name comes first)
    return vscode.workspace.asRelativePath(vscode.Uri.parse(uri));
  } catch {
    return uri;
  }
}

function debounce(fn: () => void, ms: number): { (): void; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  const run = (): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      fn();
    }, ms);
  };
  run.cancel = (): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
  };
  return run;
}

// == the Python extension (optional) ============================================================
interface PythonEnvironmentsApi {
  getActiveEnvironmentPath(resource?: vscode.Uri): { path: string } | undefined;
  resolveEnvironment(env: { path: string } | string): Promise<{ executable: { uri?: vscode.Uri } } | undefined>;
  onDidChangeActiveEnvironmentPath: vscode.Event<unknown>;
}
interface PythonExtensionApi {
  environments?: PythonEnvironmentsApi;
  settings?: { getExecutionDetails(resource?: vscode.Uri): { execCommand: string[] | undefined } };
}

async function pythonExtensionApi(): Promise<PythonExtensionApi | undefined> {
  const ext = vscode.extensions.getExtension<PythonExtensionApi>("ms-python.python");
  if (!ext) return undefined;
  return ext.isActive ? ext.exports : await ext.activate();
}

async function pythonExtensionInterpreter(folder: vscode.Uri | undefined): Promise<string | undefined> {
  const api = await pythonExtensionApi();
  if (!api) return undefined;
  const envs = api.environments;
  if (envs) {
    const active = envs.getActiveEnvironmentPath(folder);
    if (active) {
      const resolved = await envs.resolveEnvironment(active);
      const exe = resolved?.executable.uri?.fsPath;
      if (exe) return exe;
    }
  }
  return api.settings?.getExecutionDetails(folder).execCommand?.[0];
}

function probePython(command: string): Promise<PythonInfo> {
  return new Promise((resolve, reject) => {
    execFile(command, ["-I", "-c", PROBE_CODE], { timeout: 15000 }, (err, stdout, stderr) => {
      if (err) {
        const e = err as NodeJS.ErrnoException;
        reject(new Error(e.code === "ENOENT" ? "not found" : (stderr.trim() || e.message).slice(0, 300)));
        return;
      }
      try {
        resolve(parseProbe(stdout, command));
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    });
  });
}

/** What the bundled server is built for: its manifest's platform and arch (scripts/bundle_server.py). */
async function bundleTarget(bundle: string): Promise<BundleTarget | undefined> {
  try {
    const m = JSON.parse(await readFile(path.join(bundle, "manifest.json"), "utf8")) as { platform?: unknown; arch?: unknown };
    return typeof m.platform === "string" && typeof m.arch === "string" ? { platform: m.platform, arch: m.arch } : undefined;
  } catch {
    return undefined;
  }
}

async function bundledVersions(libs: string): Promise<string[]> {
  try {
    return (await readdir(libs))
      .map((d) => /^cp3(\d+)$/.exec(d))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => `3.${m[1] ?? ""}`);
  } catch {
    return [];
  }
}

// == the Async Modules view =====================================================================
class AsyncModulesView implements vscode.TreeDataProvider<TreeNode> {
  private nodes: TreeNode[] = [];
  private last = "";
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  view: vscode.TreeView<TreeNode> | undefined;

  constructor(private readonly controller: Controller) {}

  async refresh(force = false): Promise<void> {
    const sites = await this.controller.asyncModules();
    const fp = sites === undefined ? "" : fingerprint(sites);
    if (!force && fp === this.last) return;
    this.last = fp;
    this.nodes = sites === undefined ? [] : buildTree(sites, rel);
    if (this.view) {
      const own = sites?.filter((s) => s.workspace).length ?? 0;
      this.view.description = sites === undefined ? undefined : `${own} top-level await${own === 1 ? "" : "s"}`;
    }
    this.changed.fire(undefined);
  }

  clear(): void {
    this.last = "";
    this.nodes = [];
    if (this.view) this.view.description = undefined;
    this.changed.fire(undefined);
  }

  getChildren(node?: TreeNode): TreeNode[] {
    if (!node) return this.nodes;
    return node.type === "site" || node.type === "group" ? node.children : [];
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    const C = vscode.TreeItemCollapsibleState;
    switch (node.type) {
      case "site": {
        const expand = this.nodes.length <= 5 ? C.Expanded : C.Collapsed;
        const item = new vscode.TreeItem(node.label, expand);
        item.id = node.id;
        item.description = node.description;
        item.tooltip = node.tooltip;
        item.iconPath = new vscode.ThemeIcon("watch");
        item.contextValue = "tlaLens.site";
        item.resourceUri = vscode.Uri.parse(node.uri);
        item.command = { title: "Open", command: "tlaLens.openLocation", arguments: [node.uri, node.range] };
        return item;
      }
      case "group": {
        const open = node.icon !== "dependencies" && node.children.length <= 10;
        const item = new vscode.TreeItem(node.label, open ? C.Expanded : C.Collapsed);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon(
          node.icon === "infects" ? "arrow-up" : node.icon === "entries" ? "debug-start" : "package",
        );
        return item;
      }
      case "module": {
        const uri = vscode.Uri.parse(node.uri);
        const item = new vscode.TreeItem(uri, C.None);
        item.id = node.id;
        item.label = node.label;
        item.description = node.description ?? "";
        item.tooltip = `${rel(node.uri)} — async module`;
        item.contextValue = "tlaLens.module";
        item.command = { title: "Open", command: "tlaLens.openLocation", arguments: [node.uri, node.range] };
        return item;
      }
      case "info": {
        const item = new vscode.TreeItem(node.label, C.None);
        item.id = node.id;
        item.iconPath = new vscode.ThemeIcon("info");
        return item;
      }
    }
  }
}

// == the controller =============================================================================
interface FolderClient {
  client: LanguageClient;
  folder: vscode.WorkspaceFolder | undefined;
  disposables: vscode.Disposable[];
}

export class Controller implements vscode.Disposable {
  /** One client and server per outermost workspace folder (by path; "" when no folder is open). */
  private readonly clients = new Map<string, FolderClient>();
  private server: ServerCommand | undefined;
  private readonly output: vscode.LogOutputChannel;
  private readonly crashes = new CrashPolicy();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly view: AsyncModulesView;
  private readonly status: vscode.StatusBarItem;
  private stopping = 0; // clients being stopped on purpose (their close is not a crash)
  private syncing: Promise<void> = Promise.resolve();
  private starting: Promise<void> | undefined;
  private statusVersion = 0;
  /** The language of each file served by CACHED_SCHEME, as its server named it. */
  private readonly cachedLanguages = new Map<string, string>();
  readonly refreshView = debounce(() => void this.view.refresh(), 400);
  readonly refreshStatus = debounce(() => void this.updateStatus(), 300);

  constructor(private readonly context: vscode.ExtensionContext) {
    this.output = vscode.window.createOutputChannel("tla-lens", { log: true });
    this.view = new AsyncModulesView(this);
    const treeView = vscode.window.createTreeView("tlaLens.asyncModules", {
      treeDataProvider: this.view,
      showCollapseAll: true,
    });
    this.view.view = treeView;
    this.status = vscode.window.createStatusBarItem("tlaLens.status", vscode.StatusBarAlignment.Right, 100);
    this.status.name = "tla-lens";
    this.status.command = "tlaLens.showWhyAsync";
    this.disposables.push(this.output, treeView, this.status);
    this.registerCommands();
    this.registerEvents(treeView);
  }

  log(message: string): void {
    this.output.info(message);
  }

  private setState(state: ServerState): void {
    void vscode.commands.executeCommand("setContext", "tlaLens.state", state);
  }

  // -- lifecycle --------------------------------------------------------------------------------
  async start(): Promise<void> {
    if (this.starting) return this.starting;
    this.starting = this.doStart().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  private async doStart(): Promise<void> {
    void vscode.commands.executeCommand("setContext", "tlaLens.enabled", true);
    this.setState("starting");
    const folder = vscode.workspace.workspaceFolders?.[0];
    const cfg = vscode.workspace.getConfiguration("tlaLens", folder);
    const bundle = this.context.asAbsolutePath("bundled");
    const found = await discoverServer({
      pythonExtensionInterpreter: () => pythonExtensionInterpreter(folder?.uri),
      interpreterSetting: cfg.get<string>("interpreter") ?? "",
      serverPathSetting: cfg.get<string>("server.path") ?? "",
      workspaceFolder: folder?.uri.fsPath,
      home: os.homedir(),
      probe: probePython,
      isExecutable: async (f) => {
        try {
          await access(f, constants.X_OK);
          return true;
        } catch {
          return false;
        }
      },
      bundledVersions: await bundledVersions(path.join(bundle, "libs")),
      bundleTarget: await bundleTarget(bundle),
      launcher: path.join(bundle, "launch.py"),
      platform: process.platform,
      arch: process.arch,
    });
    for (const line of found.log) this.log(line);
    if (!found.server) {
      this.setState("stopped");
      const error = found.error ?? "tla-lens could not find its server.";
      this.output.error(error);
      void this.showError(error, true);
      return;
    }
    this.server = found.server;
    await this.syncClients();
  }

  /** Start a server for each outermost workspace folder that has none, stop those of folders
   * that left the workspace (or are now inside another folder). */
  private syncClients(): Promise<void> {
    // one at a time: folder events can come in bursts
    this.syncing = this.syncing.then(() => this.doSyncClients()).catch((e: unknown) => {
      this.output.error(`starting the servers of the workspace folders: ${String(e)}`);
    });
    return this.syncing;
  }

  private async doSyncClients(): Promise<void> {
    const server = this.server;
    if (!server) return;
    const folders = vscode.workspace.workspaceFolders ?? [];
    const byPath = new Map(folders.map((f) => [f.uri.fsPath, f]));
    const wanted = folders.length > 0 ? outermost(folders.map((f) => f.uri.fsPath)) : [""];
    const { start, stop } = plan([...this.clients.keys()], wanted);
    for (const key of stop) await this.stopOne(key);
    for (const key of start) await this.startClient(server, key, byPath.get(key), wanted.length > 1);
  }

  private async startClient(
    server: ServerCommand,
    key: string,
    folder: vscode.WorkspaceFolder | undefined,
    several: boolean,
  ): Promise<void> {
    const storage = this.context.globalStorageUri.fsPath;
    const env: NodeJS.ProcessEnv = { ...process.env, TLA_LENS_PYCACHE: path.join(storage, "pycache") };
    const serverOptions: ServerOptions = {
      command: server.command,
      args: server.args,
      options: { env, ...(folder ? { cwd: folder.uri.fsPath } : {}) },
    };
    // a folder's server sees the files of that folder only; the other folders have their own
    const selector = folder
      ? [
          ...LANGUAGES.map((language) => ({ scheme: "file", language, pattern: { baseUri: folder.uri.toString(), pattern: "**/*" } })),
          { scheme: "file", pattern: { baseUri: folder.uri.toString(), pattern: COMPONENTS } },
        ]
      : SELECTOR;
    const clientOptions: LanguageClientOptions = {
      documentSelector: selector,
      ...(folder ? { workspaceFolder: folder } : {}),
      outputChannel: this.output,
      traceOutputChannel: this.output,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      errorHandler: {
        error: (_error, _message, count) => ({ action: (count ?? 0) <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown }),
        closed: () => this.onClosed(),
      },
      middleware: {
        workspace: {
          configuration: async (params, token, next) => {
            const result = await next(params, token);
            if (!Array.isArray(result)) return result;
            return params.items.map((item, i): unknown =>
              item.section === "tlaLens" ? this.settingsFor(item.scopeUri ?? folder?.uri.toString()) : result[i],
            );
          },
        },
        window: {
          showDocument: async (params, token, next) => {
            // the server's documentation pages are Markdown files: show them rendered
            if (params.uri.startsWith("file:") && params.uri.endsWith(".md") && !params.external) {
              await vscode.commands.executeCommand("markdown.showPreview", vscode.Uri.parse(params.uri));
              return { success: true };
            }
            return next(params, token);
          },
        },
      },
    };
    const name = several && folder ? `tla-lens (${folder.name})` : "tla-lens";
    const client = new LanguageClient("tlaLens", name, serverOptions, clientOptions);
    // The servers' commands (code lens, "Show documentation") are registered once, by
    // registerCommands, and sent to the server of the folder they concern: the client would
    // register them again for each folder's server, which VS Code refuses.
    const commands = client.getFeature(ExecuteCommandRequest.method);
    commands.initialize = (): void => undefined;
    commands.register = (): void => undefined;
    // files in zip archives and Deno's JSR cache: the server names them by CACHED_SCHEME, and
    // the content provider (registerEvents) asks it for their text
    client.registerFeature({
      fillClientCapabilities: (caps) => {
        caps.experimental = { ...(caps.experimental as object | undefined), [CACHED_FILES_CAPABILITY]: true };
      },
      initialize: () => undefined,
      getState: () => ({ kind: "static" }),
      clear: () => undefined,
    });
    const entry: FolderClient = { client, folder, disposables: [] };
    this.clients.set(key, entry);
    entry.disposables.push(
      client.onDidChangeState((e) => {
        if (e.newState === State.Running) {
          this.setState("ready");
          this.refreshView();
          this.refreshStatus();
        } else if (e.newState === State.Stopped) {
          this.afterStop();
        }
      }),
    );
    const what = folder ? ` for ${folder.name}` : "";
    this.log(`starting the server${what}: ${server.description}`);
    try {
      await client.start();
      this.log(`the server${what} is running`);
    } catch (e) {
      this.afterStop();
      const message = `The tla-lens server${what} did not start (${server.description}): ${e instanceof Error ? e.message : String(e)}`;
      this.output.error(message);
      void this.showError(message, false);
    }
  }

  /** A server stopped: the view and the status bar follow the ones still running. */
  private afterStop(): void {
    if (this.running().length > 0) {
      this.refreshView();
      this.refreshStatus();
      return;
    }
    this.setState("stopped");
    this.view.clear();
    this.status.hide();
  }

  private onClosed(): { action: CloseAction; handled: boolean } {
    if (this.stopping > 0) return { action: CloseAction.DoNotRestart, handled: true };
    const { restart, count } = this.crashes.crashed();
    if (restart) {
      this.output.warn(`the server stopped unexpectedly (${count} in the last 3 minutes); restarting it`);
      void vscode.window
        .showWarningMessage("The tla-lens server stopped unexpectedly and is being restarted.", "Show Output")
        .then((pick) => {
          if (pick) this.output.show(true);
        });
      return { action: CloseAction.Restart, handled: true };
    }
    this.output.error(`the server stopped ${count} times in 3 minutes; not restarting it`);
    void vscode.window
      .showErrorMessage(
        `The tla-lens server crashed ${count} times in 3 minutes and was not restarted.`,
        "Show Output",
        "Restart Server",
      )
      .then((pick) => {
        if (pick === "Show Output") this.output.show(true);
        if (pick === "Restart Server") void this.restart();
      });
    return { action: CloseAction.DoNotRestart, handled: true };
  }

  private async showError(message: string, settings: boolean): Promise<void> {
    const actions = settings ? ["Open Settings", "Show Output"] : ["Show Output", "Restart Server"];
    const pick = await vscode.window.showErrorMessage(message, ...actions);
    if (pick === "Open Settings") {
      await vscode.commands.executeCommand("workbench.action.openSettings", "tlaLens.interpreter");
    } else if (pick === "Show Output") {
      this.output.show(true);
    } else if (pick === "Restart Server") {
      await this.restart();
    }
  }

  /** Stop every server. */
  async stopClient(): Promise<void> {
    for (const key of [...this.clients.keys()]) await this.stopOne(key);
  }

  private async stopOne(key: string): Promise<void> {
    const entry = this.clients.get(key);
    this.clients.delete(key);
    if (!entry) return;
    for (const d of entry.disposables.splice(0)) d.dispose();
    this.stopping++;
    try {
      if (entry.client.isRunning()) await entry.client.stop(5000);
      await entry.client.dispose();
    } catch (e) {
      this.output.warn(`stopping the server: ${String(e)}`);
    } finally {
      this.stopping--;
    }
    this.afterStop();
  }

  async restart(): Promise<void> {
    this.log("restarting the server");
    this.crashes.reset();
    await this.stopClient();
    this.view.clear();
    await this.start();
  }

  dispose(): void {
    this.refreshView.cancel();
    this.refreshStatus.cancel();
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  // -- settings ---------------------------------------------------------------------------------
  settingsFor(scopeUri: string | undefined): unknown {
    const scope = scopeUri ? vscode.Uri.parse(scopeUri) : vscode.workspace.workspaceFolders?.[0]?.uri;
    const cfg = vscode.workspace.getConfiguration("tlaLens", scope);
    const { settings, problems } = serverSettings((key) => cfg.inspect(key));
    for (const p of problems) this.output.warn(p);
    return settings;
  }

  private async onConfigurationChanged(e: vscode.ConfigurationChangeEvent): Promise<void> {
    if (!e.affectsConfiguration("tlaLens")) return;
    const effects = settingsEffect((s) => e.affectsConfiguration(s));
    if (effects.includes("restart")) {
      this.log("the interpreter or server setting changed");
      await this.restart();
      return;
    }
    if (effects.includes("notify")) {
      this.log(`settings changed: ${JSON.stringify(this.settingsFor(undefined))}`);
      // each server pulls the new values through workspace/configuration (our middleware)
      for (const client of this.running()) {
        await client.sendNotification("workspace/didChangeConfiguration", { settings: null });
      }
    }
    if (effects.includes("statusBar")) this.refreshStatus();
  }

  // -- requests ---------------------------------------------------------------------------------
  private running(): LanguageClient[] {
    return [...this.clients.values()].map((e) => e.client).filter((c) => c.isRunning());
  }

  /** The running client whose folder holds `uri` (the folder-less one when no folder is open). */
  private clientFor(uri: vscode.Uri): LanguageClient | undefined {
    const roots = [...this.clients.keys()].filter((k) => k !== "");
    const key = ownerOf(uri.fsPath, roots) ?? (this.clients.has("") ? "" : undefined);
    const client = key === undefined ? undefined : this.clients.get(key)?.client;
    return client?.isRunning() ? client : undefined;
  }

  /** The text of a file only the servers can read (CACHED_SCHEME): the first that answers. */
  async cachedFile(uri: vscode.Uri): Promise<string | undefined> {
    for (const client of this.running()) {
      try {
        const r = await client.sendRequest<CachedFile | null>(CACHED_FILE_REQUEST, { uri: uri.toString(true) });
        if (r) {
          if (r.languageId) this.cachedLanguages.set(uri.toString(), r.languageId);
          return r.text;
        }
      } catch {
        // (a server that stopped meanwhile)
      }
    }
    return undefined;
  }

  /** The async modules of every folder's server (undefined when none answers). */
  async asyncModules(): Promise<AsyncModuleSite[] | undefined> {
    const clients = this.running();
    if (clients.length === 0) return undefined;
    const results = await Promise.all(
      clients.map(async (client) => {
        try {
          return (await client.sendRequest<AsyncModuleSite[] | null>(ASYNC_MODULES_REQUEST, {})) ?? [];
        } catch (e) {
          this.output.warn(`${ASYNC_MODULES_REQUEST} failed: ${String(e)}`);
          return undefined;
        }
      }),
    );
    const answered = results.filter((r): r is AsyncModuleSite[] => r !== undefined);
    return answered.length > 0 ? answered.flat() : undefined;
  }

  async explain(uri: vscode.Uri): Promise<ExplainResult | null> {
    const client = this.clientFor(uri);
    if (!client) return null;
    try {
      return await client.sendRequest<ExplainResult | null>(EXPLAIN_REQUEST, { textDocument: { uri: uri.toString() } });
    } catch (e) {
      this.output.warn(`${EXPLAIN_REQUEST} failed: ${String(e)}`);
      return null;
    }
  }

  // -- status bar -------------------------------------------------------------------------------
  private async updateStatus(): Promise<void> {
    const version = ++this.statusVersion;
    const doc = vscode.window.activeTextEditor?.document;
    const enabled = vscode.workspace.getConfiguration("tlaLens").get<boolean>("statusBar") ?? true;
    if (!enabled || !isOurs(doc)) {
      this.status.hide();
      void vscode.commands.executeCommand("setContext", "tlaLens.activeEditorAsync", false);
      return;
    }
    const explain = await this.explain(doc.uri);
    if (version !== this.statusVersion) return; // a newer update is on its way
    const model = statusFor(explain, rel);
    void vscode.commands.executeCommand("setContext", "tlaLens.activeEditorAsync", model !== undefined);
    if (!model) {
      this.status.hide();
      return;
    }
    this.status.text = model.text;
    this.status.tooltip = model.tooltip;
    this.status.show();
  }

  // -- commands ---------------------------------------------------------------------------------
  private registerCommands(): void {
    const reg = (id: string, fn: (...args: never[]) => unknown): void => {
      this.disposables.push(vscode.commands.registerCommand(id, fn));
    };
    reg("tlaLens.restartServer", () => this.restart());
    reg("tlaLens.showOutput", () => {
      this.output.show(true);
    });
    reg("tlaLens.toggleInlayHints", () => this.toggleInlayHints());
    reg("tlaLens.refreshAsyncModules", () => this.view.refresh(true));
    reg("tlaLens.listAsyncModules", () => this.listAsyncModules());
    reg("tlaLens.showWhyAsync", (arg?: unknown) => this.showWhyAsync(arg));
    reg("tlaLens.openLocation", (uri: string, range?: LspRange) => this.open(uri, range));
    // the servers' own commands (see startClient)
    reg(SERVER_COMMANDS.showChain, (uri?: string) => this.serverCommand(SERVER_COMMANDS.showChain, uri));
    reg(SERVER_COMMANDS.showDocumentation, (code?: string) => this.serverCommand(SERVER_COMMANDS.showDocumentation, code));
  }

  /** A command of the servers: to the server of the folder of `arg` when it is a document URI,
   * else to any running one. */
  private async serverCommand(command: string, arg?: string): Promise<unknown> {
    let client: LanguageClient | undefined;
    if (typeof arg === "string" && /^[a-z][a-z0-9+.-]*:/i.test(arg)) client = this.clientFor(vscode.Uri.parse(arg));
    client ??= this.running()[0];
    if (!client) return undefined;
    try {
      return await client.sendRequest(ExecuteCommandRequest.type, { command, arguments: arg === undefined ? [] : [arg] });
    } catch (e) {
      this.output.warn(`${command} failed: ${String(e)}`);
      return undefined;
    }
  }

  private async open(uri: string, range?: LspRange): Promise<void> {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
    const options: vscode.TextDocumentShowOptions = { preview: true };
    if (range) options.selection = toRange(range);
    await vscode.window.showTextDocument(doc, options);
  }

  private async toggleInlayHints(): Promise<void> {
    const scope = vscode.window.activeTextEditor?.document.uri ?? vscode.workspace.workspaceFolders?.[0]?.uri;
    const cfg = vscode.workspace.getConfiguration("tlaLens", scope);
    const i = cfg.inspect<boolean>("inlayHints");
    const current = cfg.get<boolean>("inlayHints") ?? true;
    const target =
      i?.workspaceFolderValue !== undefined
        ? vscode.ConfigurationTarget.WorkspaceFolder
        : i?.workspaceValue !== undefined
          ? vscode.ConfigurationTarget.Workspace
          : vscode.ConfigurationTarget.Global;
    await cfg.update("inlayHints", !current, target);
    vscode.window.setStatusBarMessage(`tla-lens inlay hints: ${!current ? "on" : "off"}`, 3000);
    const editorSetting = vscode.workspace.getConfiguration("editor.inlayHints", scope).get<string>("enabled");
    if (!current && editorSetting === "off") {
      void vscode.window.showInformationMessage(
        "tla-lens's inlay hints are on, but VS Code's editor.inlayHints.enabled is off.",
        "Open Setting",
      ).then((pick) => {
        if (pick) void vscode.commands.executeCommand("workbench.action.openSettings", "editor.inlayHints.enabled");
      });
    }
  }

  private async listAsyncModules(): Promise<void> {
    const sites = await this.asyncModules();
    if (sites === undefined) {
      void vscode.window.showWarningMessage("The tla-lens server is not running.", "Show Output").then((p) => {
        if (p) this.output.show(true);
      });
      return;
    }
    const rows = asyncModuleRows(sites, rel);
    if (rows.length === 0) {
      void vscode.window.showInformationMessage("No async modules: nothing in this workspace has a top-level await.");
      return;
    }
    type Item = vscode.QuickPickItem & { uri?: string; range?: LspRange };
    const items: Item[] = [];
    let section: boolean | undefined;
    for (const r of rows) {
      if (section !== r.hasTopLevelAwait) {
        section = r.hasTopLevelAwait;
        items.push({ label: r.hasTopLevelAwait ? "Top-level await" : "Async because of an import", kind: vscode.QuickPickItemKind.Separator });
      }
      items.push({
        label: `${r.hasTopLevelAwait ? "$(watch)" : "$(arrow-up)"} ${r.label}`,
        description: r.description,
        detail: r.detail,
        uri: r.uri,
        ...(r.range ? { range: r.range } : {}),
      });
    }
    const pick = await vscode.window.showQuickPick(items, {
      title: `Async modules (${rows.length})`,
      placeHolder: "Open an async module",
      matchOnDescription: true,
      matchOnDetail: true,
    });
    if (pick?.uri) await this.open(pick.uri, pick.range);
  }

  private async showWhyAsync(arg?: unknown): Promise<void> {
    let uri: vscode.Uri | undefined;
    if (arg instanceof vscode.Uri) uri = arg;
    else if (typeof arg === "string") uri = vscode.Uri.parse(arg);
    else if (arg && typeof arg === "object" && "uri" in arg && typeof arg.uri === "string") uri = vscode.Uri.parse(arg.uri);
    uri ??= vscode.window.activeTextEditor?.document.uri;
    if (!uri) {
      void vscode.window.showInformationMessage("Open a JavaScript or TypeScript file first.");
      return;
    }
    if (!this.clientFor(uri)) {
      if (this.running().length > 0) {
        void vscode.window.showInformationMessage(`${baseName(uri.toString())} is outside the workspace folders tla-lens analyses.`);
        return;
      }
      void vscode.window.showWarningMessage("The tla-lens server is not running.", "Show Output").then((p) => {
        if (p) this.output.show(true);
      });
      return;
    }
    const explain = await this.explain(uri);
    const name = baseName(uri.toString());
    if (!explain) {
      void vscode.window.showInformationMessage(`tla-lens has not analysed ${name} (is it excluded, or outside the workspace?).`);
      return;
    }
    if (!explain.async) {
      void vscode.window.showInformationMessage(`${name} is not an async module: nothing it imports statically has a top-level await.`);
      return;
    }
    const locations = peekLocations(explain).map((l) => new vscode.Location(vscode.Uri.parse(l.uri), toRange(l.range)));
    const editor = await vscode.window.showTextDocument(uri, { preserveFocus: false, preview: true });
    const here = locations.find((l) => l.uri.toString() === uri.toString());
    const position = here?.range.start ?? editor.selection.active;
    if (!here) editor.selection = new vscode.Selection(position, position);
    await vscode.commands.executeCommand("editor.action.peekLocations", uri, position, locations, "peek");
  }

  // -- events -----------------------------------------------------------------------------------
  private registerEvents(treeView: vscode.TreeView<TreeNode>): void {
    const refreshOnType = debounce(() => {
      this.refreshView();
      this.refreshStatus();
    }, 800);
    this.disposables.push(
      vscode.workspace.registerTextDocumentContentProvider(CACHED_SCHEME, {
        provideTextDocumentContent: async (uri) =>
          (await this.cachedFile(uri)) ?? `// tla-lens: ${uri.path} cannot be read (no server has it)\n`,
      }),
      // a cached file whose name does not say its language (a Deno module downloaded from a URL
      // without an extension) gets the one its server named
      vscode.workspace.onDidOpenTextDocument((doc) => {
        if (doc.uri.scheme !== CACHED_SCHEME) return;
        const language = this.cachedLanguages.get(doc.uri.toString());
        if (language && doc.languageId !== language) {
          vscode.languages.setTextDocumentLanguage(doc, language).then(undefined, () => undefined);
        }
      }),
      vscode.workspace.onDidChangeConfiguration((e) => void this.onConfigurationChanged(e)),
      // a folder added to or removed from a multi-root workspace gets or loses its server
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.syncClients()),
      vscode.window.onDidChangeActiveTextEditor(() => {
        this.refreshStatus();
      }),
      // the server refreshes diagnostics whenever the graph changes: so do the view and status
      vscode.languages.onDidChangeDiagnostics(() => {
        this.refreshView();
        this.refreshStatus();
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (isOurs(e.document) && e.contentChanges.length > 0) refreshOnType();
      }),
      vscode.workspace.onDidSaveTextDocument(() => {
        this.refreshView();
      }),
      vscode.workspace.onDidCreateFiles(() => {
        this.refreshView();
      }),
      vscode.workspace.onDidDeleteFiles(() => {
        this.refreshView();
      }),
      vscode.workspace.onDidRenameFiles(() => {
        this.refreshView();
      }),
      treeView.onDidChangeVisibility((e) => {
        if (e.visible) void this.view.refresh(true);
      }),
      new vscode.Disposable(() => {
        refreshOnType.cancel();
      }),
    );
    void this.watchPythonExtension();
  }

  private async watchPythonExtension(): Promise<void> {
    try {
      const api = await pythonExtensionApi();
      const event = api?.environments?.onDidChangeActiveEnvironmentPath;
      if (!event) return;
      this.disposables.push(
        event(() => {
          if (this.server?.kind === "installed") return;
          this.log("the Python extension's interpreter changed");
          void this.restart();
        }),
      );
    } catch (e) {
      this.output.warn(`the Python extension: ${String(e)}`);
    }
  }
}

let controller: Controller | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  controller = new Controller(context);
  context.subscriptions.push(controller);
  await controller.start();
}

export async function deactivate(): Promise<void> {
  if (controller) await controller.stopClient();
  controller = undefined;
}
