package jsondoc

// The schema of `models status --json` as Go structs, and the function that
// built the document from them before the streaming encoder: encoding/json
// of these (indented, no HTML escaping) is what WriteStatus must write,
// byte for byte. Moved here unchanged from cmd/status.go.

import (
	"errors"
	"os"
	"sort"
	"time"

	"github.com/moltbot/moltbot/authstore"
	"github.com/moltbot/moltbot/probe"
)

// ExitFailure stands for cmd's exit code of the same name.
const ExitFailure = 1

// The --json document. Key names follow the gateway's `models status --json`
// where they apply; ours sit beside them. Documented in README.md.
type statusDoc struct {
	AgentDir string      `json:"agentDir"`
	AgentID  string      `json:"agentId,omitempty"`
	Gateway  gatewayJSON `json:"gateway"`
	Auth     authJSON    `json:"auth"`
	Check    int         `json:"checkExitCode"`
	Now      int64       `json:"now"`
}

type authJSON struct {
	StorePath             string         `json:"storePath"`
	StoreExists           bool           `json:"storeExists"`
	ConfigPath            string         `json:"configPath,omitempty"`
	Error                 *errorJSON     `json:"error,omitempty"`
	MissingProvidersInUse []string       `json:"missingProvidersInUse"`
	UnusableProfiles      []unusableJSON `json:"unusableProfiles"`
	OAuth                 oauthJSON      `json:"oauth"`
	Providers             []providerJSON `json:"providers"`
	Env                   []envJSON      `json:"env"`
	LegacyImport          []string       `json:"legacyImport,omitempty"`
	ConfigError           string         `json:"configError,omitempty"`
	Probes                []probe.Result `json:"probes,omitempty"`
}

type gatewayJSON struct {
	Name          string          `json:"name"`
	Version       string          `json:"version"`
	Generation    string          `json:"generation"`
	Storage       string          `json:"storage"`
	SharedStateDB *bool           `json:"sharedStateDb,omitempty"` // SQLite only
	Lock          string          `json:"lock"`
	Override      bool            `json:"override"`
	Detected      []string        `json:"detected"`
	Files         []storeFileJSON `json:"files"`
	Pending       *pendingJSON    `json:"pending,omitempty"`
}

type storeFileJSON struct {
	Path   string `json:"path"`
	Holds  string `json:"holds,omitempty"`
	Exists bool   `json:"exists"`
}

type pendingJSON struct {
	Reason  string `json:"reason"`
	Command string `json:"command"`
}

func gatewayOf(p authstore.Paths) gatewayJSON {
	g := p.Gateway
	j := gatewayJSON{Name: g.Name, Version: g.Version, Generation: g.Generation.String(), Storage: g.Generation.Storage(),
		Lock: g.Lock.String(), Override: g.Override, Detected: append([]string{}, g.How...), Files: []storeFileJSON{}}
	if g.Generation == authstore.GenSQLite {
		shared := g.Shared
		j.SharedStateDB = &shared
	}
	if g.Generation == authstore.GenUnknown {
		j.Lock = "none"
	}
	for _, f := range p.StoreFiles() {
		j.Files = append(j.Files, storeFileJSON{f.Path, f.Holds, f.Exists})
	}
	if g.Pending != nil {
		j.Pending = &pendingJSON{g.Pending.Reason, g.Pending.Command}
	}
	return j
}

type errorJSON struct {
	Kind    string `json:"kind"` // corrupt | locked | permission | io | migration-pending
	Message string `json:"message"`
	Command string `json:"command,omitempty"` // migration-pending: what migrates the files
	Line    int    `json:"line,omitempty"`
	Column  int    `json:"column,omitempty"`
}

type unusableJSON struct {
	ProfileID   string `json:"profileId"`
	Provider    string `json:"provider"`
	Kind        string `json:"kind"`
	Reason      string `json:"reason,omitempty"`
	Until       int64  `json:"until"`
	RemainingMs int64  `json:"remainingMs"`
}

type oauthJSON struct {
	WarnAfterMs int64               `json:"warnAfterMs"`
	Profiles    []oauthProfileJSON  `json:"profiles"`
	Providers   []oauthProviderJSON `json:"providers"`
}

type oauthProfileJSON struct {
	ProfileID   string `json:"profileId"`
	Provider    string `json:"provider"`
	Type        string `json:"type"`
	Status      string `json:"status"`
	ExpiresAt   *int64 `json:"expiresAt"`
	RemainingMs *int64 `json:"remainingMs"`
	Label       string `json:"label"`
}

type oauthProviderJSON struct {
	Provider    string `json:"provider"`
	Status      string `json:"status"`
	ExpiresAt   *int64 `json:"expiresAt"`
	RemainingMs *int64 `json:"remainingMs"`
}

type providerJSON struct {
	Provider string `json:"provider"`
	// NoProvider marks the profiles without a "provider" field (provider
	// ""): listed so that nothing is hidden; the gateway never uses them.
	NoProvider bool             `json:"noProvider,omitempty"`
	Status     string           `json:"status"`
	InUse      bool             `json:"inUse"`
	Missing    bool             `json:"missing"`
	Order      orderJSON        `json:"order"`
	Profiles   []profileRowJSON `json:"profiles"`
	Env        []envJSON        `json:"env"`
}

type orderJSON struct {
	Source   string          `json:"source"`
	IDs      []string        `json:"ids"`
	Excluded []exclusionJSON `json:"excluded"`
}

type exclusionJSON struct {
	ProfileID string `json:"profileId"`
	Reason    string `json:"reason"`
}

type profileRowJSON struct {
	ProfileID   string `json:"profileId"`
	Type        string `json:"type"`
	Status      string `json:"status"`
	Refreshable bool   `json:"refreshable,omitempty"`
	Label       string `json:"label"`
	Mask        string `json:"mask"`
	Email       string `json:"email,omitempty"`
	Rank        int    `json:"rank"`
	Excluded    string `json:"excluded,omitempty"`
	ExpiresAt   *int64 `json:"expiresAt"`
	RemainingMs *int64 `json:"remainingMs"`
	LastUsed    *int64 `json:"lastUsed"`
	Unusable    string `json:"unusable,omitempty"`
	Until       *int64 `json:"until,omitempty"`
	Reason      string `json:"reason,omitempty"`
}

type envJSON struct {
	Provider string `json:"provider"`
	Var      string `json:"var"`
	Source   string `json:"source"`
	Mask     string `json:"mask"`
}

func ms(t time.Time) *int64 {
	if t.IsZero() {
		return nil
	}
	v := t.UnixMilli()
	return &v
}

func msDur(d time.Duration, ok bool) *int64 {
	if !ok {
		return nil
	}
	v := d.Milliseconds()
	return &v
}

func statusJSON(snap authstore.Snapshot, rep authstore.Report) statusDoc {
	doc := statusDoc{
		AgentDir: snap.Paths.AgentDir,
		AgentID:  snap.Paths.AgentID,
		Gateway:  gatewayOf(snap.Paths),
		Check:    rep.Check(),
		Now:      rep.Now.UnixMilli(),
		Auth: authJSON{
			StorePath:             snap.Paths.StorePath(),
			StoreExists:           snap.Exists,
			MissingProvidersInUse: append([]string{}, rep.MissingInUse...),
			UnusableProfiles:      []unusableJSON{},
			OAuth:                 oauthJSON{WarnAfterMs: rep.Warn.Milliseconds(), Profiles: []oauthProfileJSON{}, Providers: []oauthProviderJSON{}},
			Providers:             []providerJSON{},
			Env:                   []envJSON{},
			LegacyImport:          snap.LegacyImported,
		},
	}
	if snap.Paths.ConfigExists {
		doc.Auth.ConfigPath = snap.Paths.Config
	}
	if snap.ConfigErr != nil {
		doc.Auth.ConfigError = snap.ConfigErr.Error()
	}
	for _, p := range rep.Providers {
		pj := providerJSON{
			Provider: p.Provider, Status: string(p.Status), InUse: p.InUse, Missing: p.Missing,
			Order:    orderJSON{Source: string(p.Order.Source), IDs: append([]string{}, p.Order.IDs...), Excluded: []exclusionJSON{}},
			Profiles: []profileRowJSON{}, Env: []envJSON{},
		}
		// The gateway's keys list what the gateway uses; profiles without
		// a provider are only in ours.
		gateway := p.Provider != authstore.NoProvider
		if !gateway {
			pj.Provider, pj.NoProvider = "", true
		}
		for _, ex := range p.Order.Excluded {
			pj.Order.Excluded = append(pj.Order.Excluded, exclusionJSON{ex.ID, ex.Reason})
		}
		var soonest time.Time
		for _, pr := range p.Profiles {
			h, prof := pr.Health, pr.Profile
			hasExp := !h.ExpiresAt.IsZero()
			label := prof.ID
			if prof.Email != "" {
				label += " (" + prof.Email + ")"
			}
			if gateway {
				doc.Auth.OAuth.Profiles = append(doc.Auth.OAuth.Profiles, oauthProfileJSON{
					ProfileID: prof.ID, Provider: p.Provider, Type: prof.Type, Status: string(h.Status),
					ExpiresAt: ms(h.ExpiresAt), RemainingMs: msDur(h.Remaining, hasExp), Label: label,
				})
			}
			row := profileRowJSON{
				ProfileID: prof.ID, Type: prof.Type, Status: string(h.Status), Refreshable: h.Refreshable,
				Label: h.Label(), Mask: authstore.Mask(prof.Secret()), Email: prof.Email, Rank: pr.Rank,
				Excluded: pr.Excluded, ExpiresAt: ms(h.ExpiresAt), RemainingMs: msDur(h.Remaining, hasExp),
				LastUsed: ms(pr.LastUsed), Unusable: h.Unusable, Reason: h.Reason,
			}
			if h.Unusable != "" {
				row.Until = ms(h.Until)
			}
			if h.Unusable != "" && gateway {
				doc.Auth.UnusableProfiles = append(doc.Auth.UnusableProfiles, unusableJSON{
					ProfileID: prof.ID, Provider: p.Provider, Kind: h.Unusable, Reason: h.Reason,
					Until: h.Until.UnixMilli(), RemainingMs: h.Until.Sub(rep.Now).Milliseconds(),
				})
			}
			pj.Profiles = append(pj.Profiles, row)
			if hasExp && (soonest.IsZero() || h.ExpiresAt.Before(soonest)) {
				soonest = h.ExpiresAt
			}
		}
		for _, e := range p.Env {
			ej := envJSON{Provider: e.Provider, Var: e.Var, Source: e.Source, Mask: authstore.Mask(e.Value)}
			pj.Env = append(pj.Env, ej)
			doc.Auth.Env = append(doc.Auth.Env, ej)
		}
		if gateway {
			doc.Auth.OAuth.Providers = append(doc.Auth.OAuth.Providers, oauthProviderJSON{
				Provider: p.Provider, Status: string(gatewayStatus(&p)), ExpiresAt: ms(soonest),
				RemainingMs: msDur(soonest.Sub(rep.Now), !soonest.IsZero()),
			})
		}
		doc.Auth.Providers = append(doc.Auth.Providers, pj)
	}
	// The gateway lists them the soonest back first.
	sort.SliceStable(doc.Auth.UnusableProfiles, func(i, j int) bool {
		return doc.Auth.UnusableProfiles[i].Until < doc.Auth.UnusableProfiles[j].Until
	})
	return doc
}

// statusErrorJSON is the document for a store that cannot be read: scripts
// still get the paths and a machine-readable reason.
func statusErrorJSON(paths authstore.Paths, err error) statusDoc {
	e := &errorJSON{Kind: "io", Message: err.Error()}
	var ce *authstore.CorruptError
	var mpe *authstore.MigrationPendingError
	storeExists := true
	if errors.As(err, &mpe) {
		e.Kind, e.Command = "migration-pending", mpe.Migration.Command
		_, serr := os.Stat(paths.StorePath())
		storeExists = serr == nil
	} else if errors.As(err, &ce) {
		e.Kind, e.Line, e.Column = "corrupt", ce.Line, ce.Column
	} else if errors.Is(err, authstore.ErrLocked) {
		e.Kind = "locked"
	} else if errors.Is(err, os.ErrPermission) {
		e.Kind = "permission"
	}
	return statusDoc{
		AgentDir: paths.AgentDir,
		AgentID:  paths.AgentID,
		Gateway:  gatewayOf(paths),
		Check:    ExitFailure,
		Auth: authJSON{
			StorePath: paths.StorePath(), StoreExists: storeExists, Error: e,
			MissingProvidersInUse: []string{}, UnusableProfiles: []unusableJSON{},
			OAuth:     oauthJSON{Profiles: []oauthProfileJSON{}, Providers: []oauthProviderJSON{}},
			Providers: []providerJSON{}, Env: []envJSON{},
		},
	}
}
