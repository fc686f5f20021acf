package termbg

import (
	"errors"
	"fmt"
	"time"

	"golang.org/x/sys/unix"
)

// Query sends the background-colour query to the terminal open on fd and
// reads its answer for at most timeout. fd must be a terminal open for
// reading and writing. While it waits, echo and line buffering are off (the
// answer is neither shown on the screen nor held back until a newline;
// signals still work, so ctrl+c does); the terminal's modes are restored
// before it returns, whatever happens. It returns ErrNoColour when the
// terminal answered only the cursor request and ErrNoAnswer when nothing
// complete came in time.
func Query(fd int, timeout time.Duration) (Color, error) {
	deadline := time.Now().Add(timeout)
	if fd < 0 || fd >= unix.FD_SETSIZE { // select(2) cannot wait on it
		return Color{}, fmt.Errorf("fd %d cannot be waited on", fd)
	}
	old, err := unix.IoctlGetTermios(fd, ioctlGetTermios)
	if err != nil {
		return Color{}, fmt.Errorf("read the terminal's modes: %w", err)
	}
	quiet := *old
	quiet.Lflag &^= unix.ECHO | unix.ICANON
	quiet.Cc[unix.VMIN], quiet.Cc[unix.VTIME] = 1, 0
	if err := unix.IoctlSetTermios(fd, ioctlSetTermios, &quiet); err != nil {
		return Color{}, fmt.Errorf("set the terminal's modes: %w", err)
	}
	defer unix.IoctlSetTermios(fd, ioctlSetTermios, old) //nolint:errcheck // restoring is all there is to do

	if err := writeAll(fd, []byte(query), deadline); err != nil {
		return Color{}, fmt.Errorf("send the query: %w", err)
	}
	var got []byte
	buf := make([]byte, 256)
	for len(got) < 4096 { // a reply is ~40 bytes; more is someone typing or pasting
		ready, err := readable(fd, deadline)
		if err != nil {
			return Color{}, fmt.Errorf("wait for the answer: %w", err)
		}
		if !ready {
			break
		}
		n, err := unix.Read(fd, buf)
		switch {
		case errors.Is(err, unix.EINTR) || errors.Is(err, unix.EAGAIN):
			continue
		case err != nil:
			return Color{}, fmt.Errorf("read the answer: %w", err)
		case n == 0: // hung up
			return Color{}, ErrNoAnswer
		}
		got = append(got, buf[:n]...)
		if c, ok, done := parseReply(got); done {
			if ok {
				return c, nil
			}
			return Color{}, ErrNoColour
		}
	}
	// The colour may have come without the cursor report (cut off by the
	// deadline): it is still the answer.
	if c, ok, _ := parseReply(got); ok {
		return c, nil
	}
	return Color{}, ErrNoAnswer
}

// readable waits until fd has input or the deadline passes. select(2), not
// poll(2): poll does not work on terminal devices on macOS.
func readable(fd int, deadline time.Time) (bool, error) {
	for {
		left := time.Until(deadline)
		if left <= 0 {
			return false, nil
		}
		var set unix.FdSet
		set.Set(fd)
		tv := unix.NsecToTimeval(left.Nanoseconds())
		n, err := unix.Select(fd+1, &set, nil, nil, &tv)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return false, err
		}
		return n > 0, nil
	}
}

// writeAll writes b to fd, also when fd is non-blocking, until the
// deadline.
func writeAll(fd int, b []byte, deadline time.Time) error {
	for len(b) > 0 {
		n, err := unix.Write(fd, b)
		switch {
		case errors.Is(err, unix.EINTR):
			continue
		case errors.Is(err, unix.EAGAIN):
			if time.Now().After(deadline) {
				return err
			}
			time.Sleep(time.Millisecond)
			continue
		case err != nil:
			return err
		}
		b = b[n:]
	}
	return nil
}

// answerFD is the descriptor to ask through for the terminal out (fd)
// writes to, and what to do when done; -1 when there is none. The answer
// comes back on the terminal's input: fd itself when it is open for reading
// (terminals usually are, read-write), else /dev/tty when that is the same
// terminal. Standard input is not used: it may be a pipe while standard
// output is the terminal.
func answerFD(fd int) (int, func()) {
	if _, err := unix.IoctlGetTermios(fd, ioctlGetTermios); err != nil {
		return -1, nil // not a terminal
	}
	flags, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
	if err != nil {
		return -1, nil
	}
	if flags&unix.O_ACCMODE != unix.O_WRONLY {
		return fd, func() {}
	}
	tty, err := unix.Open("/dev/tty", unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, nil
	}
	var a, b unix.Stat_t
	if unix.Fstat(fd, &a) != nil || unix.Fstat(tty, &b) != nil || a.Rdev != b.Rdev {
		_ = unix.Close(tty)
		return -1, nil
	}
	return tty, func() { _ = unix.Close(tty) }
}

// foreground reports whether this process is in the terminal's foreground
// process group. A background job that changed the terminal's modes would
// be stopped (SIGTTOU) and one that read from it too (SIGTTIN); a terminal
// that is not this process's controlling terminal has no answer here and is
// not asked either, as termenv does.
func foreground(fd int) bool {
	pgrp, err := unix.IoctlGetInt(fd, unix.TIOCGPGRP)
	return err == nil && pgrp == unix.Getpgrp()
}
