package cmd

import (
	"os"
	"strings"

	"golang.org/x/term"
)

// isTerminal reports whether f is an *os.File attached to a terminal.
func isTerminal(f any) bool {
	file, ok := f.(*os.File)
	return ok && term.IsTerminal(int(file.Fd()))
}

// termWidth is the width of the terminal f is, or 0.
func termWidth(f any) int {
	file, ok := f.(*os.File)
	if !ok {
		return 0
	}
	w, _, err := term.GetSize(int(file.Fd()))
	if err != nil {
		return 0
	}
	return w
}

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}
