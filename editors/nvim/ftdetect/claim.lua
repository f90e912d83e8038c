-- claimls: .claim / .claims (claims) and .order (lab and imaging orders) are filetype `claim`.
vim.filetype.add({
  extension = {
    claim = "claim",
    claims = "claim",
    order = "claim",
  },
})
