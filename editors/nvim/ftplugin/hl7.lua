-- claimls: buffer settings for HL7 v2 messages.
if vim.b.did_ftplugin then
  return
end
vim.b.did_ftplugin = 1

-- Codes are one word: `E11.9`, `S72.001A` (`|` `^` `~` `&` stay separators).
vim.opt_local.iskeyword:append(".")
-- A segment is one line, however long: never break it while typing.
vim.opt_local.textwidth = 0

vim.b.undo_ftplugin = (vim.b.undo_ftplugin and (vim.b.undo_ftplugin .. " | ") or "") .. "setlocal iskeyword< textwidth<"
