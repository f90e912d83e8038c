-- :checkhealth claimls reports the binary, its version and code-set editions, and Neovim.
local H = dofile(os.getenv("CLAIMLS_REPO") .. "/tests/editors/nvim/helpers.lua")

local function health_text()
  vim.cmd("checkhealth claimls")
  local text = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), "\n")
  vim.cmd("bwipeout!")
  return text
end

H.run("health", function()
  local version = vim.trim(vim.fn.system({ H.bin, "--version" }))
  local first = vim.split(version, "\n")[1]

  -- setup() with no arguments: `claimls` from PATH.
  vim.env.PATH = vim.fs.dirname(H.bin) .. ":" .. vim.env.PATH
  require("claimls").setup()
  H.check("setup() with no arguments uses `claimls` from PATH", function()
    return vim.deep_equal(require("claimls").config.cmd, { "claimls" }), vim.inspect(require("claimls").config.cmd)
  end)
  local text = health_text()
  H.check(":checkhealth claimls shows the version (" .. first .. ")", function()
    return text:find(first, 1, true) ~= nil, text
  end)
  H.check(":checkhealth claimls shows the code-set editions", function()
    return text:find("ICD-10-CM", 1, true) ~= nil, text
  end)
  H.check(":checkhealth claimls shows the binary path", function()
    return text:find(H.bin, 1, true) ~= nil, text
  end)
  local v = vim.version()
  H.check(":checkhealth claimls shows the Neovim version", function()
    return text:find(("Neovim %d.%d.%d"):format(v.major, v.minor, v.patch), 1, true) ~= nil, text
  end)
  H.check(":checkhealth claimls has no ERROR", function()
    return text:find("ERROR", 1, true) == nil, text
  end)

  H.setup({ cmd = { "/nonexistent/claimls" } })
  local missing = health_text()
  H.check(":checkhealth claimls reports a missing binary", function()
    return missing:find("not found", 1, true) ~= nil and missing:find("ERROR", 1, true) ~= nil, missing
  end)
end)
