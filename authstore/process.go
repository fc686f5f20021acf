package authstore

import (
	"os"
	"sync"
	"time"
)

// This file is how a process that is asked to stop (a signal) leaves the
// gateway's files: lock waits give up at once (Interrupt), transactions that
// hold a lock run to their end (WaitIdle), and when even that cannot be
// waited for, Abandon makes sure no rename happens any more and removes
// what this process holds (its locks, its temp files) before it exits.

var proc = struct {
	mu       sync.Mutex
	idle     *sync.Cond
	held     map[*lockHandle]struct{}
	temps    map[string]struct{}
	stopping chan struct{}
	stopOnce sync.Once
}{
	held:     map[*lockHandle]struct{}{},
	temps:    map[string]struct{}{},
	stopping: make(chan struct{}),
}

func init() { proc.idle = sync.NewCond(&proc.mu) }

// renameMu is held from a lock's last check to the end of the rename it
// allows; Abandon takes it for good.
var renameMu sync.Mutex

// Interrupt makes every lock wait of this process, now and later, give up
// with ErrInterrupted, as if its context had been cancelled. A transaction
// that already holds its lock goes on to its end. It is for a command that
// was asked to stop (SIGINT, SIGTERM, SIGHUP).
func Interrupt() {
	proc.stopOnce.Do(func() { close(proc.stopping) })
}

func stopping() <-chan struct{} { return proc.stopping }

// WaitIdle waits until this process holds no lock (every transaction under
// way has ended) or d has passed, and reports whether it is idle.
func WaitIdle(d time.Duration) bool {
	deadline := time.Now().Add(d)
	t := time.AfterFunc(d, func() {
		proc.mu.Lock()
		proc.idle.Broadcast()
		proc.mu.Unlock()
	})
	defer t.Stop()
	proc.mu.Lock()
	defer proc.mu.Unlock()
	for len(proc.held) > 0 && time.Now().Before(deadline) {
		proc.idle.Wait()
	}
	return len(proc.held) == 0
}

// Abandon is for a process about to exit at once (a second ctrl+c): it
// waits for a rename under way to end, then no rename happens in this
// process any more; it removes the locks this process still holds (when
// they are still its own) and its temp files. Every file is left as it was
// before or after its last rename, never half written. Call it only right
// before os.Exit.
func Abandon() {
	renameMu.Lock() // never unlocked: no rename after this
	proc.mu.Lock()
	var held []*lockHandle
	for h := range proc.held {
		held = append(held, h)
	}
	var temps []string
	for tmp := range proc.temps {
		temps = append(temps, tmp)
	}
	proc.mu.Unlock()
	for _, h := range held {
		h.mu.Lock()
		h.removeLocked()
		h.mu.Unlock()
	}
	for _, tmp := range temps {
		_ = os.Remove(tmp)
	}
}

func registerLock(h *lockHandle) {
	proc.mu.Lock()
	proc.held[h] = struct{}{}
	proc.mu.Unlock()
}

func unregisterLock(h *lockHandle) {
	proc.mu.Lock()
	delete(proc.held, h)
	if len(proc.held) == 0 {
		proc.idle.Broadcast()
	}
	proc.mu.Unlock()
}

func registerTemp(name string) {
	proc.mu.Lock()
	proc.temps[name] = struct{}{}
	proc.mu.Unlock()
}

func unregisterTemp(name string) {
	proc.mu.Lock()
	delete(proc.temps, name)
	proc.mu.Unlock()
}
