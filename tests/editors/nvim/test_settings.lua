-- settings: a rule turned off in setup({ settings }) is not reported; turning one off at
-- run time with require("claimls").update_settings() (didChangeConfiguration) removes it.
local H = dofile(os.getenv("CLAIMLS_REPO") .. "/tests/editors/nvim/helpers.lua")

H.run("settings", function()
  H.setup({ settings = { today = "2026-04-01", rules = { ["header-code"] = "off" } } })
  local path = H.project("errors.claim")
  local bufnr, client = H.open(path)
  if not H.check("server attaches", function()
    return client ~= nil
  end) then
    return
  end
  H.wait_codes(bufnr, { "npi", "missing-pointer" })
  H.check("rules.header-code = off: no header-code diagnostic", function()
    local codes = H.codes(bufnr)
    return codes["npi"] ~= nil and codes["header-code"] == nil, "diagnostics: " .. H.codes_string(bufnr)
  end)
  H.check("workspace/configuration answers the claimls section", function()
    local s = client.settings or client.config.settings
    return s and s.claimls and s.claimls.rules["header-code"] == "off", vim.inspect(s)
  end)
  require("claimls").update_settings({ rules = { npi = "off" } })
  H.check("update_settings({ rules = { npi = 'off' } }) removes the npi diagnostic", function()
    local ok = vim.wait(H.timeout, function()
      return H.codes(bufnr)["npi"] == nil
    end, 20)
    return ok and H.codes(bufnr)["missing-pointer"] ~= nil, "diagnostics: " .. H.codes_string(bufnr)
  end)
end)
