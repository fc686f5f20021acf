package authstore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/titanous/json5"
)

// Config is the part of the gateway's config (JSON5) that matters here.
type Config struct {
	// Profiles is auth.profiles: id → provider and mode.
	Profiles   map[string]ConfigProfile
	ProfileIDs []string // auth.profiles ids, sorted
	// Order is auth.order: provider (as written) → profile ids.
	Order map[string][]string
	// Models are the model refs the agents use by default ("provider/model"):
	// agents.defaults.model (primary and fallbacks) and imageModel. Empty
	// when the config names none.
	Models []string
	// NamedProviders are the providers the config names besides auth and
	// the default models, as written: the keys of models.providers (custom
	// providers, overrides of bundled ones) and plugins.entries (provider
	// plugins are named by their provider), and the providers of the agents'
	// own models (agents.list[].model) and of agents.defaults.models.
	NamedProviders []string
}

// ConfigProfile is one auth.profiles entry.
type ConfigProfile struct {
	Provider string `json:"provider"`
	Mode     string `json:"mode"`
}

// ConfigError says the config could not be read. Reading commands carry on
// without it; writing commands never rewrite such a file.
type ConfigError struct {
	Path string
	// Line and Column (1-based) are where a syntax error is; 0 when
	// unknown.
	Line, Column int
	Err          error
}

func (e *ConfigError) Error() string {
	where := e.Path
	if e.Line > 0 {
		where = fmt.Sprintf("%s:%d:%d", e.Path, e.Line, e.Column)
	}
	return fmt.Sprintf("config %s cannot be read: %v", where, e.Err)
}

func (e *ConfigError) Unwrap() error { return e.Err }

// LoadConfig reads the config at path. A missing file is an empty config.
func LoadConfig(path string) (Config, error) {
	data, _, err := readRegular(path, "config", MaxConfigSize)
	if errors.Is(err, fs.ErrNotExist) {
		return Config{}, nil
	}
	if isUnreadable(err) {
		return Config{}, err
	}
	if err != nil {
		return Config{}, &ConfigError{Path: path, Err: err}
	}
	return ParseConfig(path, data)
}

// ParseConfig reads JSON5 config text.
func ParseConfig(path string, data []byte) (Config, error) {
	var raw struct {
		Auth struct {
			Profiles map[string]ConfigProfile `json:"profiles"`
			Order    map[string][]string      `json:"order"`
		} `json:"auth"`
		Agents struct {
			Defaults struct {
				Model      any `json:"model"`
				ImageModel any `json:"imageModel"`
				Models     any `json:"models"`
			} `json:"defaults"`
			List    any `json:"list"`
			Entries any `json:"entries"`
		} `json:"agents"`
		// Read loosely (any): what they hold only helps to know provider
		// names, and must never make the config unreadable.
		Models  any `json:"models"`
		Plugins any `json:"plugins"`
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return Config{}, nil
	}
	if err := json5.Unmarshal(data, &raw); err != nil {
		ce := &ConfigError{Path: path, Err: err}
		var se *json5.SyntaxError
		if errors.As(err, &se) {
			// Offset counts the bytes read, the offending one included.
			ce.Line, ce.Column = lineCol(data, se.Offset-1)
		}
		return Config{}, ce
	}
	c := Config{Profiles: raw.Auth.Profiles, Order: raw.Auth.Order}
	for id := range c.Profiles {
		c.ProfileIDs = append(c.ProfileIDs, id)
	}
	sort.Strings(c.ProfileIDs)
	c.Models = append(modelRefs(raw.Agents.Defaults.Model), modelRefs(raw.Agents.Defaults.ImageModel)...)
	c.NamedProviders = namedProviders(raw.Models, raw.Plugins, raw.Agents.Defaults.Models, raw.Agents.List, raw.Agents.Entries)
	return c, nil
}

// namedProviders collects NamedProviders from the loosely read parts of
// the config (see Config.NamedProviders); anything of another shape is
// skipped.
func namedProviders(models, plugins, defaultModels, list, entries any) []string {
	var out []string
	keys := func(v any, k string) {
		if m, ok := v.(map[string]any); ok {
			if inner, ok := m[k].(map[string]any); ok {
				for name := range inner {
					out = append(out, name)
				}
			}
		}
	}
	refs := func(r []string) {
		for _, ref := range r {
			if p, _, ok := strings.Cut(ref, "/"); ok {
				out = append(out, p)
			}
		}
	}
	keys(models, "providers")
	keys(plugins, "entries")
	if m, ok := defaultModels.(map[string]any); ok { // {"provider/model": {alias…}}
		for ref := range m {
			refs([]string{ref})
		}
	}
	agents := []any{}
	if l, ok := list.([]any); ok {
		agents = append(agents, l...)
	}
	if m, ok := entries.(map[string]any); ok {
		for _, e := range m {
			agents = append(agents, e)
		}
	}
	for _, a := range agents {
		if m, ok := a.(map[string]any); ok {
			refs(modelRefs(m["model"]))
			refs(modelRefs(m["imageModel"]))
		}
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// modelRefs reads a model setting: a string, or {primary, fallbacks}.
func modelRefs(v any) []string {
	var out []string
	add := func(x any) {
		if s, ok := x.(string); ok && strings.TrimSpace(s) != "" {
			out = append(out, strings.TrimSpace(s))
		}
	}
	switch m := v.(type) {
	case string:
		add(m)
	case map[string]any:
		add(m["primary"])
		if fb, ok := m["fallbacks"].([]any); ok {
			for _, x := range fb {
				add(x)
			}
		}
	}
	return out
}

// ProvidersInUse are the providers of the configured models (the gateway's
// default model when none is configured), normalised and de-duplicated.
func (c Config) ProvidersInUse() []string {
	return c.providersInUse(DefaultModel)
}

// providersInUse is ProvidersInUse for a gateway whose default model is
// def.
func (c Config) providersInUse(def string) []string {
	refs := c.Models
	if len(refs) == 0 {
		refs = []string{def}
	}
	seen := map[string]bool{}
	var out []string
	for _, r := range refs {
		p, _, ok := strings.Cut(r, "/")
		if !ok {
			continue
		}
		if p = NormalizeProvider(p); p != "" && !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

// OrderFor is the config's auth.order list for provider (normalised), the
// one the gateway reads: with two aliases of it present, the first key in
// sorted order.
func (c Config) OrderFor(provider string) ([]string, bool) {
	keys := make([]string, 0, len(c.Order))
	for k := range c.Order {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if NormalizeProvider(k) == provider {
			return c.Order[k], true
		}
	}
	return nil, false
}

func (c Config) profilesFor(provider string) []string {
	var ids []string
	for _, id := range c.ProfileIDs {
		if NormalizeProvider(c.Profiles[id].Provider) == provider {
			ids = append(ids, id)
		}
	}
	return ids
}

// ConfigNotWritableError says the config exists but is not plain JSON that
// we can edit without losing anything (JSON5 comments, say). Line is the
// entry the user should add by hand.
type ConfigNotWritableError struct {
	Path string
	Line string
	Err  error
}

func (e *ConfigNotWritableError) Error() string {
	return fmt.Sprintf("config %s was left unchanged (%v); add this under auth.profiles yourself: %s", e.Path, e.Err, e.Line)
}

func (e *ConfigNotWritableError) Unwrap() error { return e.Err }

// SetConfigProfile records auth.profiles[id] = {provider, mode} in the config,
// creating the config when there is none. Every other key, and the order of
// keys, is kept. A config that is not plain JSON (comments, JSON5 syntax, or
// unparseable) is never rewritten: a *ConfigNotWritableError carries the
// line to add by hand.
func SetConfigProfile(paths Paths, id, provider, mode string) error {
	entry := ConfigProfile{Provider: provider, Mode: mode}
	return editConfig(paths, func(profiles *object) bool {
		if raw, ok := profiles.get(id); ok {
			var cur ConfigProfile
			if json.Unmarshal(raw, &cur) == nil && cur == entry {
				return false
			}
			// Keep any other fields the entry has; update the two we own.
			if o, err := parseObject(raw); err == nil {
				o.setValue("provider", provider)
				o.setValue("mode", mode)
				profiles.setChild(id, o)
				return true
			}
		}
		o := newObject()
		o.setValue("provider", provider)
		o.setValue("mode", mode)
		profiles.setChild(id, o)
		return true
	}, fmt.Sprintf(`%q: { "provider": %q, "mode": %q }`, id, provider, mode))
}

// RemoveConfigProfile deletes auth.profiles[id] from the config if present.
func RemoveConfigProfile(paths Paths, id string) error {
	if !paths.ConfigExists {
		return nil
	}
	return editConfig(paths, func(profiles *object) bool {
		return profiles.delete(id)
	}, fmt.Sprintf("remove %q from auth.profiles", id))
}

func editConfig(paths Paths, edit func(profiles *object) bool, manual string) error {
	path := paths.Config
	if real, err := resolveReal(path); err == nil {
		path = real
	}
	if err := mkdirAllOwned(filepath.Dir(path)); err != nil {
		return fmt.Errorf("create %s: %w", filepath.Dir(path), err)
	}
	// Two moltbots adding profiles at once must not lose each other's entry:
	// read-modify-write under the same lock protocol as the store.
	return withFileLock(path, func(lock *lockHandle) error { return editConfigLocked(lock, path, edit, manual) })
}

func editConfigLocked(lock *lockHandle, path string, edit func(profiles *object) bool, manual string) error {
	data, _, err := readRegular(path, "config", MaxConfigSize)
	var doc *object
	switch {
	case errors.Is(err, fs.ErrNotExist):
		doc = newObject()
	case isUnreadable(err):
		return err
	case err != nil:
		return fmt.Errorf("read config %s: %w", path, err)
	case len(bytes.TrimSpace(data)) == 0:
		doc = newObject()
	default:
		doc, err = parseDocument(data)
		if err != nil {
			return &ConfigNotWritableError{Path: path, Line: manual, Err: errors.New("it is not plain JSON")}
		}
	}
	auth, ok := doc.child("auth")
	if _, present := doc.get("auth"); present && !ok {
		return &ConfigNotWritableError{Path: path, Line: manual, Err: errors.New(`its "auth" is not an object`)}
	}
	profiles, ok := auth.child("profiles")
	if _, present := auth.get("profiles"); present && !ok {
		return &ConfigNotWritableError{Path: path, Line: manual, Err: errors.New(`its "auth.profiles" is not an object`)}
	}
	if !edit(profiles) {
		return nil
	}
	auth.setChild("profiles", profiles)
	doc.setChild("auth", auth)
	return writeAtomic(lock, path, doc.marshalFile(), keepMode(path, 0o600))
}

// withFileLock runs fn holding the pid lock file "<path>.lock". Its wait
// gives up when the process is interrupted (Interrupt).
func withFileLock(path string, fn func(lock *lockHandle) error) error {
	lock, err := acquirePIDLock(context.Background(), path+".lock")
	if err != nil {
		return err
	}
	removeAbandonedTemps(path)
	defer lock.release() //nolint:errcheck // released below; a failed rmdir goes stale
	if err := fn(lock); err != nil {
		return err
	}
	return lock.release()
}

// keepMode is the mode of the existing file, or def for a new one.
func keepMode(path string, def fs.FileMode) fs.FileMode {
	if fi, err := os.Stat(path); err == nil {
		return fi.Mode().Perm()
	}
	return def
}
