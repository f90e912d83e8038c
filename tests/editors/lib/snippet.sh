# Prints the fenced code block that follows `<!-- snippet: NAME -->` in editors/README.md.
#   snippet NAME [README]
snippet() {
  local name="$1" readme="${2:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)/editors/README.md}"
  awk -v name="$1" '
    $0 == "<!-- snippet: " name " -->" { state = 1; next }
    state == 1 && /^```/ { state = 2; next }
    state == 2 && /^```/ { found = 1; exit }
    state == 2 { print }
    END { if (!found) { print "snippet " name " not found" > "/dev/stderr"; exit 1 } }
  ' "$readme"
}
