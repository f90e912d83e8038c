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
    -- X12 837 (syntax/x12.vim) and HL7 v2 (syntax/hl7.vim): the 5th field is the filetype.
    { "ST*837*0001*005010X222A1~", "ST", "x12Envelope", 0, "x12" },
    { "HL*2*1*22*0~", "HL", "x12Hierarchy", 0, "x12" },
    { "CLM*CLM-1*247.50***11:B:1*Y~", "CLM", "x12Segment", 0, "x12" },
    { "CLM*CLM-1*247.50***11:B:1*Y~", "247.50", "x12Amount", 0, "x12" },
    { "CLM*CLM-1*247.50***11:B:1*Y~", "*", "x12ElementSep", 0, "x12" },
    { "HI*ABK:E119*ABF:I10~", "ABK", "x12Qualifier", 0, "x12" },
    { "HI*ABK:E119*ABF:I10~", "E119", "x12Icd10Cm", 0, "x12" },
    { "HI*ABK:E119*ABF:I10~", "I10", "x12Icd10Cm", 0, "x12" },
    { "HI*BBR:0DTJ4ZZ:D8:20260302~", "0DTJ4ZZ", "x12Icd10Pcs", 0, "x12" },
    { "HI*BBR:0DTJ4ZZ:D8:20260302~", "20260302", "x12Date", 0, "x12" },
    { "SV1*HC:97110:GP:KX*300*UN*10***1:2~", "97110", "x12Procedure", 0, "x12" },
    { "SV1*HC:97110:GP:KX*300*UN*10***1:2~", "KX", "x12Modifier", 0, "x12" },
    { "NM1*85*2*RIVERSIDE*****XX*1528304615~", "1528304615", "x12Npi", 0, "x12" },
    { "DTP*472*RD8*20260302-20260306~", "RD8", "x12DateFormat", 0, "x12" },
    { "DTP*472*RD8*20260302-20260306~", "20260306", "x12Date", 0, "x12" },
    { "LX*1~SV1*HC:99213*100~", "SV1", "x12Segment", 0, "x12" },
    { "HI*XYZ:E119~", "E119", "", 0, "x12" },
    { "MSH|^~\\&|EHR|FAC|LAB|FAC|20260302091500||ORM^O01|1|P|2.5.1", "MSH", "hl7Header", 0, "hl7" },
    { "MSH|^~\\&|EHR|FAC|LAB|FAC|20260302091500||ORM^O01|1|P|2.5.1", "^~", "hl7Encoding", 0, "hl7" },
    { "MSH|^~\\&|EHR|FAC|LAB|FAC|20260302091500||ORM^O01|1|P|2.5.1", "20260302091500", "hl7Date", 0, "hl7" },
    { "PID|1||MRN-1^^^SFP^MR||Alvarez^Maria||19620714|F", "PID", "hl7Segment", 0, "hl7" },
    { "PID|1||MRN-1^^^SFP^MR||Alvarez^Maria||19620714|F", "^", "hl7ComponentSep", 0, "hl7" },
    { "DG1|1||E11.9^Type 2 diabetes^I10C|||F", "E11.9", "hl7Diagnosis", 0, "hl7" },
    { "DG1|1||E11.9^Type 2 diabetes^I10C|||F", "I10C", "hl7CodingSystem", 0, "hl7" },
    { "OBR|1|ORD-1^SFP||83036^Hemoglobin A1c^C4|||20260302", "83036", "hl7Service", 0, "hl7" },
    { "OBR|1|ORD-1^SFP||83036^Hemoglobin A1c^C4|||20260302", "C4", "hl7CodingSystem", 0, "hl7" },
    { "NTE|1||see\\.br\\note", "\\.br\\", "hl7Escape", 0, "hl7" },
  }
  for _, c in ipairs(cases) do
    local line, text, want, off, filetype = c[1], c[2], c[3], c[4] or 0, c[5] or "claim"
    H.check(("%s: highlight %q in %q is %s"):format(filetype, text, line, want == "" and "plain" or want), function()
      vim.cmd("enew!")
      vim.api.nvim_buf_set_lines(0, 0, -1, false, { line })
      vim.bo.filetype = filetype
      local col = line:find(text, 1, true) + off
      local name = vim.fn.synIDattr(vim.fn.synID(1, col, 1), "name")
      return name == want, "got " .. (name == "" and "plain" or name)
    end)
  end
end)
