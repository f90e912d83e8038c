" Vim syntax file
" Language:    claimls claim and order files (.claim, .claims, .order)
" Maintainer:  the claimls project
" Format:      docs/claim-format.md; mirrors grammar/claim.tmLanguage.json
"
" Keywords are case-insensitive; codes are matched in either case (the server
" offers a `code-format` fix for lower case).  Values are coloured only where
" the statement allows them (an NPI after `npi`, an amount after `charge`, ...),
" and text without a valid shape (`E1.9`, `9921`, a 9-digit NPI) stays plain:
" judging it is the language server's job.

if exists("b:current_syntax")
  finish
endif

let s:cpo_save = &cpo
set cpo&vim

syn case ignore
" `S72.001A` and `E11.9` are one word, as in the ftplugin.
syn iskeyword @,48-57,_,.,192-255

" Comments and strings.  A `#` inside a string is not a comment: the string
" starts earlier on the line and wins.  An unclosed quote runs to end of line.
syn keyword claimTodo         contained TODO FIXME XXX NOTE
syn match   claimComment      /#.*$/ contains=claimTodo,@Spell
syn region  claimString       start=/"/ end=/"\|$/ oneline contains=@Spell

" Blocks: `claim <id>` / `order <id>` ... `end`, at the start of a line.
syn match   claimBlock        /^\s*\zs\%(claim\|order\)\>/ nextgroup=claimBlockId skipwhite
syn match   claimBlockId      /[A-Za-z0-9_.-]\+/ contained
syn match   claimEnd          /^\s*\zsend\>/

" Option keywords inside statements (defined first: a statement keyword at the
" start of an indented line wins over the option of the same name).
syn match   claimOption       /\s\zs\%(dob\|sex\|member\|id\|npi\|ptr\|units\|charge\|priority\|pos\|date\)\>/

" Statement keywords, at the start of a line.
syn match   claimStatement    /^\s*\zs\%(kind\|patient\|payer\|billing\|rendering\|referring\|ordering\|pos\|date\|stay\|dx\|px\|line\|test\)\>/

" Enumerated values.
syn match   claimEnum         /\%(^\s*kind\s\+\)\@<=\%(professional\|outpatient\|inpatient\)\>/
syn match   claimEnum         /\%(\<sex\s\+\)\@<=[MFU]\>/
syn match   claimEnum         /\%(\<priority\s\+\)\@<=\%(routine\|stat\)\>/

" Identifiers after `member` and `id` (payer id).
syn match   claimMemberId     /\%(\s\%(member\|id\)\s\+\)\@<=[A-Za-z0-9_-]\+/

" Dates and ranges (`2026-03-02`, `2026-02-27..2026-03-01`).
syn match   claimDate         /\d\@<!\d\{4}-\d\d-\d\d\d\@!/
syn match   claimRange        /\%(\d\d\)\@<=\.\.\%(\d\{4}-\)\@=/

" NPI (10 digits) after `npi`; amount after `charge`; units; place of service.
syn match   claimNpi          /\%(\<npi\s\+\)\@<=\d\{10}\>/
syn match   claimAmount       /\%(\<charge\s\+\)\@<=\$\=\d\+\%(\.\d\{1,2}\)\=\>\.\@!/
syn match   claimUnits        /\%(\<units\s\+\)\@<=\d\+\>/
syn match   claimPos          /\%(\<pos\s\+\)\@<=\d\d\>/

" `dx A E11.9`: the letter and the ICD-10-CM code (with or without the dot).
syn match   claimDxLetter     /\%(^\s*dx\s\+\)\@<=\a\>/ nextgroup=claimIcd10Cm skipwhite
syn match   claimIcd10Cm      /\<[A-Z]\d[0-9A-Z]\%(\.\=[0-9A-Z]\{1,4}\)\=\>/ contained
" `ptr A,B` / `ptr AB`.
syn match   claimPointer      /\%(\<ptr\s\+\)\@<=\a\%(,\=\a\)*\>/

" `px 0DTJ4ZZ`: ICD-10-PCS (7 characters, no I or O).
syn match   claimIcd10Pcs     /\%(^\s*px\s\+\)\@<=[0-9A-HJ-NP-Z]\{7}\>/

" Service codes after `line <date>[..<date>]` and `test`, with `-XX` modifiers.
syn match   claimCpt          /\%(^\s*\%(line\s\+\S\+\|test\)\s\+\)\@<=\%(\d\{5}\|\d\{4}[FTU]\)\%([0-9A-Z]\)\@!/ nextgroup=claimModSep
syn match   claimHcpcs        /\%(^\s*\%(line\s\+\S\+\|test\)\s\+\)\@<=[A-Z]\d\{4}\%([0-9A-Z]\)\@!/ nextgroup=claimModSep
syn match   claimModSep       /-\%([0-9A-Z]\{2}\%([0-9A-Z]\)\@!\)\@=/ contained nextgroup=claimModifier
syn match   claimModifier     /[0-9A-Z]\{2}/ contained nextgroup=claimModSep

hi def link claimTodo         Todo
hi def link claimComment      Comment
hi def link claimString       String
hi def link claimBlock        Structure
hi def link claimEnd          Structure
hi def link claimBlockId      Identifier
hi def link claimStatement    Statement
hi def link claimOption       Keyword
hi def link claimEnum         Constant
hi def link claimMemberId     Identifier
hi def link claimDate         Number
hi def link claimRange        Delimiter
hi def link claimNpi          Number
hi def link claimAmount       Float
hi def link claimUnits        Number
hi def link claimPos          Constant
hi def link claimDxLetter     Identifier
hi def link claimPointer      Identifier
hi def link claimIcd10Cm      Constant
hi def link claimIcd10Pcs     Constant
hi def link claimCpt          Constant
hi def link claimHcpcs        Constant
hi def link claimModSep       Delimiter
hi def link claimModifier     Special

let b:current_syntax = "claim"

let &cpo = s:cpo_save
unlet s:cpo_save
