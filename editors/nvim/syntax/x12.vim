" Vim syntax file
" Language:    X12 837 health-care claims (.837, .x12, .edi)
" Maintainer:  the claimls project
" Format:      docs/claim-format.md section 6; mirrors grammar/x12.tmLanguage.json
"
" Written for the default delimiters: `*` between elements, `:` between components,
" `^` between repetitions, `~` after each segment.  A file with other delimiters keeps
" only its segment ids' colours.  Nothing here judges the text: the server does.

if exists("b:current_syntax")
  finish
endif

let s:cpo_save = &cpo
set cpo&vim

syn case match

" Segment ids: at the start of a line or after the previous segment's `~`.  Values are
" found by what stands before them (`\@<=`), as the separators are items of their own.
syn match   x12Envelope     /\%(^\s*\|\~\s*\)\@<=\%(ISA\|IEA\|GS\|GE\|ST\|SE\)\ze\%([*~]\|$\)/
syn match   x12Hierarchy    /\%(^\s*\|\~\s*\)\@<=\<HL\ze\%([*~]\|$\)/
syn match   x12Segment      /\%(^\s*\|\~\s*\)\@<=\a\w\{1,2}\ze\%([*~]\|$\)/ contains=x12Envelope,x12Hierarchy

" Separators.
syn match   x12ElementSep   /\*/
syn match   x12ComponentSep /:/
syn match   x12RepetitionSep /\^/
syn match   x12Terminator   /\~/

" `ABK:E119` and the other HI qualifiers with their code (ICD-10-CM, ICD-9-CM, ICD-10-PCS).
syn match   x12Qualifier    /[*^]\@<=\%(ABK\|ABF\|ABJ\|APR\|ABN\)\ze:\a\d\w\{1,5}\%([*:^~]\|$\)/ nextgroup=x12DxSep
syn match   x12DxSep        /:/ contained nextgroup=x12Icd10Cm
syn match   x12Icd10Cm      /\a\d\w\{1,5}\ze\%([*:^~]\|$\)/ contained
syn match   x12Qualifier    /[*^]\@<=\%(BK\|BF\|BJ\|PR\|BN\|BP\|BQ\)\ze:\w\{3,5}\%([*:^~]\|$\)/ nextgroup=x12Icd9Sep
syn match   x12Icd9Sep      /:/ contained nextgroup=x12Icd9Cm
syn match   x12Icd9Cm       /\w\{3,5}\ze\%([*:^~]\|$\)/ contained
syn match   x12Qualifier    /[*^]\@<=\%(BBR\|BBQ\)\ze:\w\{7}\%([*:^~]\|$\)/ nextgroup=x12PcsSep
syn match   x12PcsSep       /:/ contained nextgroup=x12Icd10Pcs
syn match   x12Icd10Pcs     /\w\{7}\ze\%([*:^~]\|$\)/ contained

" `HC:99214:25:59`: a procedure code (CPT, HCPCS, CDT) and its modifiers.
syn match   x12Qualifier    /\*\@<=\%(HC\|ER\|IV\|WK\|AD\)\ze:\w\{5}\%([*:^~]\|$\)/ nextgroup=x12ProcSep
syn match   x12ProcSep      /:/ contained nextgroup=x12Procedure
syn match   x12Procedure    /\w\{5}\ze\%([*:^~]\|$\)/ contained nextgroup=x12ModSep
syn match   x12ModSep       /:/ contained nextgroup=x12Modifier
syn match   x12Modifier     /\w\{2}\ze\%([*:^~]\|$\)/ contained nextgroup=x12ModSep

" `XX*1528304615`: an NPI.
syn match   x12Qualifier    /\*\@<=XX\ze\*\d\{10}\%([*:^~]\|$\)/ nextgroup=x12NpiSep
syn match   x12NpiSep       /\*/ contained nextgroup=x12Npi
syn match   x12Npi          /\d\{10}/ contained

" `D8*20260302`, `RD8*20260302-20260306`, `D8:20260302` in HI.
syn match   x12DateFormat   /[*:]\@<=R\=D8\ze[*:]\d\{8}\%(-\d\{8}\)\=\%([*:^~]\|$\)/ nextgroup=x12DateSep
syn match   x12DateSep      /[*:]/ contained nextgroup=x12Date
syn match   x12Date         /\d\{8}\%(-\d\{8}\)\=/ contained

" A decimal amount standing as a whole element (`247.50`).
syn match   x12Amount       /\*\@<=-\=\d\+\.\d\{1,2}\ze\%([*:^~]\|$\)/

hi def link x12Envelope      PreProc
hi def link x12Hierarchy     Structure
hi def link x12Segment       Statement
hi def link x12ElementSep    Delimiter
hi def link x12ComponentSep  Delimiter
hi def link x12RepetitionSep Delimiter
hi def link x12Terminator    Special
hi def link x12Qualifier     Keyword
hi def link x12DxSep         Delimiter
hi def link x12Icd9Sep       Delimiter
hi def link x12PcsSep        Delimiter
hi def link x12ProcSep       Delimiter
hi def link x12ModSep        Delimiter
hi def link x12NpiSep        Delimiter
hi def link x12DateSep       Delimiter
hi def link x12Icd10Cm       Constant
hi def link x12Icd9Cm        Constant
hi def link x12Icd10Pcs      Constant
hi def link x12Procedure     Constant
hi def link x12Modifier      Special
hi def link x12Npi           Number
hi def link x12DateFormat    Keyword
hi def link x12Date          Number
hi def link x12Amount        Float

let b:current_syntax = "x12"

let &cpo = s:cpo_save
unlet s:cpo_save
