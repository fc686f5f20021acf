package cmd

import (
	"errors"
	"testing"
	"time"

	"github.com/moltbot/moltbot/authstore"
)

func TestDebugs(t *testing.T) {
	for _, tc := range []struct {
		list string
		want bool
	}{
		{"lock", true}, {"probe, lock", true}, {" lock ", true},
		{"", false}, {"locks", false}, {"nolock", false}, {"1", false},
	} {
		if got := debugs(tc.list, "lock"); got != tc.want {
			t.Errorf("debugs(%q, lock) = %v, want %v", tc.list, got, tc.want)
		}
	}
}

func TestLockWaitLine(t *testing.T) {
	for _, tc := range []struct {
		w    authstore.LockWait
		want string
	}{
		{authstore.LockWait{Path: "/s/auth-profiles.json.lock", Waited: 12345 * time.Microsecond, Tries: 4},
			"moltbot: debug: lock /s/auth-profiles.json.lock taken after 12.3 ms, 4 attempts"},
		{authstore.LockWait{Path: "/s/clawdbot.json.lock", Waited: 80 * time.Microsecond, Tries: 1},
			"moltbot: debug: lock /s/clawdbot.json.lock taken after 0.1 ms, 1 attempt"},
		{authstore.LockWait{Path: "/s/auth-profiles.json.lock", Waited: 10 * time.Second, Tries: 250, Err: errors.New("locked")},
			"moltbot: debug: lock /s/auth-profiles.json.lock not taken after 10000.0 ms, 250 attempts"},
	} {
		if got := lockWaitLine(tc.w); got != tc.want {
			t.Errorf("lockWaitLine(%+v)\n got %q\nwant %q", tc.w, got, tc.want)
		}
	}
}
