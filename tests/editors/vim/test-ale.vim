" claimls with Vim + ALE: vim -N -u NONE -i NONE -es -S test-ale.vim
" Environment: CLAIMLS_VIMFILES (a runtime dir holding the README's ale_linters/claim/claimls.vim
" and vimrc snippets), CLAIMLS_FILE (a copy of a fixture: errors.claim or errors.837),
" CLAIMLS_FILETYPE (its filetype: claim, x12), CLAIMLS_HOVER_AT (a pattern that ends inside
" E11.9 / E119, where the hover is asked), CLAIMLS_NVIM_RTP (editors/nvim, for the syntax
" files), CLAIMLS_OUT (results file: `-es` has no usable stdout), the server on PATH.
set nocompatible
let s:results = []
let s:failed = 0
function! s:Report(ok, name, ...) abort
    let l:line = (a:ok ? 'PASS' : 'FAIL') . ' vim: ' . a:name
    if !a:ok
        let s:failed += 1
        let l:line .= ': ' . substitute(get(a:, 1, ''), '\n', ' | ', 'g')
    endif
    call add(s:results, l:line)
    call writefile(s:results, $CLAIMLS_OUT)
endfunction

function! s:Wait(cond, ms) abort
    let l:waited = 0
    while !eval(a:cond) && l:waited < a:ms
        sleep 50m
        let l:waited += 50
    endwhile
    return eval(a:cond)
endfunction

function! s:Codes() abort
    let l:info = get(get(g:, 'ale_buffer_info', {}), bufnr(''), {})
    return map(copy(get(l:info, 'loclist', [])), 'string(get(v:val, "code", ""))')
endfunction

try
    execute 'set runtimepath^=' . fnameescape($CLAIMLS_VIMFILES)
    execute 'set runtimepath+=' . fnameescape($CLAIMLS_NVIM_RTP)
    set runtimepath+=/usr/share/vim-ale
    filetype plugin on
    syntax on
    execute 'source ' . fnameescape($CLAIMLS_VIMFILES . '/vimrc')
    runtime plugin/ale.vim

    execute 'edit ' . fnameescape($CLAIMLS_FILE)
    call s:Report(&filetype is# $CLAIMLS_FILETYPE, 'the README vimrc snippet sets filetype ' . $CLAIMLS_FILETYPE, &filetype)
    " The code the hover is asked on: highlighted by editors/nvim/syntax/<filetype>.vim.
    let s:lnum = search($CLAIMLS_HOVER_AT, 'e')
    let s:col = col('.') - 1
    let s:group = synIDattr(synID(s:lnum, s:col + 1, 1), 'name')
    call s:Report(get(b:, 'current_syntax', '') is# $CLAIMLS_FILETYPE
    \   && s:group =~# '\v^(claimIcd10Cm|x12Icd10Cm)$',
    \   'editors/nvim/syntax/' . $CLAIMLS_FILETYPE . '.vim highlights the code in Vim',
    \   get(b:, 'current_syntax', '') . ' ' . s:group)

    call ale#Queue(0)
    let s:ok = s:Wait('index(s:Codes(), "''header-code''") >= 0 && index(s:Codes(), "''npi''") >= 0', 20000)
    call s:Report(s:ok, 'ALE shows header-code and npi diagnostics', 'codes: ' . join(s:Codes(), ' '))

    let s:hover = ''
    let s:hover_done = 0
    function! s:OnHover(response) abort
        let l:result = get(a:response, 'result', v:null)
        let l:contents = type(l:result) == v:t_dict ? get(l:result, 'contents', '') : ''
        let s:hover = type(l:contents) == v:t_dict ? get(l:contents, 'value', '')
        \   : type(l:contents) == v:t_string ? l:contents : string(l:contents)
        if has_key(a:response, 'error')
            let s:hover = 'error ' . string(a:response.error)
        endif
        let s:hover_done = 1
    endfunction
    call ale#lsp_linter#SendRequest(bufnr(''), 'claimls', [0, 'textDocument/hover', {
    \   'textDocument': {'uri': ale#path#ToFileURI(expand('%:p'))},
    \   'position': {'line': s:lnum - 1, 'character': s:col},
    \}], function('s:OnHover'))
    call s:Wait('s:hover_done', 10000)
    call s:Report(s:hover =~# 'Type 2 diabetes mellitus without complications',
    \   'hover on the code E11.9 shows its title', 'hover: ' . s:hover)
catch
    call s:Report(0, 'ALE session', v:exception . ' at ' . v:throwpoint)
endtry

call ale#lsp#StopAll()
if empty(s:results)
    call s:Report(0, 'ALE session', 'no result')
endif
execute (s:failed > 0 ? 'cquit 1' : 'qall!')
