package authstore

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// CorruptError says that a store cannot be read. No command overwrites such
// a file; `moltbot doctor --fix` moves it aside.
type CorruptError struct {
	Path   string
	Line   int // 1-based; 0 when unknown
	Column int // 1-based; 0 when unknown
	Reason string
	// BOM reports that the file is a valid store but for the UTF-8
	// byte-order mark it starts with: `moltbot doctor --fix` removes it.
	BOM bool
}

func (e *CorruptError) Error() string {
	where := e.Path
	if e.Line > 0 {
		where = fmt.Sprintf("%s:%d:%d", e.Path, e.Line, e.Column)
	}
	if e.BOM {
		return fmt.Sprintf("%s is corrupt: %s (run `moltbot doctor --fix` to remove it; nothing else changes)", where, e.Reason)
	}
	return fmt.Sprintf("%s is corrupt: %s (fix the file by hand, or run `moltbot doctor --fix` to move it aside and restore the backup)", where, e.Reason)
}

// utf8BOM is the UTF-8 byte-order mark. JSON does not allow it, and
// JavaScript's JSON.parse, which the gateway reads its store with, fails on
// it.
var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// bomReason is what a store that starts with a byte-order mark is told.
const bomReason = "it starts with a UTF-8 byte-order mark (bytes EF BB BF, which some editors add), and JSON does not allow one: the gateway cannot read it either, sees no profiles, and its next write replaces the file"

// trimBOMs strips the byte-order marks data starts with (an editor that
// adds one may add it again) and says how many there were.
func trimBOMs(data []byte) ([]byte, int) {
	n := 0
	for bytes.HasPrefix(data, utf8BOM) {
		data = data[len(utf8BOM):]
		n++
	}
	return data, n
}

// corruptFromJSON turns a parseDocument error into a CorruptError with the
// line and column of the offending byte.
func corruptFromJSON(data []byte, err error) *CorruptError {
	ce := &CorruptError{Reason: err.Error()}
	var off int64 = -1 // of the offending byte
	var se *json.SyntaxError
	var oe *offsetError
	switch {
	case len(bytes.TrimSpace(data)) == 0:
		off = int64(len(data))
		ce.Reason = "the file is empty"
	case errors.As(err, &oe):
		off = oe.off
	case errors.As(err, &se):
		// Offset counts the bytes read, the offending one included; at the
		// end of the input it is the length.
		off = se.Offset - 1
		if se.Offset >= int64(len(data)) && strings.Contains(se.Error(), "end of JSON input") {
			off = int64(len(data))
			ce.Reason = "unexpected end of file (is it cut short?)"
		}
	}
	if off >= 0 {
		ce.Line, ce.Column = lineCol(data, off)
	}
	return ce
}

// lineCol converts the byte offset of a byte to its 1-based line and column
// (columns count characters, as editors do). An offset at the end of the
// data points just past the last character.
func lineCol(data []byte, off int64) (int, int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	if off < 0 {
		off = 0
	}
	line, col := 1, 1
	for _, b := range data[:off] {
		switch {
		case b == '\n':
			line++
			col = 1
		case b&0xC0 != 0x80: // not a UTF-8 continuation byte
			col++
		}
	}
	return line, col
}

// LockedError says that another process held a lock for longer than we
// were willing to wait.
type LockedError struct {
	Path   string    // the lock path
	Holder string    // "process 1234 (alive)", "another process", …
	Since  time.Time // when the lock was taken (Taken), else when it was last refreshed
	// Taken says that Since is when the lock was taken (a lock file's
	// createdAt). A lock directory's mtime only says when its holder last
	// refreshed it.
	Taken bool
}

// ErrLocked matches any *LockedError with errors.Is.
var ErrLocked = errors.New("auth store is locked")

func (e *LockedError) Error() string {
	when := ", last refreshed at " + e.Since.Local().Format("15:04:05")
	if e.Taken {
		when = " since " + e.Since.Local().Format("15:04:05")
	}
	return fmt.Sprintf("%s is locked by %s%s (%s); is the gateway writing? try again, or remove the lock if no process holds it",
		strings.TrimPrefix(lockedWhat(e.Path), "the "), e.Holder, when, e.Path)
}

// Is lets errors.Is(err, ErrLocked) match.
func (e *LockedError) Is(target error) bool { return target == ErrLocked }

// LockLostError says that a lock this process held was taken over while
// the process was paused (stopped, suspended) for longer than the stale
// limit: someone judged it abandoned and broke it. Nothing was written
// after that, and the lock, now someone else's, was left alone.
type LockLostError struct {
	Path string // the file the lock guarded
}

// ErrLockLost matches any *LockLostError with errors.Is.
var ErrLockLost = errors.New("lock taken over")

func (e *LockLostError) Error() string {
	return fmt.Sprintf("the lock on %s was taken over while this command was paused; nothing was written", e.Path)
}

// Is lets errors.Is(err, ErrLockLost) match.
func (e *LockLostError) Is(target error) bool { return target == ErrLockLost }

// ErrInterrupted matches the error of a lock wait that was cancelled (its
// context, or Interrupt): nothing was changed. It also matches
// context.Canceled.
var ErrInterrupted = errors.New("interrupted; nothing was changed")

type interruptedError struct{ cause error }

func (e *interruptedError) Error() string        { return ErrInterrupted.Error() }
func (e *interruptedError) Unwrap() error        { return e.cause }
func (e *interruptedError) Is(target error) bool { return target == ErrInterrupted }
