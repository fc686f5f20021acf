package authstore

import (
	"os"
	"path/filepath"
)

// This file is what the commands and the dashboard show of the gateway:
// which files hold an agent's credentials in its generation, and how sure
// the detection is. File names and layouts stay here (STYLE.md).

// StoreFile is one file where the gateway keeps an agent's credentials or
// their state.
type StoreFile struct {
	Path string
	// Holds is what the gateway keeps there, as a user reads it; "" when
	// it is the agent's only store file (generations A and B).
	Holds  string
	Exists bool
}

// StoreFiles are the files of p's generation that hold the agent's
// credentials, order and usage, the main one first: auth-profiles.json
// (A, B, and an unknown gateway); for split JSON (C) also auth-state.json
// when it exists (else the state is inline); for SQLite (D) the database
// that holds the shared credentials (the state database, or the main
// agent's database without the auth.sharedStore marker) and the agent's
// own database, where its order lives.
func (p Paths) StoreFiles() []StoreFile {
	file := func(path, holds string) StoreFile {
		_, err := os.Stat(path)
		return StoreFile{Path: path, Holds: holds, Exists: err == nil}
	}
	switch p.Gateway.Generation {
	case GenSplitJSON:
		if state := file(p.StateFile, "order and usage"); state.Exists {
			return []StoreFile{file(p.Store, "credentials"), state}
		}
	case GenSQLite:
		shared := p.SharedDB
		if !p.Gateway.Shared {
			shared = p.mainAgentDB()
		}
		if filepath.Clean(shared) == filepath.Clean(p.AgentDB) {
			return []StoreFile{file(p.AgentDB, "credentials, order and usage")}
		}
		return []StoreFile{file(shared, "shared credentials and usage"), file(p.AgentDB, "this agent's order and own credentials")}
	}
	return []StoreFile{file(p.Store, "")}
}

// StorePath is the path the gateway's own `models status --json` gives as
// auth.storePath: auth-profiles.json, or for SQLite the agent's database.
func (p Paths) StorePath() string {
	if p.Gateway.Generation == GenSQLite {
		return p.AgentDB
	}
	return p.Store
}

// mainAgentDB is the shared "main" agent's database, which holds the shared
// credentials when the state database does not (no auth.sharedStore
// marker): $OPENCLAW_AGENT_DIR's, else <state>/agents/main/agent's.
func (p Paths) mainAgentDB() string {
	if p.MainAgentDB != "" {
		return p.MainAgentDB
	}
	return filepath.Join(p.StateDir, "agents", DefaultAgent, "agent", "openclaw-agent.sqlite")
}

// Doubt says how sure the detection of p's gateway is.
type Doubt int

// Doubts.
const (
	// Sure: the generation was given (--gateway), or the files or the
	// config's version say it, or there is nothing to decide (no files).
	Sure Doubt = iota
	// DoubtNoVersion: an auth-profiles.json and no version to go by. It is
	// treated as clawdbot or openclaw up to 2026.6.1 (one file, state
	// inline, a lock file), which is right for each of them.
	DoubtNoVersion
	// DoubtInstalledOnly: no gateway files and no config version; the
	// generation comes from the gateway CLI found on $PATH, which may not
	// be the one that runs (a service may run another install).
	DoubtInstalledOnly
)

// Doubt says whether the detection had to guess, and from what.
func (p Paths) Doubt() Doubt {
	g := p.Gateway
	switch {
	case g.Override, g.Generation == GenUnknown:
		return Sure
	case g.Generation == GenOpenclawJSON && g.Version == "":
		return DoubtNoVersion
	case g.Version != "" && readConfigForPaths(p).version == "" && !g.anyFiles(p):
		return DoubtInstalledOnly
	}
	return Sure
}

// anyFiles reports whether any of the gateway's credential files is there.
func (g Gateway) anyFiles(p Paths) bool {
	for _, f := range []string{p.Store, p.StateFile, p.AgentDB, p.SharedDB, p.LegacyAuth, p.LegacyOAuth} {
		if exists(f) {
			return true
		}
	}
	return false
}

// CredentialsFile is the file a message names for the agent's credentials:
// auth-profiles.json, or for SQLite the database that holds them (the
// shared state database for the main agent when auth.sharedStore says so,
// else the agent's own).
func (p Paths) CredentialsFile() string {
	if p.Gateway.Generation != GenSQLite {
		return p.Store
	}
	if filepath.Clean(p.mainAgentDB()) == filepath.Clean(p.AgentDB) && p.Gateway.Shared {
		return p.SharedDB
	}
	return p.AgentDB
}

// OrderFile is the file a message names for the agent's order and usage:
// auth-state.json when openclaw 2026.4.7–6.1 keeps them apart, the
// agent's own database for SQLite, else the store.
func (p Paths) OrderFile() string {
	switch p.Gateway.Generation {
	case GenSQLite:
		return p.AgentDB
	case GenSplitJSON:
		if exists(p.StateFile) {
			return p.StateFile
		}
	}
	return p.Store
}
