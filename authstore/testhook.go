package authstore

// testHook is called at named points of a transaction ("store-read": the
// store was read under its lock, nothing is written yet). It is nil, and
// hook does nothing, in every build but the stress tests' own binary
// (built with -tags moltbot_testhooks, see testhook_on.go), which uses it
// to pause or slow a writer at an exact point.
var testHook func(point string)

func hook(point string) {
	if testHook != nil {
		testHook(point)
	}
}
