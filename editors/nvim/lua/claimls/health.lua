-- :checkhealth claimls
local M = {}

local health = vim.health
local start = health.start or health.report_start
local ok = health.ok or health.report_ok
local info = health.info or health.report_info
local warn = health.warn or health.report_warn
local error = health.error or health.report_error

local function run(cmd, timeout)
  if vim.system then
    local obj = vim.system(cmd, { text = true }):wait(timeout)
    return obj.code, (obj.stdout or "") .. (obj.stderr or "")
  end
  local out = vim.fn.system(cmd)
  return vim.v.shell_error, out
end

function M.check()
  local claimls = require("claimls")
  local config = claimls.config

  start("claimls: Neovim")
  local v = vim.version()
  local version = ("%d.%d.%d"):format(v.major, v.minor, v.patch)
  if vim.fn.has("nvim-0.10") == 1 then
    ok("Neovim " .. version)
  else
    error("Neovim " .. version .. ": claimls needs Neovim 0.10 or newer")
  end
  if vim.fn.has("nvim-0.11") == 1 and type(vim.lsp.enable) == "function" then
    info("server started with vim.lsp.config('claimls') + vim.lsp.enable('claimls')")
  else
    info("server started with vim.lsp.start() from a FileType autocmd")
  end
  local want = { ["x.claim"] = "claim", ["x.837"] = "x12", ["x.hl7"] = "hl7" }
  local wrong = {}
  for file, ft in pairs(want) do
    if vim.filetype.match({ filename = file }) ~= ft then
      table.insert(wrong, file .. " is not filetype `" .. ft .. "`")
    end
  end
  if #wrong == 0 then
    ok("filetype detection: *.claim, *.claims, *.order -> claim; *.837, *.x12, *.edi -> x12; *.hl7, *.hl7v2 -> hl7")
  else
    table.sort(wrong)
    warn(table.concat(wrong, "; "), {
      "add the plugin directory to 'runtimepath' before startup, or call require('claimls').setup()",
    })
  end

  start("claimls: server")
  local cmd = config.cmd
  if type(cmd) ~= "table" or type(cmd[1]) ~= "string" then
    info("cmd is not a list of strings; not checked: " .. vim.inspect(cmd))
    return
  end
  info("cmd: " .. table.concat(cmd, " "))
  local path = vim.fn.exepath(cmd[1])
  if path == "" then
    error(("claimls binary not found: %q"):format(cmd[1]), {
      "build it with `cargo build --release -p claimls` and put target/release on PATH,",
      "or pass its path: require('claimls').setup({ cmd = { '/path/to/claimls' } })",
    })
    return
  end
  ok("binary found: " .. path)
  local code, out = run({ path, "--version" }, 5000)
  out = vim.trim(out or "")
  if code == 0 and out ~= "" then
    local lines = vim.split(out, "\n", { plain = true })
    ok("version: " .. lines[1])
    for i = 2, #lines do
      if vim.trim(lines[i]) ~= "" then
        info(vim.trim(lines[i]))
      end
    end
  else
    error(("`%s --version` failed (exit %s): %s"):format(path, tostring(code), out))
  end

  start("claimls: clients")
  local clients = claimls.clients()
  if #clients == 0 then
    info("no claimls client is running (open a .claim, .claims or .order file)")
  end
  for _, client in ipairs(clients) do
    local bufs = vim.tbl_keys(client.attached_buffers or {})
    ok(("client %d: root %s, %d buffer(s)"):format(client.id, tostring(client.root_dir or client.config.root_dir), #bufs))
  end
  local settings = config.settings or {}
  info("settings: " .. vim.inspect(settings, { newline = " ", indent = "" }))
end

return M
