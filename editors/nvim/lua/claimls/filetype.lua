-- claimls filetypes: `claim` (.claim, .claims, .order), `x12` (.837, .x12, .edi, or a file
-- whose first line starts with an ISA segment) and `hl7` (.hl7, .hl7v2, or a first line
-- starting with MSH). Used by ftdetect/claimls.lua and by setup().
local M = {}

-- (After an optional byte-order mark.) White space, then `ISA`, the element separator (any
-- punctuation), ISA01 (two digits) and the separator again: `ISA*00*`, `ISA|00|`.
local function x12_first_line(line)
  return line:match("^%s*ISA(%p)%d%d%1") ~= nil
end

-- `MSH`, the field separator, then the encoding characters (punctuation): `MSH|^~\&|`.
local function hl7_first_line(line)
  return line:match("^MSH(%p)%p%p") ~= nil
end

--- The filetype of a buffer by its first line, or nil.
function M.by_content(bufnr)
  if not bufnr or not vim.api.nvim_buf_is_valid(bufnr) then
    return nil
  end
  local line = (vim.api.nvim_buf_get_lines(bufnr, 0, 1, false)[1] or ""):gsub("^\239\187\191", "")
  if x12_first_line(line) then
    return "x12"
  elseif hl7_first_line(line) then
    return "hl7"
  end
  return nil
end

function M.add()
  vim.filetype.add({
    extension = {
      claim = "claim",
      claims = "claim",
      order = "claim",
      ["837"] = "x12",
      x12 = "x12",
      edi = "x12",
      hl7 = "hl7",
      hl7v2 = "hl7",
    },
    pattern = {
      -- Ahead of the extension (a `.txt` or `.dat` file exported by a billing system is
      -- still an 837): a high priority, and the first line decides.
      [".*"] = {
        function(_, bufnr)
          return M.by_content(bufnr)
        end,
        { priority = 1000 },
      },
    },
  })
end

return M
