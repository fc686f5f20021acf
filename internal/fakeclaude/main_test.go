package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// The raw captures of the real program live with the ptyrun tests.
const samples = "../../ptyrun/testdata"

// sampleToken is the random stand-in in those captures.
const sampleToken = "sk-ant-oat01-GQqMJIWgd-9HRaXlD5kahaGmWYxe5p3dNLe4uLplEB_9cFSR5MXgyHJmcWsL-kXT0nYIWtUcxm_zL3KHOqZrmnZM6agjwAA"

// The fake draws its screens with the same bytes as the real claude: every
// line it draws at 80 and 40 columns appears verbatim in the capture of the
// real program at that width (URLs differ, so their lines are skipped).
func TestDrawingMatchesRealClaude(t *testing.T) {
	for _, tc := range []struct {
		cols  int
		file  string
		lines func(a *app) []string
	}{
		{80, "start-80x24-waiting-for-code.raw", func(a *app) []string { return append(a.header(), a.promptBody()...) }},
		{80, "success-80x24.raw", func(a *app) []string { return append(a.header(), a.successBody()...) }},
		{40, "success-40x30.raw", func(a *app) []string { return append(a.header(), append(a.promptBody(), a.successBody()...)...) }},
	} {
		t.Run(tc.file, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join(samples, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			a := &app{cols: tc.cols, rows: 24, token: sampleToken}
			a.newURL()
			checked := 0
			for _, l := range tc.lines(a) {
				if l == "" || strings.Contains(l, "\x1b]8;") {
					continue
				}
				checked++
				if !strings.Contains(string(raw), l+"\r\r\n") {
					t.Errorf("line not in the real capture: %q", l)
				}
			}
			t.Logf("compared %d lines", checked)
			if checked < 8 {
				t.Fatalf("only %d lines compared", checked)
			}
		})
	}
}

// SPEC §7: 80 columns → 79 + 29 characters, 40 → 39 + 39 + 30, then a
// blank row.
func TestSuccessBodyWrapsTokenAtColumnsMinusOne(t *testing.T) {
	for cols, want := range map[int][]int{80: {79, 29}, 40: {39, 39, 30}, 200: {108}, 20: {19, 19, 19, 19, 19, 13}} {
		a := &app{cols: cols, token: sampleToken}
		var rows []int
		lines := a.successBody()
		for i, l := range lines {
			if strings.HasPrefix(l, "\x1b[2G"+fgYellow) {
				rows = append(rows, len(strings.TrimSuffix(strings.TrimPrefix(l, "\x1b[2G"+fgYellow), fgReset)))
				if next := lines[i+1]; !strings.HasPrefix(next, "\x1b[2G"+fgYellow) && next != "" {
					t.Fatalf("%d cols: no blank row after the token", cols)
				}
			}
		}
		if !reflect.DeepEqual(rows, want) {
			t.Errorf("%d cols: token rows %v, want %v", cols, rows, want)
		}
	}
}

func TestParseKeys(t *testing.T) {
	tests := []struct {
		in   string
		want []key
		tail string
	}{
		{"ab\r", []key{{keyText, "a"}, {keyText, "b"}, {kind: keyEnter}}, ""},
		{"x\n\x03\x7f", []key{{keyText, "x"}, {kind: keyCtrlC}, {kind: keyBackspace}}, ""},
		{"\x1b[?62;c\x1b]11;rgb:0000/0000/0000\x07é", []key{{keyText, "é"}}, ""}, // terminal answers are not typed text
		{"\x1b[200~pa\nste\x1b[201~", []key{{keyText, "paste"}}, ""},
		{"a\x1b[20", []key{{keyText, "a"}}, "\x1b[20"}, // unfinished: kept for the next read
		{"\x1b[200~half", nil, "\x1b[200~half"},
		{"\xc3", nil, "\xc3"},
	}
	for _, tt := range tests {
		ch := make(chan key, 16)
		tail := parseKeys([]byte(tt.in), ch)
		close(ch)
		var got []key
		for k := range ch {
			got = append(got, k)
		}
		if !reflect.DeepEqual(got, tt.want) || string(tail) != tt.tail {
			t.Errorf("parseKeys(%q) = %v, tail %q; want %v, %q", tt.in, got, tail, tt.want, tt.tail)
		}
	}
}

func TestMasked(t *testing.T) {
	for code, want := range map[string]string{"": "", "abc": "abc", "abcdef": "abcdef", "0123456789": "****456789"} {
		a := &app{cols: 80, code: []rune(code)}
		if got := a.masked(); got != want {
			t.Errorf("masked(%q) = %q, want %q", code, got, want)
		}
	}
}
