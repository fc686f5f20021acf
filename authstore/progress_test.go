package authstore

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"
)

// TestUpdateSaysWhenTheLockIsHeld: WithLockHeld's function runs once,
// after the lock is taken (a gateway held it until then) and before the
// change; a transaction that never gets the lock never calls it.
func TestUpdateSaysWhenTheLockIsHeld(t *testing.T) {
	withLockTimings(t, 10*time.Second, 30*time.Second, 10*time.Second)
	p := newTestPaths(t)
	storeWithOneProfile(t, p)
	if err := os.Mkdir(p.Lock(), 0o700); err != nil { // the gateway writes
		t.Fatal(err)
	}
	held := make(chan struct{})
	calls := 0
	ctx := WithLockHeld(context.Background(), func() {
		calls++
		if _, err := os.Stat(p.Lock()); err != nil {
			t.Errorf("called without the lock: %v", err)
		}
		close(held)
	})
	done := make(chan error, 1)
	go func() {
		_, err := update(ctx, p, func(s *Store) error {
			select {
			case <-held:
			default:
				return errors.New("the change ran before the lock was reported held")
			}
			return addProfile("openai:default")(s)
		})
		done <- err
	}()
	select {
	case <-held:
		t.Fatal("reported held while the gateway held the lock")
	case <-time.After(200 * time.Millisecond):
	}
	if err := os.Remove(p.Lock()); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if calls != 1 {
		t.Errorf("called %d times, want once", calls)
	}

	withLockTimings(t, 100*time.Millisecond, 30*time.Second, 10*time.Second)
	if err := os.Mkdir(p.Lock(), 0o700); err != nil {
		t.Fatal(err)
	}
	never := WithLockHeld(context.Background(), func() { t.Error("called for a lock never held") })
	if _, err := update(never, p, addProfile("a:1")); !errors.Is(err, ErrLocked) {
		t.Fatalf("err = %v, want ErrLocked", err)
	}
}
