# md_tables_whole.awk: every Markdown table has the header's cell count in every row.
# usage: awk -f md_tables_whole.awk FILE...   exit 1 and FILE:LINE for each short or long row
# A table is a run of lines starting with '|' outside fenced code; its first line is the header.
function cells(s,    n, i, c, code) {
	n = 0; code = 0
	for (i = 1; i <= length(s); i++) {
		c = substr(s, i, 1)
		if (c == "`") code = !code
		else if (c == "|" && !code && substr(s, i - 1, 1) != "\\") n++
	}
	return n - 1
}
FNR == 1 { intable = 0; fence = 0 }
/^ *```/ { fence = !fence; intable = 0; next }
fence { next }
/^ *\|/ {
	if (!intable) { intable = 1; want = cells($0); hline = FNR; tables++; next }
	got = cells($0)
	if (got != want) { printf "%s:%d: %d cells in a table of %d (header at line %d)\n", FILENAME, FNR, got, want, hline; bad++ }
	rows++
	next
}
{ intable = 0 }
END {
	if (bad) exit 1
	if (!tables) { printf "no table found\n"; exit 1 }
}
