-- The plugin's setup() against the real server: attach, diagnostics, hover, completion,
-- code action, go-to-definition, claimls/searchCodes, workspace/symbol and :ClaimLookup.
-- CLAIMLS_NVIM_METHOD=start exercises the Neovim 0.10 code path (vim.lsp.start from a
-- FileType autocmd) on this Neovim; the default uses vim.lsp.config/enable on 0.11+.
local H = dofile(os.getenv("CLAIMLS_REPO") .. "/tests/editors/nvim/helpers.lua")
local method = os.getenv("CLAIMLS_NVIM_METHOD") or "auto"
if method ~= "auto" then
  H.prefix = H.prefix .. "[" .. method .. "]"
end

H.run("lsp", function()
  H.setup({ method = method, settings = { today = "2026-04-01" } })
  local path, root = H.project("errors.claim")
  local bufnr, client = H.open(path)

  if not H.check("server attaches and initializes", function()
    return client ~= nil, "no initialized claimls client within " .. H.timeout .. " ms"
  end) then
    return
  end
  H.check("root_dir is the directory with claimls.toml", function()
    return client.root_dir == root, tostring(client.root_dir) .. " ~= " .. root
  end)
  H.check("init_options carry the settings", function()
    local io_ = client.config.init_options or {}
    return io_.today == "2026-04-01", vim.inspect(io_)
  end)

  local expected = { "npi", "header-code", "seventh-character", "missing-pointer" }
  H.wait_codes(bufnr, expected)
  for _, id in ipairs(expected) do
    H.check("diagnostic " .. id, function()
      return H.codes(bufnr)[id] ~= nil, "diagnostics: " .. H.codes_string(bufnr)
    end)
  end
  H.check("header-code is on the `dx B E11` line", function()
    local l = H.find(bufnr, "dx B", "E11")
    for _, d in ipairs(H.diagnostics(bufnr)) do
      if d.code == "header-code" and d.lnum == l then
        return true
      end
    end
    return false, "diagnostics: " .. H.codes_string(bufnr)
  end)

  H.check("hover on E11.9 shows its title", function()
    local text, err = H.hover_at(bufnr, "dx A", "E11.9", 2)
    return text:find("Type 2 diabetes mellitus without complications", 1, true) ~= nil, err or ("hover: " .. text)
  end)

  H.check("completion after `dx D E11.6` offers E11.65", function()
    local l, c = H.find(bufnr, "dx D", "E11.6", #"E11.6")
    return H.completion_offers(bufnr, l, c, function(text)
      return text == "E11.65"
    end)
  end)

  H.check("go-to-definition from ptr letter B lands on `dx B`", function()
    local dx_line = H.find(bufnr, "dx B", "dx")
    local l, c = H.find(bufnr, "ptr A,B", "A,B", 2)
    local target, why = H.definition_line(bufnr, l, c)
    if target ~= dx_line then
      return false, why
    end
    -- And the editor command jumps there.
    vim.api.nvim_win_set_cursor(0, { l + 1, c })
    vim.lsp.buf.definition()
    local ok = vim.wait(H.timeout, function()
      return vim.api.nvim_win_get_cursor(0)[1] == dx_line + 1
    end, 20)
    return ok, "cursor stayed at line " .. vim.api.nvim_win_get_cursor(0)[1]
  end)

  H.check("code action S72.001 -> S72.001A applies and the diagnostic goes away", function()
    local l, c = H.find(bufnr, "dx C", "S72.001", 1)
    return H.fix_removes(bufnr, l, c, "S72.001A", "S72.001A", "seventh-character")
  end)

  H.check("claimls/searchCodes E11.65 finds the code", function()
    local result, err = H.request(bufnr, "claimls/searchCodes", { query = "E11.65" })
    for _, hit in ipairs(result or {}) do
      if require("claimls").hit_parts(hit) == "E11.65" and hit.system == "ICD-10-CM" then
        return true
      end
    end
    return false, err or vim.inspect(result)
  end)

  H.check("workspace/symbol lists the claims of open buffers, not codes", function()
    local claims = H.request(bufnr, "workspace/symbol", { query = "" })
    local codes, err = H.request(bufnr, "workspace/symbol", { query = "E11.65" })
    local first = (claims or {})[1] or {}
    local ok = first.name ~= nil and first.name:match("^claim ") ~= nil and #(codes or { 1 }) == 0
    return ok, err or vim.inspect({ claims = claims, codes = codes })
  end)

  H.check(":ClaimLookup E11.65 inserts the chosen code at the cursor", function()
    vim.api.nvim_buf_set_lines(bufnr, -2, -2, false, { "  dx E  " })
    local row = vim.api.nvim_buf_line_count(bufnr) - 1
    vim.api.nvim_win_set_cursor(0, { row, 7 })
    return H.lookup_inserts(bufnr, row, "E11.65", "E11.65", "  dx E  E11.65")
  end)

  H.check(":ClaimLookup! diabetes lists matches in the quickfix list", function()
    vim.fn.setqflist({}, "r")
    vim.cmd("ClaimLookup! diabetes")
    local ok = vim.wait(H.timeout, function()
      return #vim.fn.getqflist() > 0
    end, 20)
    local first = (vim.fn.getqflist()[1] or {}).text
    return ok, "quickfix: " .. tostring(first)
  end)
end)
