-- Drives tla-lens from a real headless Neovim (0.11) and writes what it saw as JSON.
--
-- Run by tests/editors/test_neovim.py as
--   nvim --headless --clean -c 'luafile neovim_probe.lua'
-- with TLA_LENS_PROBE set to a JSON object:
--   {cmd = [...], root = "...", result = "...", natural_ms = 8000, push_only = false}
-- push_only removes textDocument.diagnostic from Neovim's client capabilities.
--
-- Steps (each one records into `out` before the next, so a failure shows how far it got):
--   1. open src/index.js and src/reports.js in two windows, start the server on both buffers;
--   2. wait for the `async-import` diagnostic on reports.js and on index.js; if it does not come
--      by itself, detach and re-attach both buffers (a user's workaround) and wait again;
--   3. hover the import and keep the markdown;
--   4. ask for code actions on the import with the diagnostic in the context, apply the
--      "Load ... lazily with import()" edit;
--   5. wait for the `async-import` diagnostic to leave reports.js and index.js; if index.js keeps
--      it, detach and re-attach index.js and wait again.
-- "by_itself" keys hold what the editor showed before any re-attaching.

local out = { steps = {}, nvim_version = tostring(vim.version()) }
local cfg = vim.json.decode(os.getenv("TLA_LENS_PROBE") or error("TLA_LENS_PROBE is not set"))

local function step(name)
  table.insert(out.steps, name)
end

local function write_result()
  local f = assert(io.open(cfg.result, "w"))
  f:write(vim.json.encode(out))
  f:close()
end

-- Which diagnostics mode the session really used: count both handlers' calls.
out.pushes, out.pulls, out.refreshes = {}, {}, 0
local function count(tbl, uri)
  local name = vim.fs.basename(vim.uri_to_fname(uri))
  tbl[name] = (tbl[name] or 0) + 1
end
local push = vim.lsp.handlers["textDocument/publishDiagnostics"]
vim.lsp.handlers["textDocument/publishDiagnostics"] = function(err, result, ctx, ...)
  if result and result.uri then count(out.pushes, result.uri) end
  return push(err, result, ctx, ...)
end
local pull = vim.lsp.handlers["textDocument/diagnostic"]
if pull then
  vim.lsp.handlers["textDocument/diagnostic"] = function(err, result, ctx, ...)
    if ctx and ctx.params and ctx.params.textDocument then count(out.pulls, ctx.params.textDocument.uri) end
    return pull(err, result, ctx, ...)
  end
end
local refresh = vim.lsp.handlers["workspace/diagnostic/refresh"]
if refresh then
  vim.lsp.handlers["workspace/diagnostic/refresh"] = function(...)
    out.refreshes = out.refreshes + 1
    return refresh(...)
  end
end

-- Neovim keeps the LSP Diagnostic in user_data.lsp; `code` is copied to diagnostic.code.
local function code_of(d)
  local lsp = d.user_data and d.user_data.lsp or {}
  return d.code or lsp.code, lsp
end

local function async_imports(buf)
  local found = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    local code, lsp = code_of(d)
    if code == "async-import" then
      table.insert(found, { d = d, lsp = lsp })
    end
  end
  return found
end

local function summary(buf)
  local list = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    local code, lsp = code_of(d)
    table.insert(list, {
      code = code,
      lsp_code = lsp.code,
      source = d.source,
      message = d.message,
      lnum = d.lnum,
      col = d.col,
      severity = d.severity,
      lsp_range = lsp.range,
    })
  end
  return list
end

-- Detach the buffer from the client and attach it again, from that buffer's window: Neovim sends
-- didClose + didOpen and then pulls that buffer's diagnostics. A user's workaround, used only when
-- the squiggles did not arrive or leave by themselves. (`:edit` does not do it in 0.11: it sends
-- didClose but no didOpen. And Neovim 0.11 pulls on didOpen/didChange only for the *current*
-- buffer: its LspNotify autocmd is buffer-local but fired without a buffer, so the window matters.)
local function reopen(b, client_id)
  local prev = vim.api.nvim_get_current_win()
  vim.api.nvim_set_current_win(vim.fn.bufwinid(b))
  local name = vim.fs.basename(vim.api.nvim_buf_get_name(b))
  local pulled = out.pulls[name] or 0
  vim.lsp.buf_detach_client(b, client_id)
  vim.wait(100)
  assert(vim.lsp.buf_attach_client(b, client_id), "buf_attach_client failed")
  vim.wait(5000, function() return (out.pulls[name] or 0) > pulled end, 20)
  vim.api.nvim_set_current_win(prev)
end

local function both_have(bufs)
  return function()
    for _, b in ipairs(bufs) do
      if #async_imports(b) == 0 then return false end
    end
    return true
  end
end

local function none_have(bufs)
  return function()
    for _, b in ipairs(bufs) do
      if #async_imports(b) > 0 then return false end
    end
    return true
  end
end

local function main()
  vim.lsp.set_log_level("debug")
  out.log_path = vim.lsp.get_log_path()

  local root = cfg.root
  local natural_ms = cfg.natural_ms or 8000

  -- 1. index.js in one window, reports.js (current) in a split above it: both visible
  vim.cmd.edit(vim.fn.fnameescape(root .. "/src/index.js"))
  local index_buf = vim.api.nvim_get_current_buf()
  vim.cmd.split(vim.fn.fnameescape(root .. "/src/reports.js"))
  local buf = vim.api.nvim_get_current_buf()
  out.filetype = vim.bo[buf].filetype
  local bufs = { buf, index_buf }

  if cfg.push_only then
    -- a client that takes only pushed diagnostics: what the server does for Neovim without pull
    local make = vim.lsp.protocol.make_client_capabilities
    vim.lsp.protocol.make_client_capabilities = function()
      local caps = make()
      caps.textDocument.diagnostic = nil
      return caps
    end
  end
  local config = { name = "tla-lens", cmd = cfg.cmd, root_dir = root }
  local client_id = vim.lsp.start(config, { bufnr = buf })
  assert(client_id, "vim.lsp.start returned nil")
  local client_id2 = vim.lsp.start(config, { bufnr = index_buf })
  out.same_client = client_id == client_id2
  local client = assert(vim.lsp.get_client_by_id(client_id))
  step("started")

  local ok = vim.wait(30000, function() return client.initialized end, 50)
  assert(ok, "the server did not finish initialize within 30 s")
  out.offset_encoding = client.offset_encoding
  out.diagnostic_provider = client.server_capabilities.diagnosticProvider ~= nil
  out.client_pull_capability = vim.tbl_get(client.capabilities, "textDocument", "diagnostic") ~= nil
  out.client_refresh_support = vim.tbl_get(client.capabilities, "workspace", "diagnostics", "refreshSupport")
    == true
  step("initialized")

  -- 2. the squiggle on reports.js and on its importer index.js, as the editor gets them
  out.appeared_by_itself = vim.wait(natural_ms, both_have(bufs), 50)
  out.before_by_itself = { reports = summary(buf), index = summary(index_buf) }
  out.reopened_before = false
  if not out.appeared_by_itself then
    out.reopened_before = true
    reopen(buf, client_id)
    reopen(index_buf, client_id)
    ok = vim.wait(30000, both_have(bufs), 50)
  end
  out.before = { reports = summary(buf), index = summary(index_buf) }
  assert(#async_imports(buf) > 0 and #async_imports(index_buf) > 0,
    "no async-import diagnostic on both reports.js and index.js, even after re-attaching the buffers")
  step("diagnostics")

  local diag = async_imports(buf)[1]
  local lsp_diag = diag.lsp
  local uri = vim.uri_from_bufnr(buf)

  -- 3. hover on the import
  local hover_res = vim.lsp.buf_request_sync(buf, "textDocument/hover", {
    textDocument = { uri = uri },
    position = lsp_diag.range.start,
  }, 10000)
  local hr = hover_res and hover_res[client_id]
  out.hover_error = hr and hr.err and hr.err.message or nil
  local contents = hr and hr.result and hr.result.contents
  if type(contents) == "table" then
    out.hover_kind = contents.kind
    out.hover = contents.value
  end
  step("hover")

  -- 4. code actions at the import, with the diagnostic in the context
  local action_res = vim.lsp.buf_request_sync(buf, "textDocument/codeAction", {
    textDocument = { uri = uri },
    range = lsp_diag.range,
    context = { diagnostics = { lsp_diag }, triggerKind = 1 },
  }, 10000)
  local ar = action_res and action_res[client_id]
  out.action_error = ar and ar.err and ar.err.message or nil
  out.action_titles = {}
  local chosen
  for _, action in ipairs(ar and ar.result or {}) do
    table.insert(out.action_titles, action.title)
    if not chosen and action.title:sub(1, 4) == "Load" then
      chosen = action
    end
  end
  assert(chosen, "no code action whose title starts with 'Load'")
  out.fix = {
    title = chosen.title,
    kind = chosen.kind,
    is_preferred = chosen.isPreferred,
    has_edit = chosen.edit ~= nil,
    diagnostics = chosen.diagnostics and #chosen.diagnostics or 0,
  }
  step("code_action")

  vim.lsp.util.apply_workspace_edit(chosen.edit, client.offset_encoding)
  out.text = table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), "\n")
  out.modified = vim.bo[buf].modified
  step("applied")

  -- 5. the squiggle leaves reports.js and its importer index.js, as the editor gets it
  vim.wait(natural_ms, none_have(bufs), 50)
  out.after_by_itself = { reports = summary(buf), index = summary(index_buf) }
  -- index.js has not changed: re-attach it if it still shows the squiggle
  out.reopened_after = false
  if #async_imports(index_buf) > 0 then
    out.reopened_after = true
    reopen(index_buf, client_id)
  end
  vim.wait(30000, none_have(bufs), 50)
  out.after = { reports = summary(buf), index = summary(index_buf) }
  out.text_at_end = table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), "\n")
  step("cleared")
end

local ok, err = xpcall(main, debug.traceback)
out.ok = ok
if not ok then
  out.error = tostring(err)
end
write_result()
vim.cmd("qa!")
