-- X12 837 and HL7 v2 in Neovim through the plugin's setup(): filetypes by extension and by
-- content, diagnostics, hovers (codes, segments, fields), completion, a code action, go to
-- definition from an SV107 pointer, and :ClaimLookup inserting as each format writes codes.
local H = dofile(os.getenv("CLAIMLS_REPO") .. "/tests/editors/nvim/helpers.lua")

local DIABETES = "Type 2 diabetes mellitus without complications"

--- Opens `path`, checks its filetype and that the server attaches; returns bufnr or nil.
local function open_as(path, filetype, what)
  local bufnr, client = H.open(path)
  H.check(what .. ": filetype " .. filetype, function()
    return vim.bo[bufnr].filetype == filetype, vim.bo[bufnr].filetype
  end)
  local attached = H.check(what .. ": server attaches", function()
    return client ~= nil, "no initialized claimls client within " .. H.timeout .. " ms"
  end)
  return attached and bufnr or nil
end

local function expect_rules(bufnr, what, ids)
  H.wait_codes(bufnr, ids)
  for _, id in ipairs(ids) do
    H.check(what .. ": diagnostic " .. id, function()
      return H.codes(bufnr)[id] ~= nil, "diagnostics: " .. H.codes_string(bufnr)
    end)
  end
end

--- A code without its dot, for comparing completions (X12 writes `E1165`).
local function undotted(text)
  return (text:gsub("%.", ""))
end

H.run("formats", function()
  H.setup({ settings = { today = "2026-03-10" } })

  for _, case in ipairs({ { "a.837", "x12" }, { "a.x12", "x12" }, { "a.edi", "x12" }, { "a.hl7", "hl7" }, { "a.hl7v2", "hl7" } }) do
    H.check("ftdetect *." .. case[1]:match("%.(.*)$") .. " -> " .. case[2], function()
      local ft = vim.filetype.match({ filename = case[1] })
      return ft == case[2], "got " .. tostring(ft)
    end)
  end

  -- An 837P by its extension: every kind of request.
  local path = H.project("errors.837")
  local bufnr = open_as(path, "x12", ".837")
  if bufnr then
    expect_rules(bufnr, ".837", { "envelope", "claim-total", "header-code", "npi", "dx-pointer" })

    H.check(".837: hover on the code E119 shows its title", function()
      local text, err = H.hover_at(bufnr, "^HI%*", "E119", 1)
      return text:find(DIABETES, 1, true) ~= nil, err or ("hover: " .. text)
    end)
    H.check(".837: hover on the segment id SV1 names the segment and its loop 2400", function()
      local text, err = H.hover_at(bufnr, "^SV1%*HC:99214", "SV1", 1)
      return text:find("SV1", 1, true) ~= nil and text:find("2400", 1, true) ~= nil, err or ("hover: " .. text)
    end)
    H.check(".837: completion after `ABF:E11` in HI offers E11.9", function()
      local l, c = H.find(bufnr, "^HI%*", "ABF:E11~", #"ABF:E11")
      return H.completion_offers(bufnr, l, c, function(text)
        return undotted(text) == "E119"
      end)
    end)
    H.check(".837: go to definition from the SV107 pointer 2 lands on the HI", function()
      local hi = H.find(bufnr, "^HI%*", "HI")
      local l, c = H.find(bufnr, "^SV1%*HC:99214", "***1:2", #"***1:")
      local target, why = H.definition_line(bufnr, l, c)
      return target == hi, why
    end)
    H.check(".837: the code action sets SE01 to 28 and the envelope diagnostic goes away", function()
      local l, c = H.find(bufnr, "^SE%*", "27", 0)
      return H.fix_removes(bufnr, l, c, "SE01", "SE*28*0001~", "envelope")
    end)
    H.check(".837: :ClaimLookup E11.65 inserts E1165 (X12 writes no dot)", function()
      local row = H.find(bufnr, "^HI%*", "HI") + 1
      vim.api.nvim_buf_set_lines(bufnr, row, row, false, { "HI*ABK:~" })
      vim.api.nvim_win_set_cursor(0, { row + 1, #"HI*ABK" })
      return H.lookup_inserts(bufnr, row + 1, "E11.65", "E11.65", "HI*ABK:E1165~")
    end)
  end

  if bufnr then
    local segments = vim.api.nvim_buf_line_count(bufnr)
    H.check(".837: :ClaimJoinLines puts the " .. segments .. " segments on one line", function()
      vim.cmd("ClaimJoinLines")
      local joined = vim.wait(H.timeout, function()
        return vim.api.nvim_buf_line_count(bufnr) == 1
      end, 20)
      local first = vim.api.nvim_buf_get_lines(bufnr, 0, 1, false)[1] or ""
      local _, count = first:gsub("~", "")
      return joined and count == segments, ("%d lines, %d segments on the first"):format(vim.api.nvim_buf_line_count(bufnr), count)
    end)
    H.check(".837: formatting puts one segment a line again", function()
      vim.lsp.buf.format({ bufnr = bufnr, timeout_ms = H.timeout })
      local lines = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
      local whole = #lines == segments
      for _, l in ipairs(lines) do
        whole = whole and l:match("^[A-Z][A-Z0-9]+%*.*~$") ~= nil and not l:sub(1, -2):find("~", 1, true)
      end
      return whole, ("%d lines (want %d): %s"):format(#lines, segments, table.concat(vim.list_slice(lines, 1, 3), " | "))
    end)
  end

  -- The same 837 saved as .txt: recognised by its ISA.
  local txt = H.project("errors.837", { name = "batch-0303.txt" })
  local tbuf = open_as(txt, "x12", "content-detected .txt")
  if tbuf then
    expect_rules(tbuf, "content-detected .txt", { "envelope", "dx-pointer" })
    H.check("content-detected .txt: hover on E119 shows its title", function()
      local text, err = H.hover_at(tbuf, "^HI%*", "E119", 1)
      return text:find(DIABETES, 1, true) ~= nil, err or ("hover: " .. text)
    end)
  end

  -- An HL7 order.
  local hl7 = H.project("order.hl7")
  local hbuf = open_as(hl7, "hl7", ".hl7")
  if hbuf then
    expect_rules(hbuf, ".hl7", { "coding-system" })
    H.check(".hl7: hover on E11.9 in DG1-3 shows its title", function()
      local text, err = H.hover_at(hbuf, "^DG1|", "E11.9", 2)
      return text:find(DIABETES, 1, true) ~= nil, err or ("hover: " .. text)
    end)
    H.check(".hl7: hover in OBR-4 names the field OBR-4", function()
      local text, err = H.hover_at(hbuf, "^OBR|", "Hemoglobin A1c", 3)
      return text:find("OBR-4", 1, true) ~= nil, err or ("hover: " .. text)
    end)
    H.check(".hl7: completion of E11.6 in DG1-3 offers E11.65", function()
      vim.api.nvim_buf_set_lines(hbuf, -1, -1, false, { "DG1|2||E11.6" })
      local l = vim.api.nvim_buf_line_count(hbuf) - 1
      return H.completion_offers(hbuf, l, #"DG1|2||E11.6", function(text)
        return undotted(text) == "E1165"
      end)
    end)
    H.check(".hl7: :ClaimLookup E11.65 inserts E11.65", function()
      vim.api.nvim_buf_set_lines(hbuf, -1, -1, false, { "DG1|3||" })
      local row = vim.api.nvim_buf_line_count(hbuf)
      vim.api.nvim_win_set_cursor(0, { row, #"DG1|3|" })
      return H.lookup_inserts(hbuf, row, "E11.65", "E11.65", "DG1|3||E11.65")
    end)
  end
end)
