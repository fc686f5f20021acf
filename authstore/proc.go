package authstore

import (
	"bytes"
	"errors"
	"strconv"
	"syscall"
)

// procView is what judging a lock needs to know about processes: whether a
// pid is alive here, when it started, and which PID namespace (and boot)
// this process runs in. Tests inject a fake; realProc reads the system.
type procView interface {
	alive(pid int) bool
	// startTime is field 22 of /proc/<pid>/stat (clock ticks after boot);
	// ok is false when it cannot be read (no /proc, not Linux).
	startTime(pid int) (st uint64, ok bool)
	// namespace identifies this process's PID namespace and boot; both are
	// "" when unknown, and a lock is then never trusted to be ours.
	namespace() (pidns, bootID string)
}

type realProc struct{}

func (realProc) alive(pid int) bool                { return pidAlive(pid) }
func (realProc) startTime(pid int) (uint64, bool)  { return procStartTime(pid) }
func (realProc) namespace() (pidns, bootID string) { return selfNamespace() }

// pidAlive reports whether pid names a process here (one we may not signal
// counts: it exists; a zombie does not: it has exited). Zero and negative
// pids name process groups for kill(2), never a holder.
func pidAlive(pid int) bool {
	if pid <= 0 || pid > 1<<30 {
		return false
	}
	err := syscall.Kill(pid, 0)
	return (err == nil || errors.Is(err, syscall.EPERM)) && !procZombie(pid)
}

// parseStatState reads field 3 (the state letter: R, S, Z…) of a
// /proc/<pid>/stat line; 0 when it cannot be read.
func parseStatState(stat []byte) byte {
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return 0
	}
	fields := bytes.Fields(stat[i+1:])
	if len(fields) == 0 || len(fields[0]) != 1 {
		return 0
	}
	return fields[0][0]
}

// parseStatStartTime reads field 22 (starttime) of a /proc/<pid>/stat line.
// Field 2, the command name, is in parentheses and may itself hold spaces
// and parentheses, so the fields are counted after the LAST ')'.
func parseStatStartTime(stat []byte) (uint64, bool) {
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, false
	}
	fields := bytes.Fields(stat[i+1:])
	// fields[0] is field 3 (state), so field 22 is fields[19].
	if len(fields) < 20 {
		return 0, false
	}
	v, err := strconv.ParseUint(string(fields[19]), 10, 64)
	if err != nil {
		return 0, false
	}
	return v, true
}
