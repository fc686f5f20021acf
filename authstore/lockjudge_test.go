package authstore

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// fakeProc is a procView with a fixed process table.
type fakeProc struct {
	live map[int]uint64 // pid → starttime (0: unreadable)
	ns   string
	boot string
}

func (f fakeProc) alive(pid int) bool { _, ok := f.live[pid]; return ok }
func (f fakeProc) startTime(pid int) (uint64, bool) {
	st, ok := f.live[pid]
	return st, ok && st != 0
}
func (f fakeProc) namespace() (string, string) { return f.ns, f.boot }

// TestJudgeLock is the staleness rule (issue 11, point 2) as a table: a
// young lock is never broken unless it proves it is from this namespace and
// its holder is gone; an old one is broken when nothing proves a live
// holder.
func TestJudgeLock(t *testing.T) {
	now := time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)
	const ns, boot = "pid:[4026531836]", "0b8f-FAKE-boot"
	proc := fakeProc{live: map[int]uint64{100: 5000, 200: 0, 9: 777}, ns: ns, boot: boot}
	file := func(age time.Duration, payload string) lockSeen {
		p, ok := parseLockPayload([]byte(payload))
		s := lockSeen{mtime: now.Add(-age)}
		if ok {
			s.payload = &p
		}
		return s
	}
	created := func(age time.Duration) int64 { return now.Add(-age).UnixMilli() }
	ours := fmt.Sprintf(`,"pidns":%q,"bootid":%q`, ns, boot)
	young, old := 2*time.Second, 31*time.Second
	cases := []struct {
		name   string
		seen   lockSeen
		stale  bool
		holder string // a part of it
	}{
		{"directory, young", lockSeen{dir: true, mtime: now.Add(-young)}, false, "lock directory"},
		{"directory, 30 s: not yet", lockSeen{dir: true, mtime: now.Add(-lockStale)}, false, "lock directory"},
		{"directory, old", lockSeen{dir: true, mtime: now.Add(-old)}, true, "lock directory"},
		{"unreadable file, young", file(young, `garbage`), false, "another process"},
		{"unreadable file, old", file(old, `garbage`), true, "another process"},
		{"no pid, young", file(young, fmt.Sprintf(`{"createdAt":%d}`, created(young))), false, "another process"},
		{"no pid, old", file(old, fmt.Sprintf(`{"createdAt":%d}`, created(old))), true, "another process"},

		// A container's gateway: its pid means nothing here.
		{"foreign pid not here, young (the container case)", file(young, fmt.Sprintf(`{"pid":9999,"createdAt":%d}`, created(young))), false, "another PID namespace"},
		{"foreign pid not here, other pidns, young", file(young, fmt.Sprintf(`{"pid":9999,"createdAt":%d,"starttime":1,"pidns":"pid:[4026532999]","bootid":%q}`, created(young), boot)), false, "another PID namespace"},
		{"same pidns, other boot, young", file(young, fmt.Sprintf(`{"pid":9999,"createdAt":%d,"pidns":%q,"bootid":"other"}`, created(young), ns)), false, "another PID namespace"},
		{"foreign pid not here, old", file(old, fmt.Sprintf(`{"pid":9999,"createdAt":%d}`, created(old))), true, "9999"},
		{"foreign pid, young createdAt but old mtime", file(old, fmt.Sprintf(`{"pid":9999,"createdAt":%d}`, created(young))), false, "9999"},
		{"foreign pid, old createdAt but fresh mtime", file(young, fmt.Sprintf(`{"pid":9999,"createdAt":%d}`, created(old))), false, "9999"},
		{"createdAt as an ISO string, young", file(young, fmt.Sprintf(`{"pid":9999,"createdAt":%q}`, now.Add(-young).Format(time.RFC3339Nano))), false, "9999"},
		{"createdAt as an ISO string, old", file(old, fmt.Sprintf(`{"pid":9999,"createdAt":%q}`, now.Add(-old).Format(time.RFC3339Nano))), true, "9999"},

		// A killed moltbot of this namespace: taken over at once.
		{"ours, dead pid, young", file(young, fmt.Sprintf(`{"pid":9999,"createdAt":%d,"starttime":1%s}`, created(young), ours)), true, "no longer running"},
		{"ours, live pid, same starttime, old", file(old, fmt.Sprintf(`{"pid":100,"createdAt":%d,"starttime":5000%s}`, created(old), ours)), false, "(alive)"},
		{"ours, pid reused (other starttime), young", file(young, fmt.Sprintf(`{"pid":100,"createdAt":%d,"starttime":4999%s}`, created(young), ours)), true, "another program"},

		// openclaw ≥ 2026.5.12: {"pid","createdAt","starttime"}.
		{"openclaw, live, same starttime, young", file(young, fmt.Sprintf(`{"pid":100,"createdAt":%d,"starttime":5000}`, created(young))), false, "(alive)"},
		{"openclaw, live, same starttime, old: never broken", file(old, fmt.Sprintf(`{"pid":100,"createdAt":%d,"starttime":5000}`, created(old))), false, "(alive)"},
		{"openclaw, camelCase startTime, old", file(old, fmt.Sprintf(`{"pid":100,"createdAt":%q,"startTime":5000}`, now.Add(-old).Format(time.RFC3339))), false, "(alive)"},
		{"openclaw, pid reused, young: still waited for", file(young, fmt.Sprintf(`{"pid":100,"createdAt":%d,"starttime":1}`, created(young))), false, "another program"},
		{"openclaw, pid reused, old", file(old, fmt.Sprintf(`{"pid":100,"createdAt":%d,"starttime":1}`, created(old))), true, "another program"},
		{"openclaw, dead, old", file(old, fmt.Sprintf(`{"pid":9999,"createdAt":%d,"starttime":1}`, created(old))), true, "9999"},
		{"openclaw, live, starttime unreadable, old", file(old, fmt.Sprintf(`{"pid":200,"createdAt":%d,"starttime":1}`, created(old))), false, "(alive)"},

		// openclaw 2026.2.17–5.11: {"pid","createdAt"}, stale by age.
		{"older openclaw, live, young", file(young, fmt.Sprintf(`{"pid":100,"createdAt":%d}`, created(young))), false, "(alive)"},
		{"older openclaw, live, old", file(old, fmt.Sprintf(`{"pid":100,"createdAt":%d}`, created(old))), true, "(alive)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v := judgeLock(tc.seen, now, proc)
			if v.stale != tc.stale {
				t.Errorf("stale = %v, want %v (holder %q)", v.stale, tc.stale, v.holder)
			}
			if !strings.Contains(v.holder, tc.holder) {
				t.Errorf("holder = %q, want it to say %q", v.holder, tc.holder)
			}
		})
	}

	// Without a namespace to compare (no /proc), nothing is "ours".
	noNS := fakeProc{live: proc.live}
	if v := judgeLock(file(young, fmt.Sprintf(`{"pid":9999,"createdAt":%d,"starttime":1%s}`, created(young), ours)), now, noNS); v.stale {
		t.Error("a young lock was broken though this process's namespace is unknown")
	}
}

// TestJudgeLockSince: a lock file's createdAt is when it was taken; a
// directory's mtime is only when it was last refreshed (issue 11, point 14).
func TestJudgeLockSince(t *testing.T) {
	now := time.Now()
	mtime, created := now.Add(-3*time.Second), now.Add(-7*time.Second)
	v := judgeLock(lockSeen{dir: true, mtime: mtime}, now, fakeProc{})
	if v.taken || !v.since.Equal(mtime) {
		t.Errorf("directory: since %v taken %v, want its mtime, not taken", v.since, v.taken)
	}
	p := lockPayload{PID: 9999, CreatedAt: created}
	v = judgeLock(lockSeen{mtime: mtime, payload: &p}, now, fakeProc{})
	if !v.taken || !v.since.Equal(created) {
		t.Errorf("file: since %v taken %v, want its createdAt, taken", v.since, v.taken)
	}
	msg := (&LockedError{Path: "/s/auth-profiles.json.lock", Holder: "h", Since: mtime}).Error()
	if !strings.Contains(msg, "last refreshed at "+mtime.Local().Format("15:04:05")) || strings.Contains(msg, " since ") {
		t.Errorf("directory lock message: %q", msg)
	}
	msg = (&LockedError{Path: "/s/auth-profiles.json.lock", Holder: "h", Since: created, Taken: true}).Error()
	if !strings.Contains(msg, "since "+created.Local().Format("15:04:05")) || strings.Contains(msg, "refreshed") {
		t.Errorf("file lock message: %q", msg)
	}
}

// TestParseStatStartTime: field 22 of /proc/<pid>/stat, counted after the
// last ')' because the command name (field 2) may hold spaces and parens.
func TestParseStatStartTime(t *testing.T) {
	rest := "S 1 100 100 0 -1 4194560 1000 0 0 0 5 3 0 0 20 0 1 0 987654 12345678 300"
	for _, tc := range []struct {
		stat string
		want uint64
		ok   bool
	}{
		{"4242 (moltbot) " + rest, 987654, true},
		{"4242 (a b) c) d) " + rest, 987654, true},
		{"4242 ((x) 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20) " + rest, 987654, true},
		{"4242 (moltbot) S 1 2", 0, false},
		{"garbage", 0, false},
	} {
		got, ok := parseStatStartTime([]byte(tc.stat))
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseStatStartTime(%q) = %d, %v; want %d, %v", tc.stat, got, ok, tc.want, tc.ok)
		}
	}
	if st, ok := procStartTime(0); ok || st != 0 {
		t.Error("pid 0 has a start time")
	}
}
