-- Filetype detection, ftplugin options and Vim-regex highlighting (no server needed).
local H = dofile(os.getenv("CLAIMLS_REPO") .. "/tests/editors/nvim/helpers.lua")

H.run("syntax", function()
  for _, ext in ipairs({ "claim", "claims", "order" }) do
    H.check("ftdetect *." .. ext .. " -> claim", function()
      local ft = vim.filetype.match({ filename = "x." .. ext })
      return ft == "claim", "got " .. tostring(ft)
    end)
  end

  vim.cmd("syntax on")
  local path = H.project("errors.claim")
  vim.cmd("edit " .. vim.fn.fnameescape(path))
  H.check("buffer filetype is claim", function()
    return vim.bo.filetype == "claim", vim.bo.filetype
  end)
  H.check("commentstring is '# %s'", function()
    return vim.bo.commentstring == "# %s", vim.bo.commentstring
  end)
  H.check("S72.001A and E11.9 are one word (iskeyword)", function()
    vim.api.nvim_buf_set_lines(0, -1, -1, false, { "  dx E  S72.001A", "  dx F  E11.9" })
    local n = vim.api.nvim_buf_line_count(0)
    vim.api.nvim_win_set_cursor(0, { n - 1, 10 })
    local w1 = vim.fn.expand("<cword>")
    vim.api.nvim_win_set_cursor(0, { n, 9 })
    local w2 = vim.fn.expand("<cword>")
    return w1 == "S72.001A" and w2 == "E11.9", w1 .. " / " .. w2
  end)
  H.check("b:current_syntax is claim", function()
    return vim.b.current_syntax == "claim", tostring(vim.b.current_syntax)
  end)

  local cases = {
    { "# a comment", "# a", "claimComment" },
    { "CLAIM CLM-1", "CLAIM", "claimBlock" },
    { "CLAIM CLM-1", "CLM-1", "claimBlockId" },
    { "end", "end", "claimEnd" },
    { '  Patient "Doe, Jane" DOB 1980-04-12 sex F member XJ1234567', "Patient", "claimStatement" },
    { '  Patient "Doe, Jane" DOB 1980-04-12 sex F member XJ1234567', '"Doe', "claimString" },
    { '  Patient "Doe, Jane" DOB 1980-04-12 sex F member XJ1234567', "DOB", "claimOption" },
    { '  Patient "Doe, Jane" DOB 1980-04-12 sex F member XJ1234567', "1980-04-12", "claimDate" },
    { '  Patient "Doe, Jane" DOB 1980-04-12 sex F member XJ1234567', " F ", "claimEnum", 1 },
    { '  Patient "Doe, Jane" DOB 1980-04-12 sex F member XJ1234567', "XJ1234567", "claimMemberId" },
    { 'patient "a # b" # real', "# b", "claimString" },
    { 'patient "a # b" # real', "# real", "claimComment" },
    { "  billing npi 1234567893", "1234567893", "claimNpi" },
    { "  billing npi 123456789", "123456789", "" },
    { "  pos 11", "pos", "claimStatement" },
    { "  pos 11", "11", "claimPos" },
    { "  dx A  E11.9", "A", "claimDxLetter" },
    { "  dx A  E11.9", "E11.9", "claimIcd10Cm" },
    { "  dx B  s72.001a", "s72.001a", "claimIcd10Cm" },
    { "  dx C  E1.9", "E1.9", "" },
    { "  px 0DTJ4ZZ date 2026-01-01", "0DTJ4ZZ", "claimIcd10Pcs" },
    { "  line 2026-03-02  99213-25-59  ptr A,B  units 1  charge $125.00", "99213", "claimCpt" },
    { "  line 2026-03-02  99213-25-59  ptr A,B  units 1  charge $125.00", "-25", "claimModSep" },
    { "  line 2026-03-02  99213-25-59  ptr A,B  units 1  charge $125.00", "59", "claimModifier" },
    { "  line 2026-03-02  99213-25-59  ptr A,B  units 1  charge $125.00", "A,B", "claimPointer" },
    { "  line 2026-03-02  99213-25-59  ptr A,B  units 1  charge $125.00", " 1 ", "claimUnits", 1 },
    { "  line 2026-03-02  99213-25-59  ptr A,B  units 1  charge $125.00", "$125.00", "claimAmount" },
    { "  line 2026-02-27..2026-03-01  J1815  ptr A  charge 12.345", "2026-03-01", "claimDate" },
    { "  line 2026-02-27..2026-03-01  J1815  ptr A  charge 12.345", "..", "claimRange" },
    { "  line 2026-02-27..2026-03-01  J1815  ptr A  charge 12.345", "J1815", "claimHcpcs" },
    { "  line 2026-02-27..2026-03-01  J1815  ptr A  charge 12.345", "12.345", "" },
    { "  test 3046F  ptr A  priority stat", "3046F", "claimCpt" },
    { "  test 3046F  ptr A  priority stat", "stat", "claimEnum" },
    { "  kind inpatient", "inpatient", "claimEnum" },
    { "  line 2026-03-02  9921  ptr A", "9921", "" },
  }
  for _, c in ipairs(cases) do
    local line, text, want, off = c[1], c[2], c[3], c[4] or 0
    H.check(("highlight %q in %q is %s"):format(text, line, want == "" and "plain" or want), function()
      vim.cmd("enew!")
      vim.api.nvim_buf_set_lines(0, 0, -1, false, { line })
      vim.bo.filetype = "claim"
      local col = line:find(text, 1, true) + off
      local name = vim.fn.synIDattr(vim.fn.synID(1, col, 1), "name")
      return name == want, "got " .. (name == "" and "plain" or name)
    end)
  end
end)
