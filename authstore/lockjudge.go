package authstore

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// lockPayload is what a lock file says about its holder. The gateway writes
// {"pid","createdAt"} (openclaw from ~2026.5.12 adds the pid's "starttime");
// moltbot's own lock files add "pidns" and "bootid", which prove that the
// pid can be checked from here.
type lockPayload struct {
	PID       int
	CreatedAt time.Time // zero when absent
	StartTime uint64
	HasStart  bool
	PIDNS     string
	BootID    string
}

// parseLockPayload reads a lock file's JSON. createdAt may be milliseconds
// or an ISO 8601 string, the start time "starttime" or "startTime" (both
// spellings are in the wild). ok is false for anything that is not a JSON
// object.
func parseLockPayload(data []byte) (lockPayload, bool) {
	var raw map[string]json.RawMessage
	if json.Unmarshal(data, &raw) != nil || raw == nil {
		return lockPayload{}, false
	}
	var p lockPayload
	if v, ok := raw["pid"]; ok {
		var n json.Number
		if json.Unmarshal(v, &n) == nil {
			if i, err := strconv.Atoi(n.String()); err == nil && i > 0 {
				p.PID = i
			}
		}
	}
	if v, ok := raw["createdAt"]; ok {
		var n json.Number
		var s string
		switch {
		case json.Unmarshal(v, &n) == nil:
			if ms, err := n.Int64(); err == nil && ms > 0 {
				p.CreatedAt = time.UnixMilli(ms)
			}
		case json.Unmarshal(v, &s) == nil:
			if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
				p.CreatedAt = t
			}
		}
	}
	for _, k := range []string{"starttime", "startTime"} {
		var n json.Number
		if v, ok := raw[k]; ok && json.Unmarshal(v, &n) == nil {
			if st, err := strconv.ParseUint(n.String(), 10, 64); err == nil {
				p.StartTime, p.HasStart = st, true
				break
			}
		}
	}
	_ = json.Unmarshal(raw["pidns"], &p.PIDNS)
	_ = json.Unmarshal(raw["bootid"], &p.BootID)
	return p, true
}

// ownLockPayload is the content of a lock file this process makes, in the
// shape openclaw 2026.6.1 writes its own (2-space JSON, createdAt an ISO
// 8601 string, a final newline): openclaw 2026.2.17–4.5 parses createdAt
// as a date and would take a number for a stale lock; 6.1 checks the
// starttime. The pidns and bootid keys are moltbot's (the gateways ignore
// them).
func ownLockPayload(pid int, now time.Time, proc procView) []byte {
	s := fmt.Sprintf("{\n  \"pid\": %d,\n  \"createdAt\": %q", pid, now.UTC().Format("2006-01-02T15:04:05.000Z"))
	if st, ok := selfStartTime(); ok {
		s += fmt.Sprintf(",\n  \"starttime\": %d", st)
	}
	if ns, boot := proc.namespace(); ns != "" && boot != "" {
		b, _ := json.Marshal(ns)
		s += ",\n  \"pidns\": " + string(b)
		b, _ = json.Marshal(boot)
		s += ",\n  \"bootid\": " + string(b)
	}
	return []byte(s + "\n}\n")
}

// lockSeen is one look at a lock: what is at the path and what it says.
type lockSeen struct {
	dir     bool
	mtime   time.Time
	payload *lockPayload // nil: a directory, or a file that is not a JSON object
}

// lockVerdict is judgeLock's answer.
type lockVerdict struct {
	stale  bool
	holder string    // "process 123 (alive)", "another process (lock directory, …)"
	since  time.Time // when the lock was taken, or last refreshed (taken false)
	taken  bool      // since is when the lock was taken (a createdAt)
}

// judgeLock decides whether a lock may be broken (SPEC §3 as hardened by
// issue 11). The rules, in order:
//
//  1. A lock file that proves it comes from this PID namespace and boot
//     (moltbot's own "pidns" and "bootid") is judged by its pid alone: stale
//     at once when the pid is dead or its starttime differs (a killed
//     moltbot's lock is taken over at once), never while it lives.
//  2. Anything else younger than lockStale is never broken, whatever its
//     pid says: a gateway in a container writes pids this host does not
//     have. Its age counts from the newest of its mtime and createdAt.
//  3. An older one is broken when it has no pid (a directory, unreadable
//     content), its pid is dead, or its starttime differs. A live pid with
//     the same starttime is a live openclaw: never broken. A live pid and no
//     starttime (openclaw before ~2026.5.12) cannot be checked: its
//     generation's own rule applies, stale after lockStale.
func judgeLock(seen lockSeen, now time.Time, proc procView) lockVerdict {
	v := lockVerdict{since: seen.mtime}
	newest := seen.mtime
	p := seen.payload
	switch {
	case seen.dir:
		v.holder = "another process (lock directory, as the gateway makes)"
	case p == nil || p.PID <= 0:
		v.holder = "another process"
	}
	if p != nil && !p.CreatedAt.IsZero() {
		v.since, v.taken = p.CreatedAt, true
		if p.CreatedAt.After(newest) {
			newest = p.CreatedAt
		}
	}
	young := now.Sub(newest) <= lockStale
	if seen.dir || p == nil || p.PID <= 0 {
		v.stale = !young
		return v
	}

	alive := proc.alive(p.PID)
	reused := false
	if alive && p.HasStart {
		if st, ok := proc.startTime(p.PID); ok && st != p.StartTime {
			reused = true
		}
	}
	ns, boot := proc.namespace()
	ours := ns != "" && boot != "" && p.PIDNS == ns && p.BootID == boot
	switch {
	case !alive && ours:
		v.holder = fmt.Sprintf("process %d (no longer running)", p.PID)
	case !alive:
		v.holder = fmt.Sprintf("process %d (not running here: it may run in another PID namespace, such as a container)", p.PID)
	case reused:
		v.holder = fmt.Sprintf("process %d (no longer running: that pid is another program now)", p.PID)
	default:
		v.holder = fmt.Sprintf("process %d (alive)", p.PID)
	}
	switch {
	case ours:
		v.stale = !alive || reused
	case young:
		v.stale = false
	case !alive || reused:
		v.stale = true
	case p.HasStart:
		v.stale = false // a live holder, the same process that made it
	default:
		v.stale = true
	}
	return v
}
