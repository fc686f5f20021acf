package authstore

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// Read limits. A real store of 100,000 profiles is about 20 MB; configs and
// .env files are a few KB. Anything bigger is not the file it claims to be
// (a log, a disk image, a link to /dev/zero), and reading it whole would
// only fill memory.
const (
	MaxStoreSize  = 64 << 20 // the store, its .bak, the legacy auth files
	MaxConfigSize = 4 << 20  // the config and .env
	maxLockSize   = 64 << 10 // a lock file's {"pid","createdAt"}
)

// NotRegularError says that a gateway file is a FIFO, a device, a socket
// or a directory. Reading one would block forever (a FIFO with no writer)
// or never end (/dev/zero), so it is never opened for reading.
type NotRegularError struct {
	What   string // "auth store", "config", ".env", …
	Path   string // as named
	Target string // where the link at Path leads, when it is one
	Kind   string // "a FIFO (named pipe)", "a character device", …
	mode   fs.FileMode
}

func (e *NotRegularError) Error() string {
	where := e.Path
	if e.Target != "" && e.Target != e.Path {
		where = fmt.Sprintf("%s (a link to %s)", e.Path, e.Target)
	}
	fix := "remove it or put the real file there"
	if e.Target != "" && e.Target != e.Path {
		fix = "remove the link or point it at the real file"
	}
	return fmt.Sprintf("%s %s is %s, not a regular file; nothing was read from it (%s)", e.What, where, e.Kind, fix)
}

// TooLargeError says that a gateway file is bigger than anything moltbot
// reads for it. Nothing was read beyond Limit+1 bytes.
type TooLargeError struct {
	What  string
	Path  string
	Limit int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s %s is larger than %s, the most moltbot reads for it; it was left as it is (is it the right file?)", e.What, e.Path, sizeText(e.Limit))
}

// sizeText says how big n bytes are, in the unit a limit is set in.
func sizeText(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// fileKind names a file type for a user.
func fileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO (named pipe)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	}
	return "not a plain file"
}

// readRegular reads the regular file at path (symlinks are followed, as
// the gateway follows them), at most limit bytes. It is the one way
// authstore reads a gateway file. Anything that is not a regular file is a
// *NotRegularError before it is opened for reading (and the open itself is
// non-blocking, for a file swapped in between); a file over limit is a
// *TooLargeError, found with at most limit+1 bytes read, so a file that
// never ends cannot grow memory. A missing file is an error that matches
// fs.ErrNotExist. what names the file in errors ("auth store").
func readRegular(path, what string, limit int64) ([]byte, fs.FileInfo, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, nil, notRegular(what, path, fi.Mode())
	}
	// O_NONBLOCK: opening a FIFO for reading otherwise waits for a writer.
	// On a regular file it changes nothing.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	if fi, err = f.Stat(); err != nil {
		return nil, nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, nil, notRegular(what, path, fi.Mode())
	}
	if fi.Size() > limit {
		return nil, nil, &TooLargeError{What: what, Path: path, Limit: limit}
	}
	var buf bytes.Buffer
	buf.Grow(int(fi.Size()) + bytes.MinRead)
	if _, err := buf.ReadFrom(io.LimitReader(f, limit+1)); err != nil {
		return nil, nil, err
	}
	if int64(buf.Len()) > limit { // it grew while being read, or lies about its size
		return nil, nil, &TooLargeError{What: what, Path: path, Limit: limit}
	}
	return buf.Bytes(), fi, nil
}

func notRegular(what, path string, m fs.FileMode) *NotRegularError {
	e := &NotRegularError{What: what, Path: path, Kind: fileKind(m), mode: m}
	if lfi, err := os.Lstat(path); err == nil && lfi.Mode()&fs.ModeSymlink != 0 {
		if t, err := filepath.EvalSymlinks(path); err == nil {
			e.Target = t
		}
	}
	return e
}

// isUnreadable reports whether err says a file is not one moltbot reads
// (not a regular file, or too large): its message already says what and
// where, so callers pass it on as it is.
func isUnreadable(err error) bool {
	var nr *NotRegularError
	var tl *TooLargeError
	return errors.As(err, &nr) || errors.As(err, &tl)
}
