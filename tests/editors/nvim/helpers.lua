-- Shared by tests/editors/nvim/test_*.lua. Run by tests/editors/run.sh as
--   nvim --headless --clean -u NONE --cmd "set rtp^=<repo>/editors/nvim" -c "luafile test_x.lua"
-- with CLAIMLS_REPO (repo root), CLAIMLS_BIN (server binary) and CLAIMLS_TMP (a scratch dir)
-- in the environment. Every check prints one `PASS name` or `FAIL name: why` line on stdout;
-- finish() exits 0 when nothing failed, 1 otherwise.
local H = {}

H.repo = assert(os.getenv("CLAIMLS_REPO"), "CLAIMLS_REPO is not set")
H.bin = os.getenv("CLAIMLS_BIN") or (H.repo .. "/target/release/claimls")
H.tmp = os.getenv("CLAIMLS_TMP") or vim.fn.tempname()
H.timeout = tonumber(os.getenv("CLAIMLS_WAIT_MS") or "") or 15000
H.prefix = os.getenv("CLAIMLS_TEST_PREFIX") or "nvim"
H.failed = 0
H.passed = 0

local function out(line)
  io.stdout:write(line .. "\n")
  io.stdout:flush()
end

function H.pass(name)
  H.passed = H.passed + 1
  out(("PASS %s: %s"):format(H.prefix, name))
end

function H.fail(name, why)
  H.failed = H.failed + 1
  out(("FAIL %s: %s: %s"):format(H.prefix, name, tostring(why):gsub("\n", " | ")))
end

--- Runs fn(); a false/nil result or an error is a failure. fn may return (ok, why).
function H.check(name, fn)
  local ok, res, why = pcall(fn)
  if not ok then
    H.fail(name, res)
  elseif res then
    H.pass(name)
  else
    H.fail(name, why or "assertion failed")
  end
  return ok and res
end

--- Copies a fixture into a fresh project directory (with a claimls.toml marker unless
--- opts.no_marker; named opts.name, else as the fixture) and returns the copy's path.
function H.project(fixture, opts)
  opts = opts or {}
  local dir = H.tmp .. "/project-" .. tostring(vim.uv.hrtime())
  vim.fn.mkdir(dir .. "/claims", "p")
  if not opts.no_marker then
    vim.fn.writefile({ "# claimls test project" }, dir .. "/claimls.toml")
  end
  local src = H.repo .. "/tests/editors/fixtures/" .. fixture
  local dst = dir .. "/claims/" .. (opts.name or vim.fs.basename(fixture))
  vim.fn.writefile(vim.fn.readfile(src, "b"), dst, "b")
  return dst, dir
end

function H.setup(opts)
  opts = vim.tbl_deep_extend("force", { cmd = { H.bin } }, opts or {})
  require("claimls").setup(opts)
end

--- Opens a file and waits for the claimls client to attach and initialize.
function H.open(path)
  vim.cmd("edit " .. vim.fn.fnameescape(path))
  local bufnr = vim.api.nvim_get_current_buf()
  local client
  vim.wait(H.timeout, function()
    client = require("claimls").clients(bufnr)[1]
    return client ~= nil and client.initialized == true
  end, 20)
  return bufnr, client
end

function H.diagnostics(bufnr)
  return vim.diagnostic.get(bufnr)
end

function H.codes(bufnr)
  local codes = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    codes[tostring(d.code)] = (codes[tostring(d.code)] or 0) + 1
  end
  return codes
end

function H.codes_string(bufnr)
  local t = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(t, ("%d:%d %s"):format(d.lnum + 1, d.col + 1, tostring(d.code)))
  end
  return table.concat(t, ", ")
end

--- Waits until every rule id in `ids` has a diagnostic in the buffer.
function H.wait_codes(bufnr, ids)
  return vim.wait(H.timeout, function()
    local codes = H.codes(bufnr)
    for _, id in ipairs(ids) do
      if not codes[id] then
        return false
      end
    end
    return true
  end, 20)
end

--- 0-based {line, character} of the first occurrence of `text` on a line matching `line_pat`
--- (a Lua pattern); `offset` characters into the match.
function H.find(bufnr, line_pat, text, offset)
  local lines = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
  for i, l in ipairs(lines) do
    if l:match(line_pat) then
      local s = l:find(text, 1, true)
      if s then
        return i - 1, s - 1 + (offset or 0)
      end
    end
  end
  error(("text %q not found on a line matching %q"):format(text, line_pat))
end

function H.params(bufnr, line, character)
  return {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    position = { line = line, character = character },
  }
end

--- buf_request_sync, returning the claimls client's result (or nil, error).
function H.request(bufnr, method, params)
  local results, err = vim.lsp.buf_request_sync(bufnr, method, params, H.timeout)
  if not results then
    return nil, err or "timeout"
  end
  for _, r in pairs(results) do
    if r.error then
      return nil, vim.inspect(r.error)
    end
    return r.result
  end
  return nil, "no result"
end

--- The plain text of a hover result.
function H.hover_text(result)
  if not result then
    return ""
  end
  local c = result.contents
  local parts = {}
  local function add(x)
    if type(x) == "string" then
      table.insert(parts, x)
    elseif type(x) == "table" then
      if x.value then
        table.insert(parts, x.value)
      else
        for _, y in ipairs(x) do
          add(y)
        end
      end
    end
  end
  add(c)
  return table.concat(parts, "\n")
end

--- The labels and insert texts of a completion result (a list or a CompletionList).
function H.completion_texts(result)
  local out = {}
  for _, item in ipairs(result and (result.items or result) or {}) do
    table.insert(out, item.label)
    local text = item.textEdit and item.textEdit.newText or item.insertText
    if text and text ~= item.label then
      table.insert(out, text)
    end
  end
  return out
end

--- Completion at (line, character): true when `want` (a function of a label or insert
--- text) accepts one of them, else false and the first labels.
function H.completion_offers(bufnr, line, character, want)
  local result, err = H.request(bufnr, "textDocument/completion", H.params(bufnr, line, character))
  if not result then
    return false, err
  end
  local texts = H.completion_texts(result)
  for _, text in ipairs(texts) do
    if want(text) then
      return true
    end
  end
  return false, "items: " .. table.concat(vim.list_slice(texts, 1, 15), " ")
end

--- The 0-based line of the definition of (line, character), or nil and why.
function H.definition_line(bufnr, line, character)
  local result, err = H.request(bufnr, "textDocument/definition", H.params(bufnr, line, character))
  if not result then
    return nil, err
  end
  local loc = result.uri and result or result[1]
  local range = loc and (loc.targetSelectionRange or loc.range)
  if not range then
    return nil, "definition: " .. vim.inspect(result)
  end
  return range.start.line, vim.inspect(result)
end

--- Applies the code action at (line, character) whose title contains `title`, and waits
--- until that line contains `expect`.
function H.apply_action(bufnr, line, character, title, expect)
  vim.api.nvim_win_set_cursor(0, { line + 1, character })
  local titles = {}
  vim.lsp.buf.code_action({
    apply = true,
    filter = function(action)
      table.insert(titles, action.title)
      return action.title:find(title, 1, true) ~= nil
    end,
  })
  local changed = vim.wait(H.timeout, function()
    return (vim.api.nvim_buf_get_lines(bufnr, line, line + 1, false)[1] or ""):find(expect, 1, true) ~= nil
  end, 20)
  return changed, "buffer unchanged; actions offered: " .. table.concat(titles, " | ")
end

--- Applies the code action at (line, character) whose title contains `title`; true when
--- that line comes to contain `expect` and then no diagnostic of rule `id` is left.
function H.fix_removes(bufnr, line, character, title, expect, id)
  local changed, why = H.apply_action(bufnr, line, character, title, expect)
  if not changed then
    return false, why
  end
  return H.wait_gone(bufnr, id)
end

--- Waits until no diagnostic of rule `id` is left in the buffer.
function H.wait_gone(bufnr, id)
  local gone = vim.wait(H.timeout, function()
    return H.codes(bufnr)[id] == nil
  end, 20)
  return gone, "still: " .. H.codes_string(bufnr)
end

--- Hover text at the first `text` on a line matching `line_pat` (`offset` into it).
function H.hover_at(bufnr, line_pat, text, offset)
  local l, c = H.find(bufnr, line_pat, text, offset)
  local result, err = H.request(bufnr, "textDocument/hover", H.params(bufnr, l, c))
  return H.hover_text(result), err
end

--- Runs :ClaimLookup QUERY with vim.ui.select answering the hit whose code is `code`;
--- returns whether line `row` (1-based) became `expect`, and what was seen.
function H.lookup_inserts(bufnr, row, query, code, expect)
  local offered = {}
  local orig = vim.ui.select
  vim.ui.select = function(items, opts, on_choice)
    for _, it in ipairs(items) do
      table.insert(offered, opts.format_item(it))
    end
    for _, it in ipairs(items) do
      if require("claimls").hit_parts(it) == code then
        return on_choice(it)
      end
    end
    on_choice(nil)
  end
  vim.cmd("ClaimLookup " .. query)
  local ok = vim.wait(H.timeout, function()
    return vim.api.nvim_buf_get_lines(bufnr, row - 1, row, false)[1] == expect
  end, 20)
  vim.ui.select = orig
  return ok,
    ("line is %q; offered: %s"):format(
      vim.api.nvim_buf_get_lines(bufnr, row - 1, row, false)[1],
      table.concat(vim.list_slice(offered, 1, 5), " | ")
    )
end

--- Stops the clients and quits with the right status.
function H.finish()
  local clients = require("claimls").clients()
  for _, c in ipairs(clients) do
    if vim.fn.has("nvim-0.11") == 1 then
      c:stop()
    else
      c.stop()
    end
  end
  vim.wait(3000, function()
    return #require("claimls").clients() == 0
  end, 20)
  if H.failed > 0 or H.passed == 0 then
    vim.cmd("cquit 1")
  else
    vim.cmd("qall!")
  end
end

--- Runs the test body, turning an error into a FAIL line, then finishes.
function H.run(name, body)
  local ok, err = xpcall(body, debug.traceback)
  if not ok then
    H.fail(name, err)
  end
  H.finish()
end

return H
