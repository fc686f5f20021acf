package jsondoc

import (
	"encoding/json"
	"io"

	"github.com/moltbot/moltbot/authstore"
)

// orderGetDoc is `models auth order get --json`: the gateway's keys
// (agentId, agentDir, provider, authStorePath or authStatePath, order),
// then ours, named as in `models status --json`.
type orderGetDoc struct {
	AgentID       string `json:"agentId"`
	AgentDir      string `json:"agentDir"`
	Provider      string `json:"provider"`
	AuthStorePath string `json:"authStorePath"`
	// AuthStatePath is what openclaw 2026.4.7 and later print instead of
	// authStorePath: where the order is kept (auth-state.json; with
	// SQLite the agent's own database). Absent for older gateways.
	AuthStatePath string            `json:"authStatePath,omitempty"`
	Order         []string          `json:"order"`       // the override; null when none
	ConfigOrder   []string          `json:"configOrder"` // config auth.order; null when none
	Effective     orderGetEffective `json:"effectiveOrder"`
	Profiles      []orderGetProfile `json:"profiles"`
}

type orderGetEffective struct {
	Source   string             `json:"source"` // override | config | automatic
	IDs      []string           `json:"ids"`
	Excluded []orderGetExcluded `json:"excluded"`
}

type orderGetExcluded struct {
	ProfileID string `json:"profileId"`
	Reason    string `json:"reason"`
}

type orderGetProfile struct {
	ProfileID string `json:"profileId"`
	Type      string `json:"type"`
	Mask      string `json:"mask"`
}

// WriteOrderGet writes the `models auth order get --json` document of
// provider (normalised) in snap: the override, the config's order, the
// order the gateway will use (eo, evaluated by the caller at its now) and
// the provider's profiles.
func WriteOrderGet(w io.Writer, snap authstore.Snapshot, provider string, eo authstore.EffectiveOrder) error {
	paths := snap.Paths
	doc := orderGetDoc{
		AgentID: paths.AgentID, AgentDir: paths.AgentDir, Provider: provider, AuthStorePath: paths.Store,
		AuthStatePath: authStatePath(snap),
		Effective:     orderGetEffective{Source: string(eo.Source), IDs: nonNil(eo.IDs), Excluded: []orderGetExcluded{}},
		Profiles:      []orderGetProfile{},
	}
	if override, ok := snap.Store.OrderOverride(provider); ok && len(override) > 0 {
		doc.Order = override
	}
	doc.ConfigOrder, _ = snap.Config.OrderFor(provider)
	for _, ex := range eo.Excluded {
		doc.Effective.Excluded = append(doc.Effective.Excluded, orderGetExcluded{ex.ID, ex.Reason})
	}
	for _, p := range snap.Store.ProviderProfiles(provider) {
		doc.Profiles = append(doc.Profiles, orderGetProfile{p.ID, p.Type, authstore.Mask(p.Secret())})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}

// authStatePath is the gateway's authStatePath for snap's generation, or ""
// for one that prints authStorePath only (json-gens.md §6; the interop test
// compares it with the real gateways'): auth-state.json; with SQLite the
// same path as models status' storePath (openclaw 2026.9.6's
// resolveAuthStatePathForDisplay is its resolveAuthStorePathForDisplay).
func authStatePath(snap authstore.Snapshot) string {
	switch snap.Paths.Gateway.Generation {
	case authstore.GenSplitJSON:
		return snap.Paths.StateFile
	case authstore.GenSQLite:
		return snap.StorePath()
	}
	return ""
}
