//go:build linux

package authstore

import (
	"os"
	"strconv"
	"strings"
	"sync"
)

// procStartTime is field 22 of /proc/<pid>/stat.
func procStartTime(pid int) (uint64, bool) {
	if pid <= 0 {
		return 0, false
	}
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, false
	}
	return parseStatStartTime(data)
}

// procZombie reports whether pid is a zombie: it has exited and only waits
// for its parent to reap it. kill(pid, 0) still succeeds on one, but the
// gateways (openclaw 2026.2.17 on) count it as dead, and so does moltbot.
func procZombie(pid int) bool {
	if pid <= 0 {
		return false
	}
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	return parseStatState(data) == 'Z'
}

// selfStartTime is this process's starttime, read from /proc/self (not
// /proc/<getpid()>: in a PID namespace with the host's /proc mounted, that
// would be another process).
func selfStartTime() (uint64, bool) {
	data, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return 0, false
	}
	return parseStatStartTime(data)
}

var selfNS = sync.OnceValues(func() (string, string) {
	ns, err := os.Readlink("/proc/self/ns/pid")
	if err != nil {
		return "", ""
	}
	boot, err := os.ReadFile("/proc/sys/kernel/random/boot_id")
	if err != nil {
		return "", ""
	}
	return ns, strings.TrimSpace(string(boot))
})

// selfNamespace is this process's PID namespace ("pid:[4026531836]") and
// the kernel's boot id. Both are needed to trust a pid: the initial
// namespace has the same id on every Linux machine, and pids and
// starttimes only mean something within one boot.
func selfNamespace() (pidns, bootID string) { return selfNS() }
