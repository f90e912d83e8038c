-- claimls for Neovim: starts the claimls language server for `claim` buffers
-- (.claim, .claims, .order), `x12` buffers (837 claims: .837, .x12, .edi, or a first line
-- starting with ISA) and `hl7` buffers (HL7 v2 orders: .hl7, .hl7v2, or a first line
-- starting with MSH), and adds :ClaimLookup, :ClaimJoinLines, :ClaimRestart, :ClaimStop.
--
--   require("claimls").setup()                       -- claimls on PATH
--   require("claimls").setup({ cmd = { "/path/to/claimls" },
--     settings = { rules = { ["unused-dx"] = "off" }, today = "2026-03-31" } })
--
-- Neovim 0.11+: registered with vim.lsp.config("claimls", ...) + vim.lsp.enable("claimls").
-- Neovim 0.10: vim.lsp.start() from a FileType autocmd.

local M = {}

M.name = "claimls"

local defaults = {
  -- The server command; `claimls` (no arguments, or `serve`) speaks LSP on stdio.
  cmd = { "claimls" },
  -- Filetypes to attach to.
  filetypes = { "claim", "x12", "hl7" },
  -- Files or directories that mark the project root (searched upwards from the file, in
  -- this order of preference); without one, the file's own directory is the root.
  root_markers = { "claimls.toml", ".git" },
  -- Server settings: sent as initializationOptions and as
  -- workspace/didChangeConfiguration { settings = { claimls = settings } }, and returned
  -- for workspace/configuration requests for the `claimls` section.
  --   rules       = { ["unused-dx"] = "off", ["cpt-unverified"] = "hint" }
  --   codeFiles   = { "/path/to/icd10cm_order_2026.txt", "~/cpt.tsv" }
  --   today       = "YYYY-MM-DD"   (fixes "today" for future-date checks)
  --   inlayHints  = { codeTitles = true }
  settings = {},
  -- Called as on_attach(client, bufnr) when the server attaches to a buffer.
  on_attach = nil,
  -- Client capabilities (merged over vim.lsp.protocol.make_client_capabilities()).
  capabilities = nil,
  -- Extra LSP handlers for the client ({ [method] = function(err, result, ctx) ... end }).
  handlers = nil,
  -- Start the server automatically for buffers of these filetypes.
  autostart = true,
  -- :ClaimLookup shows matches in the quickfix list instead of vim.ui.select
  -- (:ClaimLookup! always uses the quickfix list).
  lookup_quickfix = false,
  -- "auto": vim.lsp.config/enable where present (0.11+), else vim.lsp.start (0.10).
  -- "config" or "start" force one of them.
  method = "auto",
}

M.config = vim.deepcopy(defaults)

local augroup_name = "claimls"

local function notify(msg, level)
  vim.notify("claimls: " .. msg, level or vim.log.levels.INFO)
end

local function use_lsp_config()
  local method = M.config.method
  if method == "config" then
    return true
  elseif method == "start" then
    return false
  end
  return vim.fn.has("nvim-0.11") == 1 and type(vim.lsp.enable) == "function" and vim.lsp.config ~= nil
end

--- Expands `~` and environment variables in code file paths.
local function expand_settings(settings)
  local out = vim.deepcopy(settings or {})
  if type(out.codeFiles) == "table" then
    for i, f in ipairs(out.codeFiles) do
      if type(f) == "string" then
        out.codeFiles[i] = vim.fn.expand(f)
      end
    end
  end
  return out
end

--- The project root for a buffer: the nearest directory holding a root marker
--- (earlier markers win), else the file's directory, else the working directory.
function M.root_dir(bufnr)
  bufnr = bufnr or 0
  local name = vim.api.nvim_buf_get_name(bufnr)
  local start = name ~= "" and vim.fs.dirname(name) or vim.uv.cwd()
  for _, marker in ipairs(M.config.root_markers or {}) do
    local found = vim.fs.find(marker, { path = start, upward = true, limit = 1 })[1]
    if found then
      return vim.fs.dirname(found)
    end
  end
  return start
end

local function capabilities()
  local caps = vim.lsp.protocol.make_client_capabilities()
  -- The plugin answers workspace/diagnostic/refresh itself (below), which Neovim 0.10 and
  -- 0.11 do not, so the server may ask for a re-pull after a settings change.
  caps.workspace = caps.workspace or {}
  caps.workspace.diagnostics = vim.tbl_extend("keep", caps.workspace.diagnostics or {}, { refreshSupport = true })
  if M.config.capabilities then
    caps = vim.tbl_deep_extend("force", caps, M.config.capabilities)
  end
  return caps
end

--- workspace/diagnostic/refresh: pull the diagnostics of every buffer the client is
--- attached to again (Neovim 0.11 has no handler of its own for this request).
local function on_diagnostic_refresh(_, _, ctx)
  local client = vim.lsp.get_client_by_id(ctx.client_id)
  if client then
    for bufnr in pairs(client.attached_buffers or {}) do
      if vim.api.nvim_buf_is_loaded(bufnr) then
        local params = { textDocument = vim.lsp.util.make_text_document_params(bufnr) }
        if vim.fn.has("nvim-0.11") == 1 then
          client:request("textDocument/diagnostic", params, nil, bufnr)
        else
          client.request("textDocument/diagnostic", params, nil, bufnr)
        end
      end
    end
  end
  return vim.NIL
end

--- The client configuration shared by both ways of starting the server.
function M.client_config()
  local settings = expand_settings(M.config.settings)
  return {
    name = M.name,
    cmd = M.config.cmd,
    filetypes = M.config.filetypes,
    init_options = settings,
    settings = { claimls = settings },
    capabilities = capabilities(),
    on_attach = M.config.on_attach,
    handlers = vim.tbl_extend("keep", M.config.handlers or {}, {
      ["workspace/diagnostic/refresh"] = on_diagnostic_refresh,
    }),
  }
end

local function executable()
  local cmd = M.config.cmd
  if type(cmd) ~= "table" or type(cmd[1]) ~= "string" then
    return true -- a function or something exotic: let vim.lsp deal with it
  end
  return vim.fn.executable(cmd[1]) == 1
end

local warned_missing = false
local function warn_missing()
  if not warned_missing then
    warned_missing = true
    notify(
      ("server binary %q not found; set `cmd` in setup() or put claimls on PATH (see :checkhealth claimls)"):format(
        tostring(M.config.cmd[1])
      ),
      vim.log.levels.WARN
    )
  end
end

--- Starts (or reuses) the server for a buffer; returns the client id.
function M.start(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  if not executable() then
    warn_missing()
    return nil
  end
  local config = M.client_config()
  config.root_dir = M.root_dir(bufnr)
  return vim.lsp.start(config, { bufnr = bufnr })
end

--- The claimls clients attached to a buffer (or all of them when bufnr is nil).
function M.clients(bufnr)
  local get = vim.lsp.get_clients or vim.lsp.get_active_clients
  return get({ name = M.name, bufnr = bufnr })
end

local function request(client, method, params, handler, bufnr)
  if vim.fn.has("nvim-0.11") == 1 then
    return client:request(method, params, handler, bufnr)
  end
  return client.request(method, params, handler, bufnr)
end

local function client_notify(client, method, params)
  if vim.fn.has("nvim-0.11") == 1 then
    return client:notify(method, params)
  end
  return client.notify(method, params)
end

local function client_stop(client, force)
  if vim.fn.has("nvim-0.11") == 1 then
    return client:stop(force)
  end
  return client.stop(force)
end

--- Stops every claimls client.
function M.stop()
  for _, client in ipairs(M.clients()) do
    client_stop(client)
  end
end

--- Restarts the server for every buffer of its filetypes.
function M.restart()
  local clients = M.clients()
  for _, client in ipairs(clients) do
    client_stop(client)
  end
  vim.wait(3000, function()
    for _, client in ipairs(clients) do
      if not (client.is_stopped and client:is_stopped()) and vim.lsp.get_client_by_id(client.id) then
        return false
      end
    end
    return true
  end, 20)
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and vim.tbl_contains(M.config.filetypes, vim.bo[bufnr].filetype) then
      M.start(bufnr)
    end
  end
end

--- Changes the server settings at run time (merged over the current ones) and tells
--- running servers with workspace/didChangeConfiguration.
function M.update_settings(settings, replace)
  if replace then
    M.config.settings = settings or {}
  else
    M.config.settings = vim.tbl_deep_extend("force", M.config.settings or {}, settings or {})
  end
  local expanded = expand_settings(M.config.settings)
  if use_lsp_config() then
    vim.lsp.config(M.name, { init_options = expanded, settings = { claimls = expanded } })
  end
  for _, client in ipairs(M.clients()) do
    client.settings = { claimls = expanded }
    if client.config then
      client.config.settings = client.settings
    end
    client_notify(client, "workspace/didChangeConfiguration", { settings = client.settings })
  end
end

-- :ClaimLookup ------------------------------------------------------------------------

--- The code-like word around byte column `col` (0-based) of `line`:
--- returns start, end (0-based, end exclusive) and the text, or nil.
function M.code_word_at(line, col)
  local s, e = col, col
  while s > 0 and line:sub(s, s):match("[%w.]") do
    s = s - 1
  end
  while e < #line and line:sub(e + 1, e + 1):match("[%w.]") do
    e = e + 1
  end
  if s == e then
    return nil
  end
  local text = line:sub(s + 1, e)
  if not text:match("^%w") or not text:match("%d") then
    return nil
  end
  return s, e, text
end

--- The code and its title (with "not billable" for a header) of one
--- `claimls/searchCodes` hit ({ code, system, title, billable }).
function M.hit_parts(hit)
  local code = vim.trim(tostring(hit.code or ""))
  local title = tostring(hit.title or "")
  if hit.billable == false then
    title = title .. " (not billable)"
  end
  return code, title
end

--- A code as a document of `filetype` writes it: X12 sends codes without the dot
--- (`E1165`); the claim language and HL7 keep it (`E11.65`).
function M.code_as_written(code, filetype)
  if filetype == "x12" then
    return (code:gsub("%.", ""))
  end
  return code
end

--- Inserts `code` at the cursor of window `win`: replaces the code-like word under the
--- cursor, else inserts after the character under the cursor (at the cursor in an
--- empty line or in insert mode).
function M.insert_code(code, win)
  win = win or vim.api.nvim_get_current_win()
  local bufnr = vim.api.nvim_win_get_buf(win)
  local row, col = unpack(vim.api.nvim_win_get_cursor(win))
  local line = vim.api.nvim_buf_get_lines(bufnr, row - 1, row, false)[1] or ""
  local s, e = M.code_word_at(line, col + (col < #line and 1 or 0))
  if not s then
    s = (#line == 0 or vim.fn.mode():match("^i")) and col or math.min(col + 1, #line)
    e = s
  end
  vim.api.nvim_buf_set_text(bufnr, row - 1, s, row - 1, e, { code })
  vim.api.nvim_win_set_cursor(win, { row, s + #code - 1 })
end

local function to_quickfix(query, hits)
  local items = {}
  for _, hit in ipairs(hits) do
    local code, title = M.hit_parts(hit)
    table.insert(items, { text = code .. "  " .. title, valid = 0 })
  end
  vim.fn.setqflist({}, " ", { title = "claimls: " .. query, items = items })
  vim.cmd("botright copen")
end

--- Looks codes up with the server's `claimls/searchCodes` request (as `claimls lookup`
--- finds them). opts.quickfix: list them in the quickfix list; otherwise pick one with
--- vim.ui.select and insert it at the cursor.
--- opts.on_result(hits) is called with the raw result (for scripting and tests).
function M.lookup(query, opts)
  opts = opts or {}
  local bufnr = vim.api.nvim_get_current_buf()
  local win = vim.api.nvim_get_current_win()
  if not query or vim.trim(query) == "" then
    local line = vim.api.nvim_get_current_line()
    local col = vim.api.nvim_win_get_cursor(win)[2]
    local _, _, word = M.code_word_at(line, col + (col < #line and 1 or 0))
    query = word
  end
  if not query or vim.trim(query) == "" then
    vim.ui.input({ prompt = "Look up a code: " }, function(input)
      if input and vim.trim(input) ~= "" then
        M.lookup(input, opts)
      end
    end)
    return
  end
  local client = M.clients(bufnr)[1] or M.clients()[1]
  if not client then
    notify("no claimls server is running (open a claim, 837 or HL7 file first)", vim.log.levels.ERROR)
    return
  end
  request(client, "claimls/searchCodes", { query = query, limit = 50 }, function(err, result)
    if err then
      notify("claimls/searchCodes failed: " .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
      return
    end
    local hits = type(result) == "table" and result or {}
    if opts.on_result then
      opts.on_result(hits)
    end
    if #hits == 0 then
      notify("no code matches " .. query, vim.log.levels.WARN)
      return
    end
    if opts.quickfix then
      to_quickfix(query, hits)
      return
    end
    vim.ui.select(hits, {
      prompt = "Code for " .. query .. ":",
      kind = "claimls.code",
      format_item = function(hit)
        local code, title = M.hit_parts(hit)
        return title ~= "" and (code .. "  " .. title) or code
      end,
    }, function(choice)
      if not choice then
        return
      end
      local code = M.code_as_written(M.hit_parts(choice), vim.bo[bufnr].filetype)
      if vim.api.nvim_win_is_valid(win) and vim.api.nvim_win_get_buf(win) == bufnr then
        M.insert_code(code, win)
      end
    end)
  end, bufnr)
end

-- :ClaimJoinLines -------------------------------------------------------------------

--- The server's source action that puts every segment of an 837 on one line (its
--- formatting puts one segment a line).
M.JOIN_LINES_KIND = "source.claimls.x12.joinLines"

--- Applies the join-lines action to the current buffer.
function M.join_lines()
  vim.lsp.buf.code_action({
    context = { only = { M.JOIN_LINES_KIND }, diagnostics = {} },
    apply = true,
  })
end

-- setup -------------------------------------------------------------------------------

local function create_commands()
  vim.api.nvim_create_user_command("ClaimLookup", function(args)
    M.lookup(args.args, { quickfix = args.bang or M.config.lookup_quickfix })
  end, {
    nargs = "*",
    bang = true,
    desc = "claimls: look up a code (by code, prefix or title words) and insert it; ! lists matches in the quickfix list",
  })
  vim.api.nvim_create_user_command("ClaimRestart", function()
    M.restart()
  end, { desc = "claimls: restart the language server" })
  vim.api.nvim_create_user_command("ClaimJoinLines", function()
    M.join_lines()
  end, { desc = "claimls: put every segment of the 837 on one line (vim.lsp.buf.format() undoes it)" })
  vim.api.nvim_create_user_command("ClaimStop", function()
    M.stop()
  end, { desc = "claimls: stop the language server" })
end

--- Configures the plugin. Every key is optional (see `defaults` above).
function M.setup(opts)
  opts = opts or {}
  M.config = vim.tbl_deep_extend("force", vim.deepcopy(defaults), opts)
  -- Lists replace the defaults instead of being merged index by index.
  for _, key in ipairs({ "cmd", "filetypes", "root_markers" }) do
    if opts[key] ~= nil then
      M.config[key] = opts[key]
    end
  end
  if opts.settings ~= nil then
    M.config.settings = opts.settings
  end

  -- Make sure the filetypes are known even when ftdetect/ was not sourced (e.g. the
  -- plugin was added to 'runtimepath' after startup).
  require("claimls.filetype").add()

  create_commands()
  local group = vim.api.nvim_create_augroup(augroup_name, { clear = true })

  local can_enable = vim.fn.has("nvim-0.11") == 1 and type(vim.lsp.enable) == "function"
  if not M.config.autostart or not use_lsp_config() then
    -- Undo an earlier setup() that enabled the server through vim.lsp.enable.
    if can_enable and vim.lsp.config and vim.lsp.config[M.name] then
      pcall(vim.lsp.enable, M.name, false)
    end
  end
  if not M.config.autostart then
    return M
  end

  if use_lsp_config() then
    local config = M.client_config()
    config.name = nil
    config.root_dir = function(bufnr, on_dir)
      if executable() then
        on_dir(M.root_dir(bufnr))
      else
        warn_missing()
      end
    end
    vim.lsp.config(M.name, config)
    vim.lsp.enable(M.name)
    -- (vim.lsp.enable also attaches to claim buffers already open once Vim has started.)
    return M
  end

  vim.api.nvim_create_autocmd("FileType", {
    group = group,
    pattern = M.config.filetypes,
    callback = function(args)
      M.start(args.buf)
    end,
    desc = "claimls: start the language server",
  })
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and vim.tbl_contains(M.config.filetypes, vim.bo[bufnr].filetype) then
      M.start(bufnr)
    end
  end
  return M
end

return M
