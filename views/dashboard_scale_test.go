package views_test

import (
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/moltbot/moltbot/views"
)

// oneProviderStore is a store of n anthropic API-key profiles with an
// order override naming all of them: the shape where every drop writes
// the whole list.
func oneProviderStore(n int) string {
	var b strings.Builder
	b.Grow(n * 120)
	b.WriteString("{\n  \"version\": 1,\n  \"profiles\": {\n")
	order := make([]string, n)
	for i := range n {
		id := fmt.Sprintf("anthropic:p%06d", i)
		order[i] = fmt.Sprintf("%q", id)
		sep := ","
		if i == n-1 {
			sep = ""
		}
		fmt.Fprintf(&b, "    %q: {\"type\": \"api_key\", \"provider\": \"anthropic\", \"key\": \"sk-ant-api03-FAKE%06dKKKKKKKKKKKKKKKKKKKK\"}%s\n", id, i, sep)
	}
	b.WriteString("  },\n  \"order\": {\"anthropic\": [" + strings.Join(order, ", ") + "]}\n}\n")
	return b.String()
}

// BenchmarkDashboardDrop100k is one reorder on a 100,000-profile store, from
// the key that drops the grabbed profile to the "saved" status: the
// locked transaction (fresh read, write, fsync, rename), the re-read
// snapshot turned into the report and rows, and the next frame.
func BenchmarkDashboardDrop100k(b *testing.B) {
	fx := newFixture(b, oneProviderStore(100_000)).start(100, 28)
	if !strings.Contains(fx.view(), "anthropic:p000000") {
		b.Fatalf("not loaded:\n%s", fx.view())
	}
	// The CPU time the process spends per drop (GC included) is reported
	// beside the wall time: on a machine shared with other jobs the wall
	// time says more about them.
	var cpu time.Duration
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		fx.statuses = nil
		fx.keys("space", "down")
		start := cpuTime()
		b.StartTimer()
		fx.keys("space")
		_ = fx.d.View()
		b.StopTimer()
		cpu += cpuTime() - start
		if s := fx.lastStatus(); !strings.Contains(s, "saved the anthropic order") {
			b.Fatalf("status %q, want saved", s)
		}
		b.StartTimer()
	}
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
}

// cpuTime is the user and system time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestDashboardSaysSavingOnceTheLockIsHeld: a save that waits for the
// gateway's lock says so; once the lock is taken it says "saving…" (with
// 100,000 profiles the write takes a second, and "waiting for the lock"
// was shown all along), then "saved".
func TestDashboardSaysSavingOnceTheLockIsHeld(t *testing.T) {
	f := newFixture(t, populatedStore()).start(120, 28)
	lock := f.storePath() + ".lock"
	if err := os.Mkdir(lock, 0o700); err != nil { // the gateway is writing
		t.Fatal(err)
	}
	defer os.Remove(lock)
	next, cmd := f.d.Update(keyMsg("J"))
	f.d = next.(*views.Dashboard)
	batch, ok := cmd().(tea.BatchMsg)
	if !ok || len(batch) != 2 {
		t.Fatalf("J gave %T, want the save and its notice", cmd())
	}
	inBackground := func(c tea.Cmd) <-chan tea.Msg {
		ch := make(chan tea.Msg, 1)
		go func() { ch <- c() }()
		return ch
	}
	saved, notice := inBackground(batch[0]), inBackground(batch[1])
	// statusAndRest feeds msg to the dashboard, records the status it asks
	// for and returns what is left running in the background (a command
	// that has not answered within a moment).
	statusAndRest := func(msg tea.Msg) <-chan tea.Msg {
		t.Helper()
		next, cmd := f.d.Update(msg)
		f.d = next.(*views.Dashboard)
		if cmd == nil {
			t.Fatalf("%#v changed nothing", msg)
		}
		var rest <-chan tea.Msg
		cmds := []tea.Cmd{cmd}
		if b, ok := cmd().(tea.BatchMsg); ok {
			cmds = b
		}
		for _, c := range cmds {
			ch := inBackground(c)
			select {
			case m := <-ch:
				if sm, ok := m.(views.StatusMsg); ok {
					f.statuses = append(f.statuses, sm)
				}
			case <-time.After(200 * time.Millisecond):
				rest = ch
			}
		}
		return rest
	}
	locked := statusAndRest(<-notice)
	if s := f.lastStatus(); !strings.Contains(s, "waiting for the store's lock") {
		t.Fatalf("status while the gateway holds the lock: %q", s)
	}
	if locked == nil {
		t.Fatal("nothing waits for the lock to be taken")
	}
	if err := os.Remove(lock); err != nil { // the gateway is done
		t.Fatal(err)
	}
	statusAndRest(<-locked)
	if s := f.lastStatus(); s != "saving the anthropic order…" {
		t.Errorf("status once the lock is held: %q, want saving…", s)
	}
	f.send(<-saved)
	if s := f.lastStatus(); !strings.Contains(s, "saved the anthropic order") {
		t.Errorf("status after the save: %q", s)
	}
}
