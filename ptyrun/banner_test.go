package ptyrun

import (
	"bytes"
	"strings"
	"testing"
)

const testBanner = "Running claude setup-token — press ctrl+] to cancel"

// paintAt is what the banner writes to be drawn on the last row of a
// terminal rows high.
func paintAt(rows, cols int) string {
	b, _ := newPinnedBanner(nil, testBanner, Size{Cols: cols, Rows: rows})
	return b.paint()
}

// The banner keeps the last row of the terminal: the child gets one row
// less, and whatever may erase the banner or undo the scroll region that
// protects it is followed at once by the banner drawn again, never in the
// middle of one of the child's sequences.
func TestPinnedBannerIsDrawnAgainAfterWhatErasesIt(t *testing.T) {
	var out bytes.Buffer
	b, ok := newPinnedBanner(&out, testBanner, Size{Cols: 80, Rows: 24})
	if !ok {
		t.Fatal("not pinned at 80×24")
	}
	if got := b.childSize(); got != (Size{Cols: 80, Rows: 23}) {
		t.Errorf("child size %+v, want 80×23", got)
	}
	paint := paintAt(24, 80)
	if !strings.Contains(paint, "\x1b[1;23r") || !strings.Contains(paint, "\x1b[24;1H") || !strings.Contains(paint, testBanner) {
		t.Errorf("paint %q: want the region 1–23 and the banner on row 24", paint)
	}
	b.start()
	if !strings.HasSuffix(out.String(), paint) {
		t.Errorf("start %q does not draw the banner", out.String())
	}
	for _, tc := range []struct {
		name   string
		chunks []string
		want   string // the output, with P for the paint
	}{
		{"plain text", []string{"hello\r\n"}, "hello\r\n"},
		// claude's first bytes reset the region inside its own save and
		// restore: the banner comes after the restore, not inside it.
		{"region reset inside DECSC/DECRC", []string{"\x1b7\x1b[r\x1b8more"}, "\x1b7\x1b[r\x1b8Pmore"},
		{"erase display", []string{"a\x1b[2Jb"}, "a\x1b[2JPb"},
		{"erase below", []string{"\x1b[J"}, "\x1b[JP"},
		{"erase above leaves the last row", []string{"\x1b[1J"}, "\x1b[1J"},
		{"a sequence split across reads", []string{"x\x1b[", "2", "J", "y"}, "x\x1b[2JPy"},
		{"full reset", []string{"\x1bc"}, "\x1bcP"},
		{"the alternate screen", []string{"\x1b[?1049h"}, "\x1b[?1049hP"},
		{"a region the child sets itself", []string{"\x1b[2;10r"}, "\x1b[2;10r"},
		{"an OSC with a J inside", []string{"\x1b]0;2J\x07"}, "\x1b]0;2J\x07"},
		{"a colour ending in J-like bytes", []string{"\x1b[38;5;2m"}, "\x1b[38;5;2m"},
	} {
		out.Reset()
		for _, c := range tc.chunks {
			if _, err := b.Write([]byte(c)); err != nil {
				t.Fatal(err)
			}
		}
		if want := strings.ReplaceAll(tc.want, "P", paint); out.String() != want {
			t.Errorf("%s:\n got %q\nwant %q", tc.name, out.String(), want)
		}
	}

	// A resize between sequences draws the banner at once on the new last
	// row, first moving the cursor off it (a shrinking terminal may leave
	// the cursor there).
	out.Reset()
	b.resize(Size{Cols: 60, Rows: 15})
	if got, want := out.String(), "\x1b7\x1b[r\x1b8\x1bD\x1bM"+paintAt(15, 60); got != want {
		t.Errorf("resize:\n got %q\nwant %q", got, want)
	}
	if got := b.childSize(); got != (Size{Cols: 60, Rows: 14}) {
		t.Errorf("child size after the resize %+v", got)
	}
	// In the middle of a sequence it waits for its end.
	out.Reset()
	_, _ = b.Write([]byte("\x1b[38;5"))
	b.resize(Size{Cols: 70, Rows: 20})
	if strings.Contains(out.String(), testBanner) {
		t.Errorf("drawn in the middle of a sequence: %q", out.String())
	}
	_, _ = b.Write([]byte(";2mtext"))
	if got, want := out.String(), "\x1b[38;5;2m\x1b7\x1b[r\x1b8\x1bD\x1bM"+paintAt(20, 70)+"text"; got != want {
		t.Errorf("after the sequence:\n got %q\nwant %q", got, want)
	}

	out.Reset()
	b.stop()
	if got := out.String(); !strings.Contains(got, "\x1b[r") || !strings.Contains(got, "\x1b[20;1H") || !strings.Contains(got, "\x1b[2K") {
		t.Errorf("stop %q: want the region reset and the banner's row erased", got)
	}
	if _, ok := newPinnedBanner(&out, testBanner, Size{Cols: 80, Rows: 2}); ok {
		t.Error("pinned on a terminal two rows high")
	}
}
