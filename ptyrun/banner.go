package ptyrun

import (
	"io"
	"strconv"
	"strings"
	"sync"

	"github.com/charmbracelet/x/ansi"
)

// This file keeps the Banner on the screen while the child runs. Printed
// once above the child's output, it scrolls away as soon as the child
// prints more than a screenful, and a child that redraws its whole screen
// on a resize (claude does: cursor home, then every row erased) wipes it.
// So on a terminal the banner gets the last row for itself: the child's
// pty is one row shorter, a scroll region keeps the child's scrolling off
// that row, and the banner is drawn again whenever the child's output may
// have erased it (a cleared screen, a reset scroll region, a full reset,
// the alternate screen) and after every resize.

// pinnedBanner writes the child's output to the terminal with the banner
// kept on its last row. Its methods may be called from several goroutines.
type pinnedBanner struct {
	mu   sync.Mutex
	w    io.Writer
	text string
	size Size // the real terminal's
	vt   vtState
	// dirty says the banner (and the scroll region) must be drawn again
	// at the next moment the child's output is between sequences; resized
	// that the terminal changed size since it was last drawn.
	dirty, resized bool
}

// minPinnedRows is the least height that leaves the child two rows.
const minPinnedRows = 3

// newPinnedBanner pins text to the last row of a terminal of size sz that
// w writes to. It reports false when the terminal is too small to give a
// row away.
func newPinnedBanner(w io.Writer, text string, sz Size) (*pinnedBanner, bool) {
	if sz.Rows < minPinnedRows || sz.Cols < 1 || text == "" {
		return nil, false
	}
	return &pinnedBanner{w: w, text: text, size: sz}, true
}

// childSize is the pty's size: the terminal's, less the banner's row.
func (b *pinnedBanner) childSize() Size {
	b.mu.Lock()
	defer b.mu.Unlock()
	return Size{Cols: b.size.Cols, Rows: b.size.Rows - 1}
}

// start makes room for the banner and draws it: two new lines (so that
// whatever the cursor was on scrolls up and the child starts on a blank
// row above the last one), the scroll region, the banner.
func (b *pinnedBanner) start() {
	b.mu.Lock()
	defer b.mu.Unlock()
	_, _ = io.WriteString(b.w, "\r\n\r\n\x1b[1A"+b.paint())
}

// paint is the scroll region above the last row and the banner on it,
// leaving the cursor, its attributes and the child's state as they were
// (DECSC/DECRC around it; setting the region homes the cursor).
func (b *pinnedBanner) paint() string {
	rows, cols := b.size.Rows, b.size.Cols
	text := ansi.Truncate(b.text, cols, "…")
	return "\x1b7\x1b[1;" + strconv.Itoa(rows-1) + "r\x1b[" + strconv.Itoa(rows) + ";1H\x1b[0m\x1b[2K\x1b[7m" + text + "\x1b[0m\x1b8"
}

// Write copies the child's output, and draws the banner again right after
// a sequence that may have erased it (or undone the scroll region), as soon
// as the output is between sequences: before the child's next line could
// scroll the banner away with it.
func (b *pinnedBanner) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	written := 0
	for i, c := range p {
		if b.vt.step(c) {
			b.dirty = true
		}
		if b.dirty && b.vt.idle() {
			if _, err := b.w.Write(p[written : i+1]); err != nil {
				return written, err
			}
			written = i + 1
			b.dirty = false
			_, _ = io.WriteString(b.w, b.repaint())
		}
	}
	n, err := b.w.Write(p[written:])
	return written + n, err
}

// resize moves the banner to the last row of a terminal now sz: at once
// when the child's output is between sequences, else after its current
// one.
func (b *pinnedBanner) resize(sz Size) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if sz.Rows < minPinnedRows || sz.Cols < 1 {
		return // keep the last good size; the child gets no row less
	}
	b.size = sz
	b.dirty = true
	b.resized = true
	if b.vt.idle() {
		b.dirty = false
		_, _ = io.WriteString(b.w, b.repaint())
	}
}

// repaint is paint, after a resize first moving the cursor off the last
// row: a terminal that shrinks drops the rows below the cursor (the
// banner's among them) and may leave the cursor on the last row, where the
// child's next line would overwrite the banner. With the scroll region
// reset, index then reverse index scroll the screen up one row when the
// cursor is on the last row, and do nothing otherwise.
func (b *pinnedBanner) repaint() string {
	if !b.resized {
		return b.paint()
	}
	b.resized = false
	return "\x1b7\x1b[r\x1b8\x1bD\x1bM" + b.paint()
}

// stop gives the whole terminal back: the scroll region reset and the
// banner's row erased.
func (b *pinnedBanner) stop() {
	b.mu.Lock()
	defer b.mu.Unlock()
	_, _ = io.WriteString(b.w, "\x1b7\x1b[r\x1b["+strconv.Itoa(b.size.Rows)+";1H\x1b[0m\x1b[2K\x1b8")
}

// vtState follows a terminal output stream just enough to tell when it is
// between escape sequences, and which sequences may erase the last row.
type vtState struct {
	state  vtMode
	params strings.Builder // of the CSI sequence being read
	saved  bool            // the child saved the cursor (DECSC) and has not restored it
}

type vtMode int

const (
	vtGround vtMode = iota
	vtEsc
	vtEscInter
	vtCSI
	vtOSC
	vtString
	vtStringEsc
)

// idle reports whether the stream stands between sequences, with no cursor
// saved by the child (drawing the banner saves and restores the cursor
// too, and there is one place to save it).
func (v *vtState) idle() bool { return v.state == vtGround && !v.saved }

// feed reads p and reports whether it holds a sequence that may erase the
// banner's row or undo the scroll region.
func (v *vtState) feed(p []byte) bool {
	erased := false
	for _, c := range p {
		erased = v.step(c) || erased
	}
	return erased
}

// step reads one byte and reports whether it ended a sequence that may
// erase the banner's row or undo the scroll region.
func (v *vtState) step(c byte) bool {
	erased := false
	if c == 0x18 || c == 0x1a { // CAN, SUB: a sequence is abandoned
		v.state = vtGround
		return false
	}
	switch v.state {
	case vtGround:
		if c == 0x1b {
			v.state = vtEsc
		}
	case vtEsc:
		v.state = vtGround
		switch {
		case c == '[':
			v.state = vtCSI
			v.params.Reset()
		case c == ']':
			v.state = vtOSC
		case c == 'P' || c == 'X' || c == '^' || c == '_':
			v.state = vtString
		case c == '7':
			v.saved = true
		case c == '8':
			v.saved = false
		case c == 'c': // a full reset
			erased = true
		case c >= 0x20 && c <= 0x2f:
			v.state = vtEscInter
		case c == 0x1b:
			v.state = vtEsc
		}
	case vtEscInter:
		if c >= 0x30 && c <= 0x7e {
			v.state = vtGround
		}
	case vtCSI:
		switch {
		case c >= 0x20 && c <= 0x3f:
			if v.params.Len() < 32 {
				v.params.WriteByte(c)
			}
		case c >= 0x40 && c <= 0x7e:
			v.state = vtGround
			erased = v.csi(v.params.String(), c) || erased
		case c == 0x1b:
			v.state = vtEsc
		}
	case vtOSC:
		switch c {
		case 0x07:
			v.state = vtGround
		case 0x1b:
			v.state = vtStringEsc
		}
	case vtString:
		if c == 0x1b {
			v.state = vtStringEsc
		}
	case vtStringEsc:
		if c == '\\' {
			v.state = vtGround
		} else {
			v.state = vtString
		}
	}
	return erased
}

// csi handles a complete CSI sequence; it reports whether it may have
// erased the banner or undone the scroll region.
func (v *vtState) csi(params string, final byte) bool {
	switch final {
	case 'r': // DECSTBM: the region reset to the whole screen
		return params == ""
	case 'J': // ED: below the cursor, or everything
		return params == "" || params == "0" || params == "2" || params == "3"
	case 'h', 'l': // the alternate screen
		return params == "?1049" || params == "?1047" || params == "?47"
	case 's':
		v.saved = v.saved || params == ""
	case 'u':
		if params == "" {
			v.saved = false
		}
	}
	return false
}
