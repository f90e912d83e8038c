-- claimls: buffer settings for X12 837 files.
if vim.b.did_ftplugin then
  return
end
vim.b.did_ftplugin = 1

-- A file may hold every segment on one line: never break it while typing, and wrap it
-- on screen at the segment separators rather than inside an element.
vim.opt_local.textwidth = 0
vim.opt_local.wrap = true
vim.opt_local.linebreak = true
vim.opt_local.breakat = "~"

vim.b.undo_ftplugin = (vim.b.undo_ftplugin and (vim.b.undo_ftplugin .. " | ") or "")
  .. "setlocal textwidth< wrap< linebreak< breakat<"
