package authstore

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// Credential types the gateway knows.
const (
	TypeAPIKey = "api_key"
	TypeToken  = "token"
	TypeOAuth  = "oauth"
)

// Profile is one entry of the store's "profiles" object, read-only. Changes
// go through Store methods so that fields we do not know are kept.
type Profile struct {
	ID       string
	Provider string // as written in the file
	Type     string
	Key      string // api_key
	Token    string // token
	Access   string // oauth
	Refresh  string // oauth
	Expires  int64  // ms since the epoch; 0 when absent or not a time the gateway counts
	// ExpiresIgnored is the JSON text of an "expires" that the gateway does
	// not count as a time (a string, null, 0, a negative number…), cut to
	// a few dozen bytes; "" when expires is absent or counts.
	ExpiresIgnored string
	// ExpiresInvalid reports an "expires" that is present but no valid
	// time to openclaw 2026.3.7 and later: not a JSON number, ≤ 0, not
	// finite, or after 8.64e15 (the last time a JavaScript Date holds).
	// Those releases do not use such a token at all (see GatewayRules).
	ExpiresInvalid bool
	Email          string
	AccountID      string
}

// Secret is the credential the gateway would send.
func (p Profile) Secret() string {
	switch p.Type {
	case TypeAPIKey:
		return p.Key
	case TypeToken:
		return p.Token
	case TypeOAuth:
		return p.Access
	}
	return ""
}

// Usable reports whether the gateway could use this profile at all: a known
// type, a provider, and a secret.
func (p Profile) Usable() bool {
	switch p.Type {
	case TypeAPIKey, TypeToken, TypeOAuth:
	default:
		return false
	}
	return NormalizeProvider(p.Provider) != "" && strings.TrimSpace(p.Secret()) != ""
}

// ExpiresAt is Expires as a time; the zero time when absent.
func (p Profile) ExpiresAt() time.Time { return msTime(p.Expires) }

// Usage is one profile's usageStats entry.
type Usage struct {
	LastUsed       int64
	CooldownUntil  int64
	CooldownReason string // "rate_limit", "timeout"… (openclaw)
	DisabledUntil  int64
	DisabledReason string
	// BlockedUntil and BlockedReason: a usage-window block (openclaw
	// 2026.5.12 and later; GatewayRules.Blocked).
	BlockedUntil  int64
	BlockedReason string
	ErrorCount    int
}

// Store is the content of auth-profiles.json. The typed fields are a view of
// the document; every change goes through a method that edits the document
// in place, so unknown fields and key order survive.
type Store struct {
	Version  int
	Profiles []Profile // in file order
	// Order is the store's per-provider order override, keyed as in the file.
	Order    map[string][]string
	LastGood map[string]string
	Usage    map[string]Usage

	doc   *object
	index map[string]int // profile id → position in Profiles
	// rules are the gateway's, for Health; Load sets them from the
	// gateway it found (the zero value: clawdbot's).
	rules GatewayRules
	// dupIDs is set by refresh when "profiles" holds an id twice;
	// duplicates are what ParseStore then found in the file.
	dupIDs     bool
	duplicates []DuplicateProfile
}

// NewStore returns an empty store in the gateway's shape.
func NewStore() *Store {
	doc := newObject()
	doc.setValue("version", 1)
	doc.setChild("profiles", newObject())
	s := &Store{doc: doc}
	s.refresh()
	return s
}

// ParseStore reads a store. A file that is not JSON, or whose "profiles" is
// not an object, is a *CorruptError (path is filled in by the caller).
func ParseStore(data []byte) (*Store, error) {
	if rest, n := trimBOMs(data); n > 0 {
		// Say so, rather than "invalid character 'ï'".
		_, err := parseStore(rest)
		var ce *CorruptError
		switch {
		case err == nil:
			return nil, &CorruptError{Line: 1, Column: 1, Reason: bomReason, BOM: true}
		case errors.As(err, &ce):
			if ce.Line == 1 {
				ce.Column += n // each mark is a character of line 1
			}
			ce.Reason += "; the file also starts with a UTF-8 byte-order mark"
		}
		return nil, err
	}
	return parseStore(data)
}

func parseStore(data []byte) (*Store, error) {
	doc, err := parseDocument(data)
	if err != nil {
		return nil, corruptFromJSON(data, err)
	}
	if raw, ok := doc.get("profiles"); ok {
		if !isObject(raw) {
			ce := &CorruptError{Reason: `"profiles" is not an object`}
			if off := valueOffset(data, "profiles"); off >= 0 {
				ce.Line, ce.Column = lineCol(data, off)
			}
			return nil, ce
		}
	} else {
		doc.setChild("profiles", newObject())
	}
	s := &Store{doc: doc}
	s.refresh()
	if s.dupIDs {
		s.duplicates = duplicateProfiles(data)
	}
	return s, nil
}

// DuplicateProfiles lists the ids the file's "profiles" holds more than
// once, as it was read (a store changed since holds each id once).
func (s *Store) DuplicateProfiles() []DuplicateProfile { return s.duplicates }

// Marshal encodes the store as the gateway writes it.
func (s *Store) Marshal() []byte { return s.doc.marshalFile() }

// Clone returns an independent copy.
func (s *Store) Clone() *Store {
	c, err := ParseStore(s.doc.marshal())
	if err != nil {
		panic("authstore: clone: " + err.Error())
	}
	c.rules = s.rules
	return c
}

// Profile returns the profile with id.
func (s *Store) Profile(id string) (Profile, bool) {
	if i, ok := s.position(id); ok {
		return s.Profiles[i], true
	}
	return Profile{}, false
}

// position is the index of id in Profiles.
func (s *Store) position(id string) (int, bool) {
	if i, ok := s.index[id]; ok && i < len(s.Profiles) && s.Profiles[i].ID == id {
		return i, true
	}
	for i, p := range s.Profiles { // Profiles was changed by hand
		if p.ID == id {
			return i, true
		}
	}
	return 0, false
}

// Credential is what a command or the wizard wants to store.
type Credential struct {
	ID       string
	Provider string
	Type     string // TypeAPIKey or TypeToken (oauth comes from the gateway's own login)
	Secret   string
	Expires  int64 // ms; 0 = none
	Email    string
}

// PutProfile adds or replaces a profile. Replacing a profile of the same type
// updates its secret and expiry in place and keeps every other field it had;
// a profile of another type is replaced whole.
func (s *Store) PutProfile(c Credential) {
	profiles, _ := s.doc.child("profiles")
	prof := newObject()
	if raw, ok := profiles.get(c.ID); ok {
		if old, err := parseObject(raw); err == nil && rawString(old, "type") == c.Type {
			prof = old
		}
	}
	prof.setValue("type", c.Type)
	prof.setValue("provider", c.Provider)
	switch c.Type {
	case TypeAPIKey:
		prof.setValue("key", c.Secret)
	case TypeOAuth:
		prof.setValue("access", c.Secret)
	default:
		prof.setValue("token", c.Secret)
	}
	if c.Expires > 0 {
		prof.setValue("expires", c.Expires)
	} else {
		prof.delete("expires")
	}
	if c.Email != "" {
		prof.setValue("email", c.Email)
	}
	profiles.setChild(c.ID, prof)
	s.doc.setChild("profiles", profiles)
	s.refresh()
}

// RemoveProfile deletes a profile and every reference to it: its usageStats,
// lastGood entries that name it, and its place in every order list.
func (s *Store) RemoveProfile(id string) bool {
	profiles, _ := s.doc.child("profiles")
	if !profiles.delete(id) {
		return false
	}
	s.doc.setChild("profiles", profiles)
	if usage, ok := s.doc.child("usageStats"); ok && usage.delete(id) {
		s.doc.setChild("usageStats", usage)
	}
	if lg, ok := s.doc.child("lastGood"); ok {
		changed := false
		for _, k := range append([]string(nil), lg.keys...) {
			var v string
			if json.Unmarshal(lg.vals[k], &v) == nil && v == id {
				lg.delete(k)
				changed = true
			}
		}
		if changed {
			s.doc.setChild("lastGood", lg)
		}
	}
	if order, ok := s.doc.child("order"); ok {
		changed := false
		for _, k := range append([]string(nil), order.keys...) {
			ids, isList := s.Order[k]
			kept := without(ids, id)
			switch {
			case !isList || len(kept) == len(ids):
			case len(kept) == 0: // an empty override would leave nothing to try
				order.delete(k)
				changed = true
			default:
				order.setValue(k, kept)
				changed = true
			}
		}
		switch {
		case !changed:
		case len(order.keys) == 0:
			s.doc.delete("order")
		default:
			s.doc.setChild("order", order)
		}
	}
	s.refresh()
	return true
}

// SetOrder writes the order override for provider. An existing key that
// normalises to the same provider is reused (the one OrderOverride reads), so
// aliases do not duplicate. An empty list clears the override, as the
// gateway's `order set` does: an empty override would leave the provider
// with no profile to try.
func (s *Store) SetOrder(provider string, ids []string) {
	if len(ids) == 0 {
		s.ClearOrder(provider)
		return
	}
	key := NormalizeProvider(provider)
	if k, ok := s.orderKey(key); ok {
		key = k
	}
	s.setOrderKey(key, ids)
	s.refresh()
}

// orderKey is the key of the store's "order" that holds provider's override
// (provider normalised). With two aliases present the first in sorted order
// wins, so reads and writes agree.
func (s *Store) orderKey(provider string) (string, bool) {
	keys := make([]string, 0, len(s.Order))
	for k := range s.Order {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if NormalizeProvider(k) == provider {
			return k, true
		}
	}
	return "", false
}

func (s *Store) setOrderKey(key string, ids []string) {
	order, _ := s.doc.child("order")
	if ids == nil {
		ids = []string{}
	}
	order.setValue(key, ids)
	s.doc.setChild("order", order)
}

// ClearOrder removes the order override for provider (every alias of it).
// The "order" object itself is removed when it becomes empty, as the gateway
// does.
func (s *Store) ClearOrder(provider string) bool {
	order, ok := s.doc.child("order")
	if !ok {
		return false
	}
	want := NormalizeProvider(provider)
	removed := false
	for _, k := range append([]string(nil), order.keys...) {
		if NormalizeProvider(k) == want {
			order.delete(k)
			removed = true
		}
	}
	if !removed {
		return false
	}
	if len(order.keys) == 0 {
		s.doc.delete("order")
	} else {
		s.doc.setChild("order", order)
	}
	s.refresh()
	return true
}

// OrderOverride returns the store's order for provider, matching aliases.
func (s *Store) OrderOverride(provider string) ([]string, bool) {
	if k, ok := s.orderKey(NormalizeProvider(provider)); ok {
		return s.Order[k], true
	}
	return nil, false
}

// ResetUsage drops the usageStats entry of id (a renewed credential starts
// with a clean slate).
func (s *Store) ResetUsage(id string) bool {
	usage, ok := s.doc.child("usageStats")
	if !ok || !usage.delete(id) {
		return false
	}
	s.doc.setChild("usageStats", usage)
	s.refresh()
	return true
}

// refresh re-derives the typed view from the document. It reads the
// document's text directly, each entry in one pass (no object per
// profile, no count first): a duplicated id keeps its first place and its
// last value, and a duplicated field its last value, as JSON.parse reads
// them.
func (s *Store) refresh() {
	s.Version = 0
	if raw, ok := s.doc.get("version"); ok {
		_ = json.Unmarshal(raw, &s.Version)
	}
	profiles, _ := s.doc.get("profiles")
	s.readProfiles(profiles)
	s.Order = map[string][]string{}
	if raw, ok := s.doc.get("order"); ok {
		members(raw, func(k string, v json.RawMessage) {
			var ids []string
			if json.Unmarshal(v, &ids) == nil {
				s.Order[k] = ids
			} else {
				delete(s.Order, k) // the last value is the one that counts
			}
		})
	}
	s.LastGood = map[string]string{}
	if raw, ok := s.doc.get("lastGood"); ok {
		members(raw, func(k string, v json.RawMessage) {
			var id string
			if json.Unmarshal(v, &id) == nil {
				s.LastGood[k] = id
			} else {
				delete(s.LastGood, k)
			}
		})
	}
	usage, _ := s.doc.get("usageStats")
	s.readUsage(usage)
}

// sized is how many entries an object of size bytes holds, judged from
// the first n entries, which took used bytes, with a little to spare: the
// capacity to give what is read from it, so that a big store is neither
// counted first (a pass over it) nor grown step by step (copies).
func sized(size, used, n int) int {
	if used <= 0 {
		return n
	}
	return n + (size-used)/used*n*21/20 + (size-used)%used*n*21/20/used + 1
}

// estimateAfter is how many entries are read before the rest are sized.
const estimateAfter = 32

// readProfiles reads the "profiles" object in raw into Profiles and index.
func (s *Store) readProfiles(raw []byte) {
	// A new slice every time: a caller ranging over the old one while it
	// removes profiles must not see it rewritten underneath.
	s.Profiles = make([]Profile, 0, estimateAfter)
	s.index = make(map[string]int, estimateAfter)
	s.dupIDs, s.duplicates = false, nil
	if !isObject(raw) {
		return
	}
	_, _ = objectMembers(raw, 0, func(quoted []byte, start int) int {
		id, err := decodeKey(quoted)
		if err != nil {
			return -1
		}
		p := Profile{ID: id}
		end := -1
		if raw[start] == '{' {
			end, _ = objectMembers(raw, start, func(quoted []byte, start int) int {
				end := skipValue(raw, start)
				if end < 0 {
					return -1
				}
				k, err := decodeKey(quoted)
				if err != nil {
					return -1
				}
				p.set(k, raw[start:end:end])
				return end
			})
		}
		if end < 0 { // not an object: the id alone
			if end = skipValue(raw, start); end < 0 {
				return -1
			}
		}
		if len(s.Profiles) == estimateAfter {
			s.grow(sized(len(raw), end, estimateAfter))
		}
		if !s.dupIDs {
			// One map operation per id: a duplicate shows as a map
			// that did not grow (and its first place is then found
			// again, once, below).
			n := len(s.index)
			if s.index[id] = len(s.Profiles); len(s.index) > n {
				s.Profiles = append(s.Profiles, p)
				return end
			}
			s.dupIDs = true
			for i := range s.Profiles {
				s.index[s.Profiles[i].ID] = i
			}
		}
		if i, dup := s.index[id]; dup {
			s.Profiles[i] = p // the first place, the last value
			return end
		}
		s.index[id] = len(s.Profiles)
		s.Profiles = append(s.Profiles, p)
		return end
	})
}

// grow gives Profiles and index room for n profiles.
func (s *Store) grow(n int) {
	if n <= cap(s.Profiles) {
		return
	}
	s.Profiles = append(make([]Profile, 0, n), s.Profiles...)
	index := make(map[string]int, n)
	for id, i := range s.index {
		index[id] = i
	}
	s.index = index
}

// set reads one field of a profile's entry.
func (p *Profile) set(k string, v json.RawMessage) {
	switch k {
	case "type":
		p.Type = typeValue(v)
	case "provider":
		p.Provider = stringValue(v)
	case "key":
		p.Key = stringValue(v)
	case "token":
		p.Token = stringValue(v)
	case "access":
		p.Access = stringValue(v)
	case "refresh":
		p.Refresh = stringValue(v)
	case "email":
		p.Email = stringValue(v)
	case "accountId":
		p.AccountID = stringValue(v)
	case "expires":
		p.Expires, p.ExpiresIgnored, p.ExpiresInvalid = timeValue(v), "", false
		if n, ok := smallUint(v); !ok || n == 0 { // the common case needs no float
			p.ExpiresInvalid = !validTime(v)
		}
		if p.Expires == 0 {
			p.ExpiresIgnored = shortJSON(v)
		}
	}
}

// typeValue is stringValue for a "type": the known types as constants,
// not a copy for each profile.
func typeValue(raw json.RawMessage) string {
	switch string(raw) {
	case `"` + TypeAPIKey + `"`:
		return TypeAPIKey
	case `"` + TypeToken + `"`:
		return TypeToken
	case `"` + TypeOAuth + `"`:
		return TypeOAuth
	}
	return stringValue(raw)
}

// readUsage reads the "usageStats" object in raw (nil: none) into Usage.
func (s *Store) readUsage(raw []byte) {
	s.Usage = map[string]Usage{}
	if !isObject(raw) {
		return
	}
	n := 0
	_, _ = objectMembers(raw, 0, func(quoted []byte, start int) int {
		id, err := decodeKey(quoted)
		if err != nil {
			return -1
		}
		var u Usage
		end := -1
		if raw[start] == '{' {
			end, _ = objectMembers(raw, start, func(quoted []byte, start int) int {
				end := skipValue(raw, start)
				if end < 0 {
					return -1
				}
				k, err := decodeKey(quoted)
				if err != nil {
					return -1
				}
				u.set(k, raw[start:end:end])
				return end
			})
		}
		if end < 0 {
			if end = skipValue(raw, start); end < 0 {
				return -1
			}
			delete(s.Usage, id) // not an object: no entry, as before
			return end
		}
		if n++; n == estimateAfter {
			grown := make(map[string]Usage, sized(len(raw), end, n))
			for k, v := range s.Usage {
				grown[k] = v
			}
			s.Usage = grown
		}
		s.Usage[id] = u
		return end
	})
}

// set reads one field of a usageStats entry.
func (u *Usage) set(k string, v json.RawMessage) {
	switch k {
	case "lastUsed":
		u.LastUsed = intValue(v)
	case "cooldownUntil":
		u.CooldownUntil = timeValue(v)
	case "cooldownReason":
		u.CooldownReason = stringValue(v)
	case "disabledUntil":
		u.DisabledUntil = timeValue(v)
	case "disabledReason":
		u.DisabledReason = stringValue(v)
	case "blockedUntil":
		u.BlockedUntil = timeValue(v)
	case "blockedReason":
		u.BlockedReason = stringValue(v)
	case "errorCount":
		u.ErrorCount = int(intValue(v))
	}
}

// shortJSON is raw cut to at most 40 bytes (on a character boundary), for
// quoting a bad value in a message.
func shortJSON(raw json.RawMessage) string {
	const limit = 40
	if len(raw) <= limit {
		return string(raw)
	}
	cut := limit
	for cut > 0 && !utf8.RuneStart(raw[cut]) {
		cut--
	}
	return string(raw[:cut]) + "…"
}

func rawString(o *object, k string) string {
	raw, _ := o.get(k)
	return stringValue(raw)
}

// rawInt reads a number that may be written as an integer or a float (the
// gateway writes Date.now(), but hand edits may not).
func rawInt(o *object, k string) int64 {
	raw, _ := o.get(k)
	return intValue(raw)
}

func without(ids []string, id string) []string {
	out := make([]string, 0, len(ids))
	for _, x := range ids {
		if x != id {
			out = append(out, x)
		}
	}
	return out
}

func msTime(ms int64) time.Time {
	if ms <= 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms)
}

func quote(s string) string { return fmt.Sprintf("%q", s) }
