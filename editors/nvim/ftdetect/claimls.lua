-- claimls: claim / order files (`claim`), X12 837 (`x12`) and HL7 v2 (`hl7`), by extension
-- and by first line (see lua/claimls/filetype.lua).
require("claimls.filetype").add()
