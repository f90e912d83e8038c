" Vim syntax file
" Language:    HL7 v2 messages (.hl7, .hl7v2)
" Maintainer:  the claimls project
" Format:      docs/claim-format.md section 7; mirrors grammar/hl7.tmLanguage.json
"
" Written for the usual encoding characters `|^~\&`.  A message with other ones keeps
" only its segment ids' colours.  Nothing here judges the text: the server does.

if exists("b:current_syntax")
  finish
endif

let s:cpo_save = &cpo
set cpo&vim

syn case match
" `E11.9` is one word, as in the ftplugin.
syn iskeyword @,48-57,_,.,192-255

syn match   hl7FieldSep     /|/
syn match   hl7ComponentSep /\^/
syn match   hl7RepetitionSep /\~/
syn match   hl7SubcomponentSep /&/
syn match   hl7Escape       /\\\%([FSTRE]\|X\x\+\|\.br\)\\/
" Timestamps YYYYMMDD[HHMM[SS[.S]]][+-ZZZZ] as a whole field or component.
syn match   hl7Date         /[|^]\@<=\d\{8}\%(\d\{4}\%(\d\{2}\%(\.\d\{1,4}\)\=\)\=\)\=\%([+-]\d\{4}\)\=\ze\%([|^~&]\|$\)/
" The third component of a coded field names its coding system (HL7 table 0396).
syn match   hl7CodingSystem /\^\@<=\%(I10C\|I10P\|I10\|ICD10\|I9C\|I9CDX\|I9\|C4\|CPT\|HCPCS-II\|HCPCS\|LN\|SCT\)\ze\%([|~]\|$\)/

" Segment ids at the start of a line; MSH-1 and MSH-2 are data, not separators.
syn match   hl7Segment      /^\u[A-Z0-9]\{2}\ze\%(|\|$\)/
syn match   hl7Header       /^MSH\ze|/ nextgroup=hl7Encoding
syn match   hl7Encoding     /|[^|]\{0,5}\ze\%(|\|$\)/ contained
" DG1-3 and OBR-4: the code (first component).
syn match   hl7Diagnosis    /\%(^DG1|[^|]*|[^|]*|\)\@<=[^|^~]\+/
syn match   hl7Service      /\%(^OBR|[^|]*|[^|]*|[^|]*|\)\@<=[^|^~]\+/

hi def link hl7Header        PreProc
hi def link hl7Encoding      SpecialChar
hi def link hl7Segment       Statement
hi def link hl7FieldSep      Delimiter
hi def link hl7ComponentSep  Delimiter
hi def link hl7RepetitionSep Delimiter
hi def link hl7SubcomponentSep Delimiter
hi def link hl7Escape        SpecialChar
hi def link hl7Date          Number
hi def link hl7CodingSystem  Type
hi def link hl7Diagnosis     Constant
hi def link hl7Service       Constant

let b:current_syntax = "hl7"

let &cpo = s:cpo_save
unlet s:cpo_save
