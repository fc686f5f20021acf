package authstore

import "context"

// A screen that saves in the background wants to tell "waiting for the
// gateway's lock" from "writing": with 100,000 profiles the write itself
// takes a second. WithLockHeld is that one hook, kept apart from the lock's
// own workings: the transaction calls it once its lock is held.

type lockHeldKey struct{}

// WithLockHeld returns a context that makes a transaction (Update) started
// with it call fn once, as soon as the store's lock is held, before the
// fresh read. fn runs on the transaction's goroutine and must return
// quickly (close a channel, send a message). A transaction that never gets
// the lock never calls it.
func WithLockHeld(ctx context.Context, fn func()) context.Context {
	return context.WithValue(ctx, lockHeldKey{}, fn)
}

// lockHeld calls the WithLockHeld function of ctx, if any.
func lockHeld(ctx context.Context) {
	if fn, ok := ctx.Value(lockHeldKey{}).(func()); ok && fn != nil {
		fn()
	}
}
