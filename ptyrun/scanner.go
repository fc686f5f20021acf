package ptyrun

import (
	"bytes"
	"fmt"
)

// Token shape (SPEC §4): what `claude setup-token` prints. These mirror the
// authstore constants on purpose: ptyrun stays independent of the store.
const (
	// TokenPrefix starts every Claude setup token.
	TokenPrefix = "sk-ant-oat01-"
	// MinTokenLen is the shortest length accepted as a whole token. Real
	// tokens are about 108 characters; anything shorter was cut off.
	MinTokenLen = 90
	// MaxTokenLen bounds what the scanner will join into one token. Real
	// tokens are far shorter; a longer run of token characters is not a
	// token but some other blob, and is refused rather than guessed at.
	MaxTokenLen = 1024
)

// Reason says why a Scanner holds no token. It is Found when it holds one.
type Reason int

const (
	// Found means a whole, valid token was captured.
	Found Reason = iota
	// NoToken means nothing starting with TokenPrefix appeared in the output.
	NoToken
	// TooShort means a token was printed and finished but was shorter than
	// MinTokenLen: it was probably cut off, so it is not trusted.
	TooShort
	// Unfinished means the output stopped (or jumped elsewhere on the
	// screen) while a token was still being printed, so it may be partial.
	Unfinished
	// TooLong means a run of token characters after TokenPrefix was longer
	// than MaxTokenLen, which no real token is.
	TooLong
)

// String names the reason in a few words (for logs and tests).
func (r Reason) String() string {
	switch r {
	case Found:
		return "found"
	case NoToken:
		return "no token"
	case TooShort:
		return "token too short"
	case Unfinished:
		return "token unfinished"
	case TooLong:
		return "token too long"
	default:
		return fmt.Sprintf("Reason(%d)", int(r))
	}
}

// ScanError says why no token was captured, in words a user can act on. It
// never contains any part of a token.
type ScanError struct {
	// Reason is never Found.
	Reason Reason
	// Length is the length of the refused token for TooShort and TooLong,
	// and of the part seen so far for Unfinished; 0 otherwise.
	Length int
}

// Error describes what the output held instead of a whole token.
func (e *ScanError) Error() string {
	switch e.Reason {
	case TooShort:
		return fmt.Sprintf("the token in the output was only %d characters (a whole one has about 108): it looks cut off", e.Length)
	case Unfinished:
		return "the output stopped while the token was still being printed, so it may be incomplete"
	case TooLong:
		return fmt.Sprintf("the output held a %d+ character run after %s, which is not a setup token", e.Length, TokenPrefix)
	default:
		return "no setup token (" + TokenPrefix + "…) appeared in the output"
	}
}

// parser states of the escape-sequence stripper.
type parseState uint8

const (
	stGround    parseState = iota
	stEsc                  // after ESC
	stEscInter             // ESC + intermediate bytes, waiting for the final byte
	stCSI                  // after ESC [
	stString               // OSC / DCS / SOS / PM / APC body, until BEL or ST
	stStringEsc            // ESC seen inside a string: ST if '\' follows
)

// byte classes in the ground state.
const (
	clOther    uint8 = iota // visible, not a token character
	clToken                 // [A-Za-z0-9_-]
	clSep                   // space, tab, CR, BS: a gap, not a visible character
	clLine                  // LF, VT, FF: next row
	clIgnore                // other C0 controls and DEL: invisible
	clEsc                   // ESC
	clAbort                 // CAN, SUB: abort any sequence
	clNonASCII              // UTF-8 bytes: visible, not token characters
)

var byteClass = func() (t [256]uint8) {
	for i := range t {
		switch {
		case i >= 0x80:
			t[i] = clNonASCII
		case i == '-' || i == '_' || i >= '0' && i <= '9' || i >= 'a' && i <= 'z' || i >= 'A' && i <= 'Z':
			t[i] = clToken
		case i == ' ' || i == '\t' || i == '\r' || i == '\b':
			t[i] = clSep
		case i == '\n' || i == '\v' || i == '\f':
			t[i] = clLine
		case i == 0x1b:
			t[i] = clEsc
		case i == 0x18 || i == 0x1a:
			t[i] = clAbort
		case i < 0x20 || i == 0x7f:
			t[i] = clIgnore
		default:
			t[i] = clOther
		}
	}
	return t
}()

// What a finished escape sequence does to the scanner's idea of lines.
type effect uint8

const (
	fxNone  effect = iota // colours, modes, queries, erases: invisible
	fxSep                 // horizontal cursor moves: a gap between words
	fxLine                // downward moves: like a line break
	fxBreak               // upward/absolute moves, cursor restore, reset: the row is left for somewhere unknown
)

// csiEffect classifies a CSI sequence by its final byte. Sequences with a
// private marker (<=>?) or intermediate bytes never move the cursor.
func csiEffect(final byte) effect {
	switch final {
	case 'G', 'C', 'D', '`', 'a', 'I', 'Z', 'X', '@', 'P', 'L', 'M', 'S', 'T':
		return fxSep
	case 'B', 'E', 'e':
		return fxLine
	case 'A', 'F', 'H', 'f', 'd', 'r', 'u':
		return fxBreak
	default:
		return fxNone
	}
}

// escEffect classifies a two-byte escape sequence ESC <final>.
func escEffect(final byte) effect {
	switch final {
	case 'D', 'E': // IND, NEL
		return fxLine
	case '8', 'M', 'c': // DECRC, RI, RIS
		return fxBreak
	default:
		return fxNone
	}
}

var prefix = []byte(TokenPrefix)

// Scanner finds a Claude setup token in the raw bytes a program wrote to its
// terminal. Feed it the output with Write in chunks of any size, split
// anywhere (inside an escape sequence or inside the token), then call Close
// when the output has ended, and ask Token.
//
// It strips escape sequences (CSI, OSC with BEL or ST, OSC 8 hyperlinks,
// DCS/SOS/PM/APC strings, two-byte ESC sequences), treats horizontal cursor
// jumps as gaps between words and downward moves as line breaks, and re-joins
// a token that the program hard-wrapped over several rows: a continuation row
// holds nothing but token characters, and every row but the last is at least
// as long as the one before (a short row is the last one). A token counts
// only once something shows it has ended — a following row that is not a
// continuation (the real program prints a blank row), a shorter last row, or
// other text after it on its row — so a token cut off by a crash or a closed
// pty is never returned. When the program redraws, the last whole token wins.
//
// Everything stays in memory; Wipe zeroes it. A Scanner is not safe for
// concurrent use.
type Scanner struct {
	state   parseState
	private bool // CSI has a private marker or an intermediate byte

	// the current row
	run      []byte // the current (or last) run of token characters
	inRun    bool
	runOver  bool // the run grew past MaxTokenLen
	runs     int  // runs started on this row
	visible  bool // this row has a visible character that is not a token character
	cand     bool // run holds TokenPrefix and nothing visible followed it yet
	candFrom int  // where TokenPrefix starts in run

	// a token whose last row reached the end of its row and may go on
	open    bool
	tok     []byte
	lastRow int // length of the token's last row
	rows    int

	best      []byte // last whole valid token
	reason    Reason // why there is no token, while best is nil
	reasonLen int
	closed    bool
}

// NewScanner returns an empty Scanner.
func NewScanner() *Scanner {
	return &Scanner{
		run:    make([]byte, 0, 256),
		tok:    make([]byte, 0, 256),
		reason: NoToken,
	}
}

// Write feeds output to the scanner. It never fails and always consumes all
// of p, so it can sit behind an io.MultiWriter.
func (s *Scanner) Write(p []byte) (int, error) {
	if s.closed {
		return len(p), nil
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch s.state {
		case stGround:
			switch byteClass[c] {
			case clToken:
				if !s.inRun {
					s.startRun()
				}
				// Fast path: the rest of this run inside p.
				j := i
				for j < len(p) && byteClass[p[j]] == clToken {
					j++
				}
				s.appendRun(p[i:j])
				i = j - 1
			case clSep:
				s.endRun()
			case clOther, clNonASCII:
				s.endRun()
				s.visibleChar()
			case clLine:
				s.lineEnd(false)
			case clEsc:
				s.state = stEsc
			}
		case stEsc:
			s.escByte(c)
		case stEscInter:
			switch {
			case c >= 0x20 && c <= 0x2f: // more intermediates
			case c >= 0x30 && c <= 0x7e:
				s.state = stGround
			default:
				s.control(c)
			}
		case stCSI:
			switch {
			case c >= 0x40 && c <= 0x7e:
				s.state = stGround
				if !s.private {
					s.apply(csiEffect(c))
				}
			case c >= 0x3c && c <= 0x3f, c >= 0x20 && c <= 0x2f:
				// private marker or intermediate: not a cursor move
				s.private = true
			case c >= 0x30 && c <= 0x3b: // parameters
			default:
				s.control(c)
			}
		case stString:
			switch c {
			case 0x07, 0x18, 0x1a: // BEL ends it (xterm), CAN/SUB abort
				s.state = stGround
			case 0x1b:
				s.state = stStringEsc
			}
		case stStringEsc:
			if c == '\\' { // ST
				s.state = stGround
			} else { // ESC ended the string and starts a new sequence
				s.state = stEsc
				s.escByte(c)
			}
		}
	}
	return len(p), nil
}

// escByte handles the byte after ESC.
func (s *Scanner) escByte(c byte) {
	switch {
	case c == '[':
		s.state, s.private = stCSI, false
	case c == ']' || c == 'P' || c == 'X' || c == '^' || c == '_':
		s.state = stString
	case c >= 0x20 && c <= 0x2f:
		s.state = stEscInter
	case c >= 0x30 && c <= 0x7e:
		s.state = stGround
		s.apply(escEffect(c))
	case c == 0x1b: // ESC ESC: the second one starts over
		s.state = stEsc
	default:
		s.control(c)
	}
}

// control handles a C0 control inside an escape or control sequence: CAN
// and SUB abort the sequence, line breaks still break lines (as a terminal
// executes them), the rest are ignored.
func (s *Scanner) control(c byte) {
	switch byteClass[c] {
	case clAbort:
		s.state = stGround
	case clEsc: // ESC starts a new sequence, abandoning this one
		s.state = stEsc
	case clLine:
		s.lineEnd(false)
	case clSep:
		s.endRun()
	}
}

func (s *Scanner) apply(fx effect) {
	switch fx {
	case fxSep:
		s.endRun()
	case fxLine:
		s.lineEnd(false)
	case fxBreak:
		s.lineEnd(true)
	}
}

// startRun begins a run of token characters. Text after a finished run
// that held a token ends that token on this row.
func (s *Scanner) startRun() {
	if s.cand {
		s.finish(s.run[s.candFrom:])
		s.cand = false
	}
	s.run = s.run[:0]
	s.inRun, s.runOver = true, false
	s.runs++
}

func (s *Scanner) appendRun(b []byte) {
	if s.runOver {
		return
	}
	if len(s.run)+len(b) > MaxTokenLen {
		// Keep what fits: enough to see whether TokenPrefix was there.
		s.run = append(s.run, b[:MaxTokenLen-len(s.run)]...)
		s.runOver = true
		return
	}
	s.run = append(s.run, b...)
}

// endRun closes the current run (a gap or the row's end follows it) and
// notes whether it holds a token.
func (s *Scanner) endRun() {
	if !s.inRun {
		return
	}
	s.inRun = false
	i := bytes.Index(s.run, prefix)
	if i < 0 {
		return
	}
	if s.runOver {
		s.fail(TooLong, len(s.run)-i)
		return
	}
	s.cand, s.candFrom = true, i
}

// visibleChar notes a visible non-token character on this row: a token
// waiting for the row's end is complete.
func (s *Scanner) visibleChar() {
	if s.cand {
		s.finish(s.run[s.candFrom:])
		s.cand = false
	}
	s.visible = true
}

// lineEnd ends the current row. broken is true when the cursor left it for
// an unknown place (up, absolute, restore), which shows nothing about
// whether a token on it was complete.
func (s *Scanner) lineEnd(broken bool) {
	s.endRun()
	continuation := s.runs == 1 && !s.visible && !s.runOver && !s.cand && len(s.run) > 0
	if s.open {
		switch {
		case broken && (continuation || s.runs == 0 && !s.visible):
			// No row ended it; it may have gone on elsewhere.
			s.fail(Unfinished, len(s.tok))
			s.open = false
		case continuation:
			s.extend()
		default: // a blank row or other text: the token is over
			s.finish(s.tok)
			s.open = false
		}
	}
	if s.cand {
		if broken {
			s.fail(Unfinished, len(s.run)-s.candFrom)
		} else {
			s.open = true
			s.tok = append(s.tok[:0], s.run[s.candFrom:]...)
			s.lastRow, s.rows = len(s.tok), 1
		}
	}
	s.cand, s.visible, s.runs, s.inRun = false, false, 0, false
	s.run = s.run[:0]
}

// extend appends this row (a continuation) to the open token.
func (s *Scanner) extend() {
	n := len(s.run)
	if len(s.tok)+n > MaxTokenLen {
		s.fail(TooLong, len(s.tok)+n)
		s.open = false
		return
	}
	s.tok = append(s.tok, s.run...)
	s.rows++
	if n < s.lastRow { // a hard wrap leaves only the last row short
		s.finish(s.tok)
		s.open = false
		return
	}
	s.lastRow = n
}

// finish judges a token that has certainly ended.
func (s *Scanner) finish(tok []byte) {
	switch n := len(tok); {
	case n < MinTokenLen:
		s.fail(TooShort, n)
	case n > MaxTokenLen:
		s.fail(TooLong, n)
	default:
		if cap(s.best) < n {
			wipe(s.best)
			s.best = make([]byte, 0, MaxTokenLen)
		}
		s.best = append(s.best[:0], tok...)
	}
}

// fail records why the latest token-like text was refused.
func (s *Scanner) fail(r Reason, n int) {
	s.reason, s.reasonLen = r, n
}

// Close tells the scanner that the output has ended. A token still being
// printed at that point is refused as Unfinished: the program may have died
// in the middle of it. Writes after Close are ignored.
func (s *Scanner) Close() error {
	if s.closed {
		return nil
	}
	s.state = stGround
	s.lineEnd(true)
	s.closed = true
	return nil
}

// Token returns the last whole, valid token seen, if any. A token still
// being printed is not returned until it has visibly ended (or at all, if
// the output stops in the middle of it).
func (s *Scanner) Token() (string, bool) {
	if s.best == nil || len(s.best) == 0 {
		return "", false
	}
	return string(s.best), true
}

// Reason says why Token returns nothing, or Found.
func (s *Scanner) Reason() Reason {
	if len(s.best) > 0 {
		return Found
	}
	return s.reason
}

// Err returns nil when a token was found and otherwise a *ScanError that
// says why not.
func (s *Scanner) Err() error {
	if len(s.best) > 0 {
		return nil
	}
	n := s.reasonLen
	if s.reason == NoToken {
		n = 0
	}
	return &ScanError{Reason: s.reason, Length: n}
}

// Wipe zeroes every byte the scanner kept (the token and the partial rows)
// and resets it to empty.
func (s *Scanner) Wipe() {
	wipe(s.run)
	wipe(s.tok)
	wipe(s.best)
	*s = Scanner{run: s.run[:0], tok: s.tok[:0], reason: NoToken}
}

func wipe(b []byte) {
	b = b[:cap(b)]
	for i := range b {
		b[i] = 0
	}
}
