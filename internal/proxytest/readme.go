package proxytest

import "strings"

// The README's configuration blocks are tested as they are written, so
// that what a user copies is what ran: these read them out of it.

// READMESection is the text of the section that starts with heading, up
// to the next heading of its level.
func READMESection(doc, heading string) (string, bool) {
	i := strings.Index(doc, "\n"+heading+"\n")
	if i < 0 {
		return "", false
	}
	rest := doc[i+1+len(heading):]
	if j := strings.Index(rest, "\n## "); j >= 0 {
		rest = rest[:j]
	}
	return rest, true
}

// FencedBlocks are the contents of the ``` blocks of text, each ending in
// a newline.
func FencedBlocks(text string) []string {
	var out []string
	parts := strings.Split(text, "\n```")
	for i := 1; i+1 < len(parts); i += 2 {
		_, body, _ := strings.Cut(parts[i], "\n") // past the info string
		out = append(out, body+"\n")
	}
	return out
}
