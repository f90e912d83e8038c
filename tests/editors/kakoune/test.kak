# claimls with Kakoune + kak-lsp: kak -n -ui dummy -s NAME -e 'source test.kak'
# Environment: CLAIMLS_KAKLSP (the kak-lsp binary), CLAIMLS_KAKLSP_TOML (config with the
# README's [language_server.claimls]), CLAIMLS_KAKRC (the README's kakrc snippet),
# CLAIMLS_FILE (a copy of a fixture: errors.claim or errors.837), CLAIMLS_FILETYPE (its
# filetype: claim, x12), CLAIMLS_HOVER_AT (a regex matching the code E11.9 / E119, where the
# hover is asked), CLAIMLS_OUT (results file), the server on PATH.

define-command -hidden claimls-report -params 2..3 %{
    nop %sh{ if [ "$1" = PASS ]; then printf 'PASS kakoune: %s\n' "$2"; else printf 'FAIL kakoune: %s: %s\n' "$2" "$3"; fi >> "$CLAIMLS_OUT" }
}

# Never hang: give up after 40 s. The watchdog ends by itself soon after the session does.
nop %sh{
    (
        i=0
        while [ $i -lt 80 ] && kak -l | grep -qx "$kak_session"; do sleep 0.5; i=$((i + 1)); done
        [ $i -lt 80 ] || printf 'kill!' | kak -p "$kak_session"
    ) >/dev/null 2>&1 </dev/null &
}

evaluate-commands %sh{ "$CLAIMLS_KAKLSP" --kakoune -s "$kak_session" --config "$CLAIMLS_KAKLSP_TOML" }
source %sh{ printf %s "$CLAIMLS_KAKRC" }

# Capture the hover instead of drawing it, then finish.
define-command -override -hidden lsp-show-hover -params 4 %{
    evaluate-commands %sh{
        if printf '%s' "$2" | grep -q 'Type 2 diabetes mellitus without complications'; then
            echo "claimls-report PASS 'hover on the code E11.9 shows its title'"
        else
            printf "claimls-report FAIL 'hover on the code E11.9 shows its title' '%s'\n" "$(printf '%s' "$2" | head -c 200 | tr '\n' ' ' | sed "s/'/''/g")"
        fi
    }
    lsp-exit
    kill!
}

hook -once global BufSetOption lsp_diagnostic_error_count=[1-9].* %{
    claimls-report PASS "kak-lsp shows the server's diagnostics (%opt{lsp_diagnostic_error_count} errors)"
    evaluate-commands -client client0 %{
        evaluate-commands %sh{ printf "execute-keys 'gg/%s<ret>'\n" "$CLAIMLS_HOVER_AT" }
        lsp-hover
    }
}

edit %sh{ printf %s "$CLAIMLS_FILE" }
evaluate-commands %sh{
    if [ "$kak_opt_filetype" = "$CLAIMLS_FILETYPE" ]; then echo "claimls-report PASS 'the README kakrc snippet sets filetype $CLAIMLS_FILETYPE'"
    else echo "claimls-report FAIL 'the README kakrc snippet sets filetype $CLAIMLS_FILETYPE' '$kak_opt_filetype'"; fi
}
