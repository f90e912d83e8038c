-- claimls: buffer settings for claim and order files.
if vim.b.did_ftplugin then
  return
end
vim.b.did_ftplugin = 1

-- `#` starts a comment that runs to the end of the line.
vim.bo.commentstring = "# %s"
vim.bo.comments = ":#"
-- Codes are one word: `E11.9`, `S72.001A`, `Z3A.20` (`-` stays a separator, so the
-- modifiers of `99213-25` are words of their own).
vim.opt_local.iskeyword:append(".")
-- One statement per line: never wrap text while typing, but do wrap comments.
vim.opt_local.formatoptions:remove("t")
vim.opt_local.formatoptions:append("cqj")

vim.b.undo_ftplugin = (vim.b.undo_ftplugin and (vim.b.undo_ftplugin .. " | ") or "")
  .. "setlocal commentstring< comments< iskeyword< formatoptions<"
