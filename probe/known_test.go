package probe

import (
	"slices"
	"testing"

	"github.com/moltbot/moltbot/authstore"
)

// Every provider moltbot can probe is one the typo check knows: a
// `--probe-provider` for it is never warned about.
func TestProbedProvidersAreKnown(t *testing.T) {
	known := authstore.KnownProviders()
	for p := range endpoints {
		if !slices.Contains(known, authstore.NormalizeProvider(p)) {
			t.Errorf("%s can be probed but is not in authstore's known providers", p)
		}
	}
}
