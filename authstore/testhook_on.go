//go:build moltbot_testhooks

package authstore

import (
	"os"
	"strings"
	"syscall"
	"time"
)

// Test hook (never in a release build): MOLTBOT_TEST_HOOK=<point>=<action>
// makes the binary, at that point of a transaction, either stop itself
// with SIGSTOP ("stop": the test resumes it with SIGCONT) or sleep
// ("sleep:2s"). internal/stress builds a binary with this tag for the tests
// that pause a writer while it holds a lock.
func init() {
	point, action, ok := strings.Cut(os.Getenv("MOLTBOT_TEST_HOOK"), "=")
	if !ok {
		return
	}
	testHook = func(at string) {
		if at != point {
			return
		}
		switch {
		case action == "stop":
			_ = syscall.Kill(os.Getpid(), syscall.SIGSTOP)
		case strings.HasPrefix(action, "sleep:"):
			if d, err := time.ParseDuration(strings.TrimPrefix(action, "sleep:")); err == nil {
				time.Sleep(d)
			}
		}
	}
}
