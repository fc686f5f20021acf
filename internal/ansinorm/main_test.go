package main

import "testing"

func TestNormalize(t *testing.T) {
	const (
		reset = "\x1b[0m"
		blue  = "\x1b[38;2;88;166;255m"
		green = "\x1b[38;2;63;185;80m"
	)
	for _, tc := range []struct{ name, in, want string }{
		{"plain text passes", "hello │ world", "hello │ world"},
		{"default foreground ends a colour",
			blue + "┃" + "\x1b[39m" + " text",
			reset + blue + "┃" + reset + " text"},
		{"bold after a colour keeps the colour",
			blue + "\x1b[1m" + "Title" + "\x1b[0m",
			reset + blue + reset + blue + "Title" + reset},
		{"a colour change keeps the background",
			"\x1b[48;5;236m" + "row " + green + "ok" + "\x1b[49m" + " after",
			reset + "\x1b[48;5;236m" + "row " + reset + "\x1b[38;2;63;185;80m\x1b[48;5;236m" + "ok" + reset + "\x1b[38;2;63;185;80m" + " after"},
		{"basic colours", "\x1b[31;44mx\x1b[m", reset + "\x1b[31m\x1b[48;5;4m" + "x" + reset},
		{"bright backgrounds", "\x1b[101mx", reset + "\x1b[48;5;9mx"},
		{"style carries across lines", blue + "a\nb", reset + blue + "a\nb"},
		{"malformed 38 is ignored", "\x1b[38;7mx", reset + "x"},
	} {
		if got := Normalize(tc.in); got != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.name, got, tc.want)
		}
	}
}
