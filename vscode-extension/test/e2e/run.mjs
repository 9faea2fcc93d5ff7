// End-to-end test of the built .vsix in real VS Code: code-server, driven by headless Chromium
// through playwright-core. Nothing here downloads anything.
//
//   node test/e2e/run.mjs --vsix tla-lens-linux-x64.vsix --code-server <path to code-server>
//        --example ../examples/webpack-app --artifacts ../tests/artifacts/vscode-e2e
//
// It installs the .vsix into a fresh extensions folder, opens a copy of the example workspace,
// and checks, as a user would see them: the squiggle in the editor and the Problems panel, the
// hover with the chain, the status bar item, the Async Modules view, the `import()` quick fix
// (the problem disappears and the view follows), and that the bundled server ran on the
// machine's own python3 (its bytecode cache is in the extension's global storage).
// Screenshots of every step go to --artifacts.
import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { chromium } from "playwright-core";

const { values: opts } = parseArgs({
  options: {
    vsix: { type: "string" },
    "code-server": { type: "string" },
    example: { type: "string" },
    // the second folder of the multi-root workspace (default: typescript-app beside --example)
    "second-example": { type: "string" },
    artifacts: { type: "string" },
    chromium: { type: "string", default: "/usr/bin/chromium" },
    keep: { type: "boolean", default: false },
  },
});
for (const k of ["vsix", "code-server", "example", "artifacts"]) {
  if (!opts[k]) {
    console.error(`missing --${k}`);
    process.exit(2);
  }
}

const ART = resolve(opts.artifacts);
const SECOND = resolve(opts["second-example"] ?? join(resolve(opts.example), "..", "typescript-app"));
const SHOTS = join(ART, "screenshots");
const STATE = join(ART, "state");
const WORKSPACE = join(STATE, "webpack-app");
const USER_DATA = join(STATE, "user-data");
const EXTENSIONS = join(STATE, "extensions");
const CONFIG = join(STATE, "config.yaml");
const LOG = join(ART, "code-server.log");
const TIMEOUT = 60_000;
const started = Date.now();

rmSync(ART, { recursive: true, force: true });
mkdirSync(SHOTS, { recursive: true });
mkdirSync(join(USER_DATA, "User"), { recursive: true });
cpSync(resolve(opts.example), WORKSPACE, { recursive: true });
writeFileSync(CONFIG, "bind-addr: 127.0.0.1:0\nauth: none\ncert: false\n");
const SETTINGS_FILE = join(USER_DATA, "User", "settings.json");
const SETTINGS = {
      "workbench.startupEditor": "none",
      "workbench.tips.enabled": false,
      "workbench.secondarySideBar.defaultVisibility": "hidden",
      "workbench.panel.showLabels": true,
      "workbench.enableExperiments": false,
      "workbench.colorTheme": "Default Dark Modern",
      "telemetry.telemetryLevel": "off",
      "extensions.autoUpdate": false,
      "extensions.autoCheckUpdates": false,
      "extensions.ignoreRecommendations": true,
      "security.workspace.trust.enabled": false,
      "update.mode": "none",
      "editor.hover.delay": 200,
      "editor.minimap.enabled": false,
      "window.commandCenter": false,
      "chat.disableAIFeatures": true,
      "git.enabled": false,
      "typescript.validate.enable": false,
      "javascript.validate.enable": false,
};
writeFileSync(SETTINGS_FILE, JSON.stringify(SETTINGS, null, 2));

// the e2e exercises the bundled server's first start: python3 from PATH, not the repo's venv
const PATH = (process.env.PATH ?? "")
  .split(":")
  .filter((p) => !p.includes(".venv"))
  .join(":");
// code-server, VS Code and Chromium keep caches and settings under the XDG folders: keep them in
// the test's state, not in $HOME (HOME itself stays: pyenv's python3 shim needs it)
const env = {
  ...process.env,
  PATH,
  XDG_CONFIG_HOME: join(STATE, "xdg", "config"),
  XDG_CACHE_HOME: join(STATE, "xdg", "cache"),
  XDG_DATA_HOME: join(STATE, "xdg", "data"),
  XDG_STATE_HOME: join(STATE, "xdg", "state"),
  // Deno's cache (the downloaded modules a Deno project imports), as a step writes it
  DENO_DIR: join(STATE, "deno-dir"),
};
delete env.VIRTUAL_ENV;
const csArgs = ["--config", CONFIG, "--user-data-dir", USER_DATA, "--extensions-dir", EXTENSIONS];

const results = [];
const serverLog = [];
let failed = 0;
let page;
let server;
let browser;

function log(msg) {
  console.log(`[e2e ${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}`);
}

async function shot(name) {
  if (!page) return;
  try {
    await page.screenshot({ path: join(SHOTS, `${name}.png`) });
  } catch (e) {
    log(`screenshot ${name} failed: ${e}`);
  }
}

async function step(name, fn) {
  const t = Date.now();
  try {
    await fn();
    results.push({ name, ok: true, ms: Date.now() - t });
    log(`ok   ${name}`);
  } catch (e) {
    failed++;
    results.push({ name, ok: false, ms: Date.now() - t, error: String(e?.stack ?? e) });
    log(`FAIL ${name}: ${e?.message ?? e}`);
    await shot(`FAILED-${name.replace(/\W+/g, "-")}`);
  }
}

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
    s.on("error", rej);
  });
}

async function until(what, fn, timeout = TIMEOUT) {
  const end = Date.now() + timeout;
  let last;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}${last ? ` (${last.message ?? last})` : ""}`);
}

const norm = (s) => (s ?? "").replace(/\u00a0/g, " ");

// the folders (working directories) of the running tla-lens servers of this test under `dir`
function serversUnder(dir) {
  const out = execFileSync("ps", ["-eo", "pid=,args="], { encoding: "utf8" });
  return out.split("\n")
    .filter((l) => l.includes(EXTENSIONS) && l.includes("launch.py") && l.includes("serve"))
    .map((l) => {
      try {
        return readlinkSync(`/proc/${l.trim().split(/\s+/)[0]}/cwd`);
      } catch {
        return "";
      }
    })
    .filter((d) => d.startsWith(dir))
    .sort();
}


async function runCommand(title) {
  await page.keyboard.press("F1");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible", timeout: 10_000 });
  await input.fill(`>${title}`);
  const row = page.locator(".quick-input-list .monaco-list-row", { hasText: title }).first();
  await row.waitFor({ state: "visible", timeout: 10_000 });
  await page.keyboard.press("Enter");
}

async function openFile(name) {
  // from the Explorer when it shows the file, else with Quick Open
  const row = page.locator(".explorer-folders-view .monaco-list-row", { hasText: new RegExp(`^\\s*${name.replace(".", "\\.")}\\s*(\\d+)?\\s*$`) });
  if ((await row.count()) > 0 && (await row.first().isVisible())) {
    await row.first().dblclick();
    await until(`the editor tab ${name}`, async () => (await page.locator(".tab.active", { hasText: name }).count()) > 0, 15_000);
    await page.locator(".monaco-editor .view-lines").first().waitFor();
    return;
  }
  // Quick Open lists a file only once VS Code's file search has indexed the folder: asked again
  // (as a user would) while the list says there is no such file
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press("Control+P");
    const input = page.locator(".quick-input-widget input");
    await input.waitFor({ state: "visible", timeout: 10_000 });
    await input.fill(name);
    try {
      await page.locator(".quick-input-list .monaco-list-row", { hasText: name }).first().waitFor({ timeout: 10_000 });
      break;
    } catch (e) {
      if (attempt === 3) throw e;
      await page.keyboard.press("Escape");
      await page.waitForTimeout(1000);
    }
  }
  await page.keyboard.press("Enter");
  await until(`the editor tab ${name}`, async () =>
    (await page.locator(".tab.active", { hasText: name }).count()) > 0,
  );
  await page.locator(".monaco-editor .view-lines").first().waitFor();
}

const editor = () => page.locator(".editor-group-container.active .monaco-editor").first();

async function editorText() {
  return norm(await editor().locator(".view-lines").innerText());
}

async function gotoLine(line, column = 1) {
  await page.keyboard.press("Control+G");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible", timeout: 10_000 });
  await input.fill(`:${line}:${column}`);
  await page.keyboard.press("Enter");
  await input.waitFor({ state: "hidden", timeout: 10_000 });
}

async function problemsText() {
  return norm(await page.locator(".markers-panel").innerText());
}

async function main() {
  log(`installing ${opts.vsix}`);
  execFileSync(opts["code-server"], [...csArgs, "--install-extension", resolve(opts.vsix)], { env, stdio: "inherit" });

  const port = await freePort();
  server = spawn(
    opts["code-server"],
    [...csArgs, "--bind-addr", `127.0.0.1:${port}`, "--auth", "none", "--disable-telemetry", "--disable-update-check",
      "--disable-workspace-trust", "--disable-getting-started-override", WORKSPACE],
    { env, stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  const onData = (d) => serverLog.push(d.toString());
  server.stdout.on("data", onData);
  server.stderr.on("data", onData);
  await until("code-server to listen", async () => serverLog.join("").includes("HTTP server listening"), 60_000);
  log(`code-server on port ${port}`);

  browser = await chromium.launch({
    executablePath: opts.chromium,
    env,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
      "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"],
  });
  const context = await browser.newContext({ viewport: { width: 1400, height: 860 }, deviceScaleFactor: 1 });
  page = await context.newPage();
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(WORKSPACE)}`);
  await page.locator(".monaco-workbench").waitFor({ timeout: TIMEOUT });
  await page.locator(".explorer-folders-view, .explorer-viewlet").first().waitFor({ timeout: TIMEOUT });
  log("workbench loaded");

  await step("the squiggle shows in the editor", async () => {
    await openFile("reports.js");
    await until("a warning squiggle in reports.js", async () =>
      (await editor().locator(".squiggly-warning").count()) > 0, 90_000);
    await shot("01-squiggle");
  });

  await step("the status bar says why the module is async", async () => {
    const item = page.locator(".statusbar-item", { hasText: "async module" });
    await until("the status bar item", async () => (await item.count()) > 0);
    const text = norm(await item.first().innerText());
    if (!text.includes("async module: db-connection.js")) throw new Error(`status bar: ${text}`);
  });

  await step("the problem is in the Problems panel", async () => {
    await page.keyboard.press("Control+Shift+M");
    await page.locator(".markers-panel").waitFor({ timeout: 10_000 });
    await until("the async-import problem of reports.js", async () => {
      const t = await problemsText();
      return t.includes("reports.js") && t.includes("`./UserApi.js` is an async module because of `./db-connection.js`");
    });
    const t = await problemsText();
    if (!/async-import/.test(t)) throw new Error("no async-import code in the Problems panel");
  });

  await step("the Problems panel lists the files that are not open too", async () => {
    // workspace diagnostics: the entry point index.js is not open
    await until("index.js's async-entry problem", async () => {
      const t = await problemsText();
      return t.includes("index.js") && t.includes("async-entry") && t.includes("UserApi.js");
    }, 30_000);
    await shot("02-problems");
  });

  await step("the hover shows the chain down to the await", async () => {
    await editor().click();
    await gotoLine(2, 10);
    // decorations are re-rendered after the click: find the squiggle again on every try, and
    // move the mouse off and back on it until the server's hover (the quoted await) shows
    const hover = page.locator(".monaco-hover:visible");
    await until("the tla-lens hover", async () => {
      const squiggle = editor().locator(".squiggly-warning").first();
      const box = (await squiggle.count()) > 0 ? await squiggle.boundingBox() : null;
      if (!box) return false;
      await page.mouse.move(box.x + box.width / 2, box.y + box.height + 200);
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      for (let i = 0; i < 15; i++) {
        await page.waitForTimeout(200);
        if ((await hover.count()) > 0 && norm(await hover.first().innerText()).includes("await openPool")) return true;
      }
      return false;
    }, 30_000);
    const text = norm(await hover.first().innerText());
    for (const want of ["because of", "UserApi.js", "db-connection.js", "top-level await", "await openPool"]) {
      if (!text.includes(want)) throw new Error(`the hover lacks "${want}": ${text}`);
    }
    await shot("03-hover");
    await page.mouse.move(5, 5);
    await page.keyboard.press("Escape");
  });

  await step("the Async Modules view lists the top-level await", async () => {
    await page.keyboard.press("Control+Shift+E");
    const header = page.locator(".pane-header", { hasText: "Async Modules" });
    await header.waitFor({ timeout: 20_000 });
    if ((await header.getAttribute("aria-expanded")) !== "true") await header.click();
    const pane = page.locator(".pane", { has: header });
    await until("db-connection.js:6 in the view", async () =>
      norm(await pane.innerText()).includes("db-connection.js:6"), 30_000);
    const text = norm(await pane.innerText());
    for (const want of ["Makes async (3)", "reports.js", "Entry points reached (1)"]) {
      if (!text.includes(want)) throw new Error(`the view lacks "${want}": ${text}`);
    }
    await shot("04-async-modules-view");
  });

  await step("Show Why This Module Is Async peeks at the chain", async () => {
    await editor().click();
    await runCommand("tla-lens: Show Why This Module Is Async");
    const peek = page.locator(".peekview-widget");
    await until("the peek view with the chain", async () => (await peek.count()) > 0 && (await peek.first().isVisible())
      && /UserApi\.js/.test(norm(await peek.first().innerText())), 20_000);
    const text = norm(await peek.first().innerText());
    for (const want of ["UserApi.js", "db-connection.js"]) {
      if (!text.includes(want)) throw new Error(`the peek view lacks "${want}": ${text}`);
    }
    await shot("05-peek-chain");
    await page.keyboard.press("Escape");
  });

  await step("List Async Modules offers every async module", async () => {
    await runCommand("tla-lens: List Async Modules");
    const list = page.locator(".quick-input-widget .quick-input-list");
    await until("the async modules in the quick pick", async () => {
      const t = norm(await list.innerText());
      return t.includes("db-connection.js") && t.includes("because of db-connection.js");
    }, 20_000);
    await page.keyboard.press("Escape");
  });

  await step("the import() quick fix applies and the problem disappears", async () => {
    await editor().click();
    await gotoLine(2, 10);
    await page.keyboard.press("Control+.");
    const title = "Load `./UserApi.js` lazily with `import()`";
    const action = page.locator(".action-widget .monaco-list-row", { hasText: "lazily with" }).first();
    await action.waitFor({ timeout: 20_000 });
    const label = norm(await action.innerText());
    if (!label.includes(title.replace(/`/g, "")) && !label.includes(title)) throw new Error(`quick fix title: ${label}`);
    await shot("06-quick-fix");
    await action.click();
    await until("the import() in the editor", async () => (await editorText()).includes('await import("./UserApi.js")'));
    await until("the squiggle to go", async () => (await editor().locator(".squiggly-warning").count()) === 0, 30_000);
    await until("the problem to leave the Problems panel", async () => {
      const t = await problemsText();
      return !t.includes("`./UserApi.js` is an async module because of") && !t.includes("`./reports.js` is an async module");
    }, 30_000);
    await until("the status bar item to go", async () =>
      (await page.locator(".statusbar-item", { hasText: "async module" }).count()) === 0, 20_000);
    await shot("07-after-fix");
  });

  await step("the Async Modules view follows the change", async () => {
    const pane = page.locator(".pane", { has: page.locator(".pane-header", { hasText: "Async Modules" }) });
    await until("Makes async (1)", async () => norm(await pane.innerText()).includes("Makes async (1)"), 30_000);
    const text = norm(await pane.innerText());
    if (text.includes("Entry points reached")) throw new Error(`the entry point is still listed: ${text}`);
  });

  await step("a changed setting applies without a reload", async () => {
    // edited as a user does: in settings.json, opened and saved by VS Code
    const writeSettings = async (settings) => {
      await runCommand("Preferences: Open User Settings (JSON)");
      // VS Code 1.139 opens it in a modal editor, older ones in a tab
      const json = page.locator(".monaco-editor", { has: page.locator(".view-lines", { hasText: "workbench.startupEditor" }) }).last();
      await json.waitFor({ state: "visible", timeout: 15_000 });
      await json.locator(".view-lines").click();
      await page.keyboard.press("Control+A");
      await page.keyboard.insertText(JSON.stringify(settings, null, 2));
      await page.keyboard.press("Control+S");
      await page.waitForTimeout(500);
      await page.keyboard.press("Control+W");
      await json.waitFor({ state: "hidden", timeout: 10_000 }).catch(() => page.keyboard.press("Escape"));
    };
    await openFile("UserApi.js");
    await until("the warning in UserApi.js", async () => (await editor().locator(".squiggly-warning").count()) > 0, 30_000);
    await writeSettings({ ...SETTINGS, "tlaLens.severity.async-import": "error" });
    await openFile("UserApi.js");
    await until("the squiggle to turn into an error", async () =>
      (await editor().locator(".squiggly-error").count()) > 0 && (await editor().locator(".squiggly-warning").count()) === 0, 30_000);
    await shot("08-setting-applied");
    await writeSettings(SETTINGS);
    await openFile("UserApi.js");
    await until("the warning to come back", async () => (await editor().locator(".squiggly-warning").count()) > 0, 30_000);
  });

  await step("a mistake in tla-lens.json shows on that file in the Problems panel", async () => {
    // written by another program (git checkout, a script): VS Code's file watcher tells the server
    const file = join(WORKSPACE, "tla-lens.json");
    writeFileSync(file, '{\n  "severty": {"async-import": "error"}\n}\n');
    if (!(await page.locator(".markers-panel").isVisible())) await page.keyboard.press("Control+Shift+M");
    await until("the unknown key in the Problems panel", async () => {
      const t = await problemsText();
      return t.includes("tla-lens.json") && t.includes("unknown key 'severty'");
    }, 30_000);
    await shot("09-config-problem");
    // opened, it is checked against the extension's JSON schema too, while it is typed
    // from the Explorer (Quick Open may not list a file this new yet); the mouse is moved off
    // the Explorer first so that no hover box lies over the row
    await page.mouse.move(900, 300);
    await page.waitForTimeout(800);
    await openFile("tla-lens.json");
    await until("the schema's complaint about the unknown key", async () =>
      (await problemsText()).includes("Property severty is not allowed"), 30_000);
    if ((await page.locator(".statusbar-item", { hasText: "JSON with Comments" }).count()) === 0) {
      throw new Error("tla-lens.json is not opened as JSON with Comments");
    }
    await page.keyboard.press("Control+W");
    rmSync(file);
    await until("the config problem to leave the Problems panel", async () =>
      !(await problemsText()).includes("unknown key 'severty'"), 30_000);
  });

  // a component written into the workspace and opened: its squiggle and its problem, gone
  // again once the file is deleted (code-server has no Vue or Astro extension: the file is plain
  // text to it, and served all the same)
  const componentSteps = [
    ["a Vue component is analysed, without the Vue extension", "Widget.vue", "10-vue-component", [
      "<template>",
      "  <ul><li v-for=\"u in users\">{{ u }}</li></ul>",
      "</template>",
      "",
      "<script setup>",
      "import { listUsers } from './UserApi.js'",
      "const users = await listUsers()",
      "</script>",
    ]],
    // the frontmatter's import counts because the template uses it; its await is the page's own
    ["an Astro page is analysed, without the Astro extension", "Users.astro", "10-astro-component", [
      "---",
      "import { listUsers } from './UserApi.js'",
      "const users = await listUsers()",
      "---",
      "<ul>{users.map((u) => <li>{u}</li>)}</ul>",
      "<p>{listUsers.name}</p>",
    ]],
  ];
  for (const [title, name, shotName, lines] of componentSteps) {
    await step(title, async () => {
      const file = join(WORKSPACE, "src", name);
      writeFileSync(file, [...lines, ""].join("\n"));
      await page.mouse.move(900, 300);
      await page.waitForTimeout(800);
      await openFile(name);
      await until(`a warning squiggle in ${name}`, async () =>
        (await editor().locator(".squiggly-warning").count()) > 0, 30_000);
      if (!(await page.locator(".markers-panel").isVisible())) await page.keyboard.press("Control+Shift+M");
      await until(`${name}'s async-import in the Problems panel`, async () => {
        const t = await problemsText();
        return t.includes(name) && t.includes("`./UserApi.js` is an async module because of `./db-connection.js`");
      }, 30_000);
      await shot(shotName);
      await page.keyboard.press("Control+W");
      rmSync(file);
      await until(`${name} to leave the Problems panel`, async () => !(await problemsText()).includes(name), 30_000);
    });
  }

  await step("a crashed server restarts with a notice", async () => {
    // the server this test started: the python process running the installed extension's launcher
    const out = execFileSync("ps", ["-eo", "pid=,args="], { encoding: "utf8" });
    const line = out.split("\n").find((l) => l.includes(EXTENSIONS) && l.includes("launch.py") && l.includes("serve"));
    if (!line) throw new Error("no server process found");
    const pid = Number(line.trim().split(/\s+/)[0]);
    process.kill(pid, "SIGKILL");
    const toast = page.locator(".notification-toast", { hasText: "stopped unexpectedly and is being restarted" });
    await toast.first().waitFor({ timeout: 30_000 });
    await shot("10-crash-notice");
    // and it works again: the Async Modules view is back
    await runCommand("tla-lens: Refresh Async Modules").catch(() => {});
    const pane = page.locator(".pane", { has: page.locator(".pane-header", { hasText: "Async Modules" }) });
    await until("the view after the restart", async () => norm(await pane.innerText()).includes("db-connection.js:6"), 30_000);
  });

  await step("the bundled server ran on python3 with its cache in global storage", async () => {
    const storage = join(USER_DATA, "User", "globalStorage");
    const dirs = existsSync(storage) ? readdirSync(storage) : [];
    const ours = dirs.find((d) => d.toLowerCase() === "tla-lens.tla-lens");
    if (!ours) throw new Error(`no global storage folder (have: ${dirs.join(", ")})`);
    if (!existsSync(join(storage, ours, "pycache"))) throw new Error("no bytecode cache: did the bundled server run?");
  });

  await step("a multi-root workspace: each folder is analysed by its own server", async () => {
    // two folders in one window: a server analysing only the first would see nothing in the second
    const multi = join(STATE, "multi");
    cpSync(resolve(opts.example), join(multi, "shop"), { recursive: true });
    cpSync(SECOND, join(multi, "catalog"), { recursive: true });
    const file = join(multi, "two.code-workspace");
    writeFileSync(file, JSON.stringify({ folders: [{ path: "shop" }, { path: "catalog" }] }, null, 2));
    await page.close();
    page = await context.newPage();
    await page.goto(`http://127.0.0.1:${port}/?workspace=${encodeURIComponent(file)}`);
    // code-server now and then opens a workspace just after another window closed with no folders
    // ("No Folder Opened"; the extension host reloads once the file changes): the window is loaded
    // again then, as a user would, and the test goes on only once both folders are in the Explorer
    const folderRow = (name) => page.locator(".explorer-folders-view .monaco-list-row", { hasText: new RegExp(`^\\s*${name}\\s*$`) });
    for (let attempt = 1; ; attempt++) {
      await page.locator(".monaco-workbench").waitFor({ timeout: TIMEOUT });
      try {
        await until("both folders in the Explorer", async () =>
          (await folderRow("shop").count()) > 0 && (await folderRow("catalog").count()) > 0, 20_000);
        break;
      } catch (e) {
        if (attempt === 3) throw e;
        log(`     (the workspace opened without its folders: loading the window again, attempt ${attempt + 1})`);
        await page.reload();
      }
    }
    await openFile("main.ts");
    await until("a warning squiggle in main.ts (the second folder)", async () =>
      (await editor().locator(".squiggly-warning").count()) > 0, 90_000);
    // the code lens's command goes to the server of this file's folder: it opens the await
    const lens = editor().locator(".codelens-decoration a", { hasText: "because of settings.ts" });
    await lens.first().waitFor({ timeout: 30_000 });
    await lens.first().click();
    await until("settings.ts opened by the code lens", async () =>
      (await page.locator(".tab.active", { hasText: "settings.ts" }).count()) > 0, 20_000);
    await openFile("reports.js");
    await until("a warning squiggle in reports.js (the first folder)", async () =>
      (await editor().locator(".squiggly-warning").count()) > 0, 60_000);
    if (!(await page.locator(".markers-panel").isVisible())) await page.keyboard.press("Control+Shift+M");
    // the panel renders only the rows in view: filter it to each file in turn
    const filter = page.locator(".viewpane-filter input, .markers-panel-action-filter input").first();
    for (const [name, text] of [["reports.js", "is an async module because of"], ["main.ts", "is an async module because of"],
      ["cache.ts", "import cycle with async modules"]]) {
      await filter.fill(name);
      await until(`${name}'s problem in the Problems panel`, async () => {
        const t = await problemsText();
        return t.includes(name) && t.includes(text);
      }, 30_000);
    }
    await filter.fill("");
    await shot("11-multi-root");
    // (the first window's server may still be winding down: the servers are told apart by folder)
    const cwds = serversUnder(multi);
    const want = [join(multi, "catalog"), join(multi, "shop")];
    if (JSON.stringify(cwds) !== JSON.stringify(want)) throw new Error(`servers in ${JSON.stringify(cwds)}, expected one in each of ${JSON.stringify(want)}`);
  });

  await step("a folder removed from the workspace stops its server; added back, it gets one", async () => {
    const multi = join(STATE, "multi");
    const file = join(multi, "two.code-workspace");
    const serversIn = () => serversUnder(multi);
    // edited on disk (as by another tool): VS Code reads the folders again
    writeFileSync(file, JSON.stringify({ folders: [{ path: "shop" }] }, null, 2));
    await until("the catalog folder's server to stop", async () =>
      JSON.stringify(serversIn()) === JSON.stringify([join(multi, "shop")]), 30_000);
    writeFileSync(file, JSON.stringify({ folders: [{ path: "shop" }, { path: "catalog" }] }, null, 2));
    await until("a server for the catalog folder again", async () =>
      JSON.stringify(serversIn()) === JSON.stringify([join(multi, "catalog"), join(multi, "shop")]), 30_000);
    // main.ts stayed open: the new server gets it and marks it again
    await page.locator(".tab", { hasText: "main.ts" }).first().click();
    await until("the editor tab main.ts", async () => (await page.locator(".tab.active", { hasText: "main.ts" }).count()) > 0, 15_000);
    await until("main.ts's squiggle again", async () => (await editor().locator(".squiggly-warning").count()) > 0, 60_000);
  });

  await step("the await inside a package in Yarn's zip cache opens from the code lens", async () => {
    // a Yarn Plug'n'Play project whose dependency lives in a zip archive: the editor cannot open
    // it by a file: URI; the extension asks the server for its text (tla-lens-cached:)
    const app = join(STATE, "pnp-app");
    mkdirSync(join(app, "src"), { recursive: true });
    mkdirSync(join(app, ".yarn", "cache"), { recursive: true });
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", type: "module" }));
    writeFileSync(join(app, ".pnp.cjs"), "#!/usr/bin/env node\n// pnpEnableInlining: false\nrequire('./.pnp.data.json');\n");
    writeFileSync(join(app, ".pnp.data.json"), JSON.stringify(PNP_STATE));
    writeFileSync(join(app, "src", "main.js"), "import { z } from 'zipped';\nexport const m = z;\n");
    // the archive as Yarn writes it (entries under node_modules/<name>/), by python3's zipfile
    execFileSync("python3", ["-c", ZIP_SCRIPT, join(app, ".yarn", "cache", "zipped-npm-2.0.0-abc.zip")]);
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(app)}`);
    await page.locator(".monaco-workbench").waitFor({ timeout: TIMEOUT });
    await openFile("main.js");
    await until("a warning squiggle in main.js", async () => (await editor().locator(".squiggly-warning").count()) > 0, 90_000);
    const lens = editor().locator(".codelens-decoration a", { hasText: "because of" });
    await lens.first().waitFor({ timeout: 30_000 });
    await lens.first().click();
    await until("db.js (inside the archive) opened by the code lens", async () =>
      (await page.locator(".tab.active", { hasText: "db.js" }).count()) > 0, 20_000);
    await until("the archive's db.js in the editor", async () => (await editorText()).includes("await Promise.resolve(1)"), 20_000);
    await shot("12-zip-cache");
  });

  await step("a Deno module downloaded from a URL without an extension opens as JavaScript", async () => {
    // Deno's HTTP cache names a download by the hash of its URL: the server names it by the URL
    // (tla-lens-cached:) and says its language, which the file name cannot
    const app = join(STATE, "deno-app");
    mkdirSync(app, { recursive: true });
    writeFileSync(join(app, "deno.json"), "{}\n");
    writeFileSync(join(app, "main.ts"), 'import { r } from "https://esm.sh/dbmod";\nexport const m = r;\n');
    const host = join(env.DENO_DIR, "remote", "https", "esm.sh");
    mkdirSync(host, { recursive: true });
    const meta = { headers: { "content-type": "application/javascript; charset=utf-8" }, url: "https://esm.sh/dbmod" };
    writeFileSync(join(host, createHash("sha256").update("/dbmod").digest("hex")),
      `export const r = await Promise.resolve(1);\n\n// denoCacheMetadata=${JSON.stringify(meta)}`);
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(app)}`);
    await page.locator(".monaco-workbench").waitFor({ timeout: TIMEOUT });
    await openFile("main.ts");
    await until("a warning squiggle in main.ts", async () => (await editor().locator(".squiggly-warning").count()) > 0, 90_000);
    const lens = editor().locator(".codelens-decoration a", { hasText: "because of" });
    await lens.first().waitFor({ timeout: 30_000 });
    await lens.first().click();
    await until("the downloaded module opened by the code lens", async () =>
      (await page.locator(".tab.active", { hasText: "dbmod" }).count()) > 0, 20_000);
    await until("its text in the editor", async () => (await editorText()).includes("await Promise.resolve(1)"), 20_000);
    const mode = page.locator('[id="status.editor.mode"]');
    await until("JavaScript as its language", async () => (await mode.innerText()).includes("JavaScript"), 20_000);
    await shot("13-deno-cache");
  });
}

// a Yarn Plug'n'Play manifest's state (.pnp.data.json) with one package in a zip archive
const PNP_STATE = {
  __info: [], enableTopLevelFallback: false, fallbackExclusionList: [], fallbackPool: [],
  packageRegistryData: [
    [null, [[null, { packageLocation: "./", packageDependencies: [["zipped", "npm:2.0.0"]], linkType: "SOFT" }]]],
    ["app", [["workspace:.", { packageLocation: "./", packageDependencies: [["zipped", "npm:2.0.0"]], linkType: "SOFT" }]]],
    ["zipped", [["npm:2.0.0", { packageLocation: "./.yarn/cache/zipped-npm-2.0.0-abc.zip/node_modules/zipped/",
      packageDependencies: [], linkType: "HARD" }]]],
  ],
};
const ZIP_SCRIPT = [
  "import json, sys, zipfile",
  "with zipfile.ZipFile(sys.argv[1], 'w') as z:",
  "    z.writestr('node_modules/zipped/package.json', json.dumps({'name': 'zipped', 'type': 'module', 'exports': './db.js'}))",
  "    z.writestr('node_modules/zipped/db.js', 'export const z = await Promise.resolve(1);\\n')",
].join("\n");

let code = 0;
try {
  await main();
} catch (e) {
  failed++;
  results.push({ name: "setup", ok: false, error: String(e?.stack ?? e) });
  log(`FAIL setup: ${e?.stack ?? e}`);
  await shot("FAILED-setup");
} finally {
  if (browser) await browser.close().catch(() => {});
  if (server?.pid) {
    try {
      process.kill(-server.pid, "SIGTERM");
    } catch {
      /* already gone */
    }
  }
  writeFileSync(join(ART, "results.json"), JSON.stringify(results, null, 2));
  writeFileSync(LOG, serverLog.join(""));
  // VS Code's own logs, with the tla-lens output channel (exthost/output_logging_*)
  if (existsSync(join(USER_DATA, "logs"))) cpSync(join(USER_DATA, "logs"), join(ART, "logs"), { recursive: true });
  if (!opts.keep) rmSync(STATE, { recursive: true, force: true });
  const passed = results.filter((r) => r.ok).length;
  log(`${passed} passed, ${failed} failed; screenshots in ${SHOTS}`);
  code = failed > 0 ? 1 : 0;
}
process.exit(code);
