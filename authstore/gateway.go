package authstore

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/titanous/json5"
)

// Generation is how a gateway release keeps its credentials on disk. The
// gateway (clawdbot, then openclaw) moved them twice; users upgrade at
// their own pace, so every generation is met in the field.
type Generation int

// The generations, oldest first.
const (
	// GenUnknown: nothing on disk says which gateway this is (a fresh state
	// dir): moltbot writes nothing there until it is told.
	GenUnknown Generation = iota
	// GenClawdbot (A): clawdbot 2026.1.x and openclaw 2026.1.29–2.12. One
	// auth-profiles.json with order, lastGood and usageStats inline,
	// locked with a proper-lockfile directory.
	GenClawdbot
	// GenOpenclawJSON (B): openclaw 2026.2.17–4.5. The same file, locked
	// with a regular file holding {"pid","createdAt"}.
	GenOpenclawJSON
	// GenSplitJSON (C): openclaw 2026.4.7–6.1. auth-profiles.json holds
	// {version, profiles}; auth-state.json holds order, lastGood and
	// usageStats (it wins per key over what is still inline). Same lock
	// file.
	GenSplitJSON
	// GenSQLite (D): openclaw 2026.6.5 onwards. Credentials and state in
	// SQLite: the shared state database and one database per agent.
	GenSQLite
)

// String names the generation as the override flag takes it.
func (g Generation) String() string {
	switch g {
	case GenClawdbot:
		return "clawdbot"
	case GenOpenclawJSON:
		return "openclaw-json"
	case GenSplitJSON:
		return "openclaw-split"
	case GenSQLite:
		return "openclaw-sqlite"
	}
	return "unknown"
}

// ParseGeneration reads a generation name as String writes it (also
// A, B, C, D), for the override flag and MOLTBOT_GATEWAY.
func ParseGeneration(s string) (Generation, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "clawdbot", "a":
		return GenClawdbot, true
	case "openclaw-json", "b":
		return GenOpenclawJSON, true
	case "openclaw-split", "c":
		return GenSplitJSON, true
	case "openclaw-sqlite", "sqlite", "d":
		return GenSQLite, true
	}
	return GenUnknown, false
}

// Storage says how a generation keeps the store, as a user reads it.
func (g Generation) Storage() string {
	switch g {
	case GenClawdbot, GenOpenclawJSON:
		return "JSON"
	case GenSplitJSON:
		return "split JSON"
	case GenSQLite:
		return "SQLite"
	}
	return "none found"
}

// Releases are the gateway releases of the generation, as a user reads
// them.
func (g Generation) Releases() string {
	switch g {
	case GenClawdbot:
		return "2026.1–2026.2.12"
	case GenOpenclawJSON:
		return "2026.2.17–2026.4.5"
	case GenSplitJSON:
		return "2026.4.7–2026.6.1"
	case GenSQLite:
		return "2026.6.5 and later"
	}
	return ""
}

// LockForm is how moltbot locks a JSON store of this generation.
type LockForm int

// Lock forms.
const (
	LockNone LockForm = iota // SQLite: the database's own write lock (BEGIN IMMEDIATE)
	LockDir                  // proper-lockfile's directory: only for a gateway known to be A
	LockFile                 // a regular file with {"pid","createdAt","starttime"}: honoured by A, B and C
)

// String names the lock form as status --json shows it.
func (l LockForm) String() string {
	switch l {
	case LockDir:
		return "directory"
	case LockFile:
		return "file"
	}
	return "sqlite"
}

// Gateway is what moltbot found out about the gateway whose files these
// are, and how (How lists the evidence, for doctor and the curious).
type Gateway struct {
	Name       string // "clawdbot", "openclaw", or "" when unknown
	Version    string // the config's meta.lastTouchedVersion, or ""
	Generation Generation
	Lock       LockForm
	// Shared reports, for SQLite, that the main agent's credentials live in
	// the shared state database (auth.sharedStore = {"location":"state-db"}).
	Shared bool
	// Override reports that the generation was given (flag or
	// MOLTBOT_GATEWAY), not detected.
	Override bool
	// Range is the releases the gateway may be when Version is unknown
	// ("2026.4.7–2026.6.1"), or "".
	Range string
	How   []string
	// Pending is set when the files say a migration between generations is
	// pending (openclaw doctor's job): moltbot then writes nothing.
	Pending *Migration
}

// Migration is a pending migration between generations and the command
// that performs it.
type Migration struct {
	Reason  string // what the files say
	Command string // e.g. "openclaw doctor --fix --non-interactive --yes"
}

// Describe is the gateway as the status header shows it:
// "openclaw 2026.9.6 · SQLite (shared state db)".
func (g Gateway) Describe() string {
	name := g.Name
	if name == "" {
		name = "gateway"
	}
	switch {
	case g.Version != "":
		name += " " + g.Version
	case g.Range != "":
		name += " " + g.Range + " (exact version unknown)"
	}
	storage := g.Generation.Storage()
	if g.Generation == GenSQLite && g.Shared {
		storage += " (shared state db)"
	}
	return name + " · " + storage
}

// version is a gateway release, compared numerically: 2026.9.6.
type version [3]int

// parseVersion reads "2026.9.6" (a "-suffix", a beta or a "-3", belongs
// to its base release).
func parseVersion(s string) (version, bool) {
	s = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), "v"))
	if i := strings.IndexAny(s, "-+"); i >= 0 {
		s = s[:i]
	}
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return version{}, false
	}
	var v version
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			return version{}, false
		}
		v[i] = n
	}
	return v, true
}

func (v version) less(w version) bool {
	for i := range v {
		if v[i] != w[i] {
			return v[i] < w[i]
		}
	}
	return false
}

// generationOfVersion maps a release to its generation (see the table in
// the README's "Gateway versions"); the gaps between ranges hold no
// release.
func generationOfVersion(s string) (Generation, string, bool) {
	v, ok := parseVersion(s)
	if !ok {
		return GenUnknown, "", false
	}
	switch {
	case v.less(version{2026, 1, 29}):
		return GenClawdbot, "clawdbot", true
	case v.less(version{2026, 2, 17}):
		return GenClawdbot, "openclaw", true
	case v.less(version{2026, 4, 7}):
		return GenOpenclawJSON, "openclaw", true
	case v.less(version{2026, 6, 5}):
		return GenSplitJSON, "openclaw", true
	}
	return GenSQLite, "openclaw", true
}

// pathsConfig is what finding the files needs from the config: the
// version of the gateway that last wrote it and the agents' directories.
type pathsConfig struct {
	version string // meta.lastTouchedVersion
	list    []configAgent
}

type configAgent struct {
	id        string
	dir       string
	isDefault bool
}

// readConfigForPaths reads p.Config for ResolvePaths; a config that is
// missing or cannot be read gives nothing (Load reports it).
func readConfigForPaths(p Paths) pathsConfig {
	if !p.ConfigExists {
		return pathsConfig{}
	}
	data, _, err := readRegular(p.Config, "config", MaxConfigSize)
	if err != nil {
		return pathsConfig{}
	}
	return parsePathsConfig(data)
}

func parsePathsConfig(data []byte) pathsConfig {
	var raw struct {
		Meta struct {
			LastTouchedVersion string `json:"lastTouchedVersion"`
		} `json:"meta"`
		Agents struct {
			List []struct {
				ID       string `json:"id"`
				Default  bool   `json:"default"`
				AgentDir string `json:"agentDir"`
			} `json:"list"`
			Entries map[string]struct {
				Default  bool   `json:"default"`
				AgentDir string `json:"agentDir"`
			} `json:"entries"`
		} `json:"agents"`
	}
	if json5.Unmarshal(data, &raw) != nil {
		return pathsConfig{}
	}
	c := pathsConfig{version: strings.TrimSpace(raw.Meta.LastTouchedVersion)}
	if len(raw.Agents.Entries) > 0 { // openclaw: entries win over list
		ids := make([]string, 0, len(raw.Agents.Entries))
		for id := range raw.Agents.Entries {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			e := raw.Agents.Entries[id]
			c.list = append(c.list, configAgent{id: normalizeAgentID(id), dir: strings.TrimSpace(e.AgentDir), isDefault: e.Default})
		}
		return c
	}
	for _, e := range raw.Agents.List {
		c.list = append(c.list, configAgent{id: normalizeAgentID(e.ID), dir: strings.TrimSpace(e.AgentDir), isDefault: e.Default})
	}
	return c
}

// normalizeAgentID is the gateway's agent id rule: trimmed, lower-cased,
// anything but [a-z0-9_-] runs turned into "-", at most 64 characters,
// "main" when empty.
func normalizeAgentID(id string) string {
	id = strings.ToLower(strings.TrimSpace(id))
	var b strings.Builder
	dash := false
	for _, r := range id {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '-' {
			b.WriteRune(r)
			dash = false
		} else if !dash {
			b.WriteByte('-')
			dash = true
		}
	}
	out := strings.Trim(b.String(), "-")
	if len(out) > 64 {
		out = out[:64]
	}
	if out == "" {
		return DefaultAgent
	}
	return out
}

// agentDir is the directory the config gives agent id, or "".
func (c pathsConfig) agentDir(id string) string {
	for _, a := range c.list {
		if a.id == id {
			return a.dir
		}
	}
	return ""
}

// defaultAgent is the config's default agent (the entry marked default,
// else the first), or "" when the config names none.
func (c pathsConfig) defaultAgent() string {
	for _, a := range c.list {
		if a.isDefault {
			return a.id
		}
	}
	if len(c.list) > 0 {
		return c.list[0].id
	}
	return ""
}

// detectGateway decides which gateway generation p's files belong to, from
// what is on disk and the config's meta.lastTouchedVersion (see the
// README's "Gateway versions"): the strongest evidence first.
//
// The environment's part (MOLTBOT_GATEWAY, the gateway on $PATH) is read
// once, into in; the files are looked at again by every Load and
// transaction (Paths.redetect), because a dashboard outlives what it saw at
// start: a gateway may write its first files, or be upgraded, meanwhile.
func detectGateway(p Paths, cfg pathsConfig, in detectInputs) Gateway {
	g := Gateway{Version: cfg.version}
	if cfg.version != "" {
		g.How = append(g.How, "the config was last written by version "+cfg.version+" (meta.lastTouchedVersion)")
	}
	if in.override != GenUnknown {
		g.Generation, g.Override = in.override, true
		g.How = append(g.How, "set by --gateway / MOLTBOT_GATEWAY ("+in.override.String()+")")
		if g.Generation == GenSQLite {
			detectSQLiteDetails(p, &g)
		}
		g.finish(p)
		return g
	}
	vgen, vname, vok := generationOfVersion(cfg.version)
	storeExists := exists(p.Store) || exists(p.LegacyAuth) || exists(p.LegacyOAuth)
	switch {
	case exists(p.AgentDB) || sqliteDetect(p.SharedDB):
		g.Generation = GenSQLite
		if exists(p.AgentDB) {
			g.How = append(g.How, "the agent's SQLite database exists ("+filepath.Base(p.AgentDB)+")")
		} else {
			g.How = append(g.How, "the shared SQLite state database exists (state/openclaw.sqlite)")
		}
		detectSQLiteDetails(p, &g)
	case vok && vgen == GenSQLite:
		g.Generation = GenSQLite
		detectSQLiteDetails(p, &g)
	case exists(p.StateFile):
		// Evidence beats the version when it is newer: only openclaw
		// 2026.4.7–6.1 creates auth-state.json, and a gateway upgraded
		// since its last config write leaves an older version there.
		g.Generation = GenSplitJSON
		g.How = append(g.How, "auth-state.json exists (only openclaw 2026.4.7–6.1 makes it: the order and usage live there)")
		if vok && vgen != GenSplitJSON {
			g.How = append(g.How, "the config's version "+cfg.version+" is older than the files: the gateway was upgraded and has not rewritten its config since")
			g.Version = ""
			vok, vname = false, "openclaw"
		}
		if g.Version == "" {
			g.Range = GenSplitJSON.Releases()
		}
	case vok:
		g.Generation = vgen
		g.How = append(g.How, "version "+cfg.version+" keeps its store as "+vgen.Storage()+" ("+vgen.Releases()+")")
	case storeExists:
		// A, B, or a C that has not written yet: the same file, read the
		// same way; only the lock differs, and a lock file is honoured by
		// all three.
		g.Generation = GenOpenclawJSON
		g.Range = "2026.1–2026.6.1"
		g.How = append(g.How, "an auth-profiles.json without a version to go by: clawdbot or openclaw up to 2026.6.1 (same file, same layout; locked with a file, which all of them honour)")
		if p.ConfigExists && filepath.Base(p.Config) == "openclaw.json" || filepath.Base(p.StateDir) == ".openclaw" {
			vname = "openclaw"
		} else {
			vname = nameClawdbotOrOpenclaw
		}
	default:
		if in.installed != "" {
			gen, _, _ := generationOfVersion(in.installed)
			g.Generation, g.Version, vname = gen, in.installed, in.installedName
			g.How = append(g.How, in.installedName+" "+in.installed+" is the one installed on $PATH (no gateway files yet)")
		} else {
			g.How = append(g.How, "no store, config version or database in "+p.StateDir)
		}
	}
	if vok {
		g.Name = vname
	} else if vname != "" {
		g.Name = vname
	}
	g.finish(p)
	return g
}

// detectInputs is what detection takes from the environment, read once.
type detectInputs struct {
	override      Generation // MOLTBOT_GATEWAY (or --gateway)
	installed     string     // the version of the gateway on $PATH
	installedName string
}

func readDetectInputs(getenv Getenv) detectInputs {
	var in detectInputs
	if gen, ok := ParseGeneration(getenv("MOLTBOT_GATEWAY")); ok {
		in.override = gen
	}
	in.installed, in.installedName, _ = installedGateway(getenv)
	return in
}

// redetect looks at the files again (see detectGateway).
func (p Paths) redetect() Paths {
	if p.configDefault {
		p.ConfigExists = isFile(p.Config)
	}
	p.Gateway = detectGateway(p, readConfigForPaths(p), p.detectIn)
	return p
}

// finish fills in what follows from the generation: the lock form and a
// name when the files say nothing more.
func (g *Gateway) finish(p Paths) {
	switch g.Generation {
	case GenClawdbot:
		// proper-lockfile's directory only for a gateway known to be A;
		// detected from the files alone it could be B or C, whose lock
		// is a file.
		g.Lock = LockFile
		if g.Override || g.Version != "" {
			g.Lock = LockDir
		}
	case GenOpenclawJSON, GenSplitJSON:
		g.Lock = LockFile
	case GenSQLite:
		g.Lock = LockNone
	}
	if g.Name == "" {
		switch {
		case g.Generation == GenClawdbot && g.Override:
			g.Name = "clawdbot"
		case g.Generation >= GenOpenclawJSON && (g.Override || g.Generation != GenOpenclawJSON):
			g.Name = "openclaw"
		}
	}
}

// sqliteDetect reports whether path is an openclaw SQLite state database
// of generation D (isOpenclawStateDB; a variable for tests). openclaw
// 2026.6.1 (generation C) already creates state/openclaw.sqlite, at schema
// version 1; D's are 18 and up.
var sqliteDetect = isOpenclawStateDB

// sqliteUserVersion reads PRAGMA user_version from an SQLite file's header
// (4 bytes at offset 60) without opening it as a database.
func sqliteUserVersion(path string) (int, bool) {
	f, err := os.Open(path)
	if err != nil {
		return 0, false
	}
	defer f.Close()
	var h [64]byte
	if n, _ := f.ReadAt(h[:], 0); n < len(h) || string(h[:16]) != "SQLite format 3\x00" {
		return 0, false
	}
	return int(h[60])<<24 | int(h[61])<<16 | int(h[62])<<8 | int(h[63]), true
}

// installedGateway is the version of the gateway CLI on $PATH (openclaw,
// else clawdbot), read from its package.json: a hint for a state dir that
// holds nothing yet.
func installedGateway(getenv Getenv) (string, string, bool) {
	for _, name := range []string{"openclaw", "clawdbot"} {
		for _, dir := range filepath.SplitList(getenv("PATH")) {
			if dir == "" {
				continue
			}
			bin, err := filepath.EvalSymlinks(filepath.Join(dir, name))
			if err != nil {
				continue
			}
			// npm links bin/<name> → …/node_modules/<name>/<entry>.
			for d := filepath.Dir(bin); d != filepath.Dir(d); d = filepath.Dir(d) {
				data, err := os.ReadFile(filepath.Join(d, "package.json"))
				if err != nil {
					continue
				}
				var pkg struct{ Name, Version string }
				if json.Unmarshal(data, &pkg) == nil && pkg.Name == name {
					if _, ok := parseVersion(pkg.Version); ok {
						return pkg.Version, name, true
					}
				}
				break
			}
		}
	}
	return "", "", false
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}
