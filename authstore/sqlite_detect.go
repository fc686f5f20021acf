package authstore

import (
	"context"
	"path/filepath"
	"strings"
)

// This file is what detection (detectGateway) learns from openclaw's
// SQLite databases: that a state database is generation D's, who owns the
// shared credentials (auth.sharedStore), and whether a migration from the
// JSON files is pending. It runs on every Load, so it stats first and
// opens a database (through the cached read-only connections) only when
// that can tell something.

// isOpenclawStateDB reports whether path is openclaw's shared state
// database of generation D: schema version above 1 (openclaw 2026.6.1,
// generation C, already creates state/openclaw.sqlite, at version 1) and
// its config_machine_state table, where the auth rows live.
func isOpenclawStateDB(path string) bool {
	v, ok := sqliteUserVersion(path) // the file header: no open
	if !ok || v <= 1 {
		return false
	}
	_, tables, _, err := readMarker(context.Background(), path)
	if err != nil {
		return true // unreadable…: the read says why
	}
	return tables
}

// detectSQLiteDetails fills in, for a gateway found to be generation D,
// who owns the shared credentials (Shared) and whether a migration is
// pending (Pending).
func detectSQLiteDetails(p Paths, g *Gateway) {
	lay := layoutOf(p)
	if marker, _, exists, err := readMarker(context.Background(), lay.shared); err == nil && exists {
		mode, merr := markerMode(lay.shared, marker)
		switch {
		case merr != nil:
			g.How = append(g.How, "the state database's auth.sharedStore row is not one openclaw accepts")
		case mode == stateDBMode:
			g.Shared = true
			g.How = append(g.How, `auth.sharedStore says {"location":"state-db"}: the main agent's credentials are in the shared state database`)
		case marker.present():
			g.How = append(g.How, `auth.sharedStore says {"location":"legacy-main"}: the shared credentials are the main agent's database`)
		default:
			g.How = append(g.How, "no auth.sharedStore row: the shared credentials are the main agent's database (legacy-main)")
		}
	}
	if m := sqlitePending(p, lay); m != nil {
		g.Pending = m
	}
}

// legacySources lists the retired JSON credential files openclaw 2026.9.6
// looks for in agentDir: auth-profiles.json and auth.json, for the shared
// main agent also credentials/oauth.json, and with withState
// auth-state.json (which alone holds no credential).
func legacySources(p Paths, agentDir string, mainDir, withState bool) []string {
	names := []string{"auth-profiles.json", "auth.json"}
	if withState {
		names = append(names, "auth-state.json")
	}
	var found []string
	for _, n := range names {
		if f := filepath.Join(agentDir, n); exists(f) {
			found = append(found, f)
		}
	}
	if mainDir && p.LegacyOAuth != "" && exists(p.LegacyOAuth) {
		found = append(found, p.LegacyOAuth)
	}
	return found
}

// sqlitePending is openclaw's AUTH_PROFILE_MIGRATION_REQUIRED rule: a
// retired credential file in an agent dir (the selected agent's, and the
// shared main agent's) whose own database holds no profiles. openclaw
// then refuses those credentials until `openclaw doctor --fix` imports
// the files, and moltbot must write nothing: a credential written there
// would turn the refusal into "ignore the old file" and lose it.
func sqlitePending(p Paths, lay sqliteLayout) *Migration {
	type owner struct {
		dir, db string
		main    bool
	}
	owners := []owner{{filepath.Dir(lay.own), lay.own, lay.isMain}}
	if !lay.isMain {
		owners = append(owners, owner{filepath.Dir(lay.main), lay.main, true})
	}
	for _, o := range owners {
		files := legacySources(p, o.dir, o.main, false)
		if len(files) == 0 {
			continue
		}
		if dbHasProfiles(o.db) {
			continue // leftovers openclaw ignores (its doctor archives them)
		}
		names := make([]string, len(files))
		for i, f := range files {
			names[i] = f
		}
		return &Migration{
			Reason: "openclaw keeps credentials in SQLite, but " + strings.Join(names, " and ") +
				" has not been imported into " + o.db + " (openclaw refuses these credentials with AUTH_PROFILE_MIGRATION_REQUIRED until its doctor imports them)",
			Command: "openclaw doctor --fix --non-interactive --yes",
		}
	}
	return nil
}

// dbHasProfiles reports whether the agent database at path has a store row
// with at least one profile.
func dbHasProfiles(path string) bool {
	cells, exists, err := readDB(context.Background(), path, agentDB)
	if err != nil || !exists || !cells.store.present() {
		return false
	}
	doc, err := parseDocument(cells.store.raw)
	if err != nil {
		return false
	}
	raw, ok := doc.get("profiles")
	return ok && countMembers(raw) > 0
}
