package authstore

import (
	"encoding/json"
	"strings"
)

// This file builds the one store document moltbot works on from openclaw's
// SQLite cells, exactly as openclaw 2026.9.6 merges them (persisted.ts):
// inside one database the state cell's order, lastGood and usageStats win
// per key over what the store cell still holds inline; then the selected
// agent's own database wins over the shared one (the "inherited" store):
//
//   - profiles: union per id, the agent's entry whole; the agent's ids first;
//   - order: per provider the agent's list whole; but for a provider the
//     agent has profiles of its own for and no order of its own, while the
//     shared side has one: the agent's ids of that provider, then the shared
//     order, without repeats;
//   - lastGood: per provider, the agent's; dropped when it names no profile;
//   - usageStats: per profile id, the agent's whole entry; dropped for an id
//     with no profile (but for openclaw's inline-api-key:… ids);
//   - an agent database without a store row counts as empty (its state row
//     is ignored), and an agent with nothing of its own sees the shared
//     store as it is.

// authView is what one database says about auth (or the merge of two):
// the parts of a store document, each nil when absent. Keys are
// normalised as openclaw reads them (providers lower-cased with their
// aliases, ids trimmed); values are the cells' own bytes where they are
// kept whole.
type authView struct {
	profiles *object // id → credential
	order    *object // provider → ["id", …]
	lastGood *object // provider → "id"
	usage    *object // id → usage stats
}

func (v authView) empty() bool {
	return v.profiles.len() == 0 && v.order.len() == 0 && v.lastGood.len() == 0 && v.usage.len() == 0
}

// len is the number of keys; 0 for a nil object.
func (o *object) len() int {
	if o == nil {
		return 0
	}
	return len(o.keys)
}

// parseCell parses one auth row as a JSON object (nil for an absent row).
func parseCell(path, key string, c cell) (*object, error) {
	if !c.present() {
		return nil, nil
	}
	o, err := parseDocument(c.raw)
	if err != nil {
		reason := err.Error()
		if ce := corruptFromJSON(c.raw, err); ce.Line > 0 {
			reason = ce.Reason
		}
		return nil, &CellError{Path: path, Key: key, Reason: reason}
	}
	return o, nil
}

// cellNames are the rows' names in errors, per database kind.
func cellNames(kind dbKind) (store, state string) {
	if kind == agentDB {
		return "auth_profile_store 'primary'", "auth_profile_state 'primary'"
	}
	return keyStore, keyState
}

// dbView is what one database's store and state cells say (step 1 of the
// merge).
func dbView(store, state *object) authView {
	var v authView
	if store == nil { // openclaw ignores a state row without its store row
		return v
	}
	v.profiles = newObject()
	if raw, ok := store.get("profiles"); ok && isObject(raw) {
		if p, err := parseObject(raw); err == nil {
			v.profiles = p
		}
	}
	for _, src := range []*object{store, state} {
		if src == nil {
			continue
		}
		if raw, ok := src.get("order"); ok {
			members(raw, func(k string, val json.RawMessage) {
				p := NormalizeProvider(k)
				if ids, ok := orderList(val); ok && p != "" {
					v.order = setIn(v.order, p, mustMarshal(ids))
				}
			})
		}
		if raw, ok := src.get("lastGood"); ok {
			members(raw, func(k string, val json.RawMessage) {
				p := NormalizeProvider(k)
				if id := strings.TrimSpace(stringValue(val)); p != "" && id != "" {
					v.lastGood = setIn(v.lastGood, p, mustMarshal(id))
				}
			})
		}
		if raw, ok := src.get("usageStats"); ok {
			members(raw, func(k string, val json.RawMessage) {
				if id := strings.TrimSpace(k); id != "" && isObject(val) {
					v.usage = setIn(v.usage, id, val) // the whole entry
				}
			})
		}
	}
	return v
}

// orderList reads an order entry as openclaw does: an array of strings,
// trimmed, blanks dropped; an empty list counts as none.
func orderList(raw json.RawMessage) ([]string, bool) {
	var items []json.RawMessage
	if len(raw) == 0 || raw[0] != '[' || json.Unmarshal(raw, &items) != nil {
		return nil, false
	}
	ids := make([]string, 0, len(items))
	for _, it := range items {
		if id := strings.TrimSpace(stringValue(it)); id != "" {
			ids = append(ids, id)
		}
	}
	return ids, len(ids) > 0
}

// setIn sets k in o, making o when it is nil.
func setIn(o *object, k string, v json.RawMessage) *object {
	if o == nil {
		o = newObject()
	}
	o.set(k, v)
	return o
}

// profileProvider is the normalised provider of a credential entry.
func profileProvider(raw json.RawMessage) string {
	var prov string
	members(raw, func(k string, v json.RawMessage) {
		if k == "provider" {
			prov = stringValue(v)
		}
	})
	return NormalizeProvider(prov)
}

// mergeViews is step 2: the agent's own view (own) over the inherited one
// (base), as openclaw's mergeAuthProfileStores.
func mergeViews(base, own authView) authView {
	if own.empty() {
		return base
	}
	var out authView
	out.profiles = newObject()
	for _, id := range own.profiles.keysOf() {
		raw, _ := own.profiles.get(id)
		out.profiles.set(id, raw)
	}
	for _, id := range base.profiles.keysOf() {
		if _, mine := own.profiles.get(id); !mine {
			raw, _ := base.profiles.get(id)
			out.profiles.set(id, raw)
		}
	}

	if base.order != nil || own.order != nil {
		order := newObject()
		for _, src := range []*object{base.order, own.order} {
			for _, k := range src.keysOf() {
				raw, _ := src.get(k)
				order.set(k, raw)
			}
		}
		// Providers the agent has profiles of its own for, in its order.
		var provs []string
		local := map[string][]string{}
		for _, id := range own.profiles.keysOf() {
			raw, _ := own.profiles.get(id)
			p := profileProvider(raw)
			if _, seen := local[p]; !seen {
				provs = append(provs, p)
			}
			local[p] = append(local[p], id)
		}
		for _, p := range provs {
			ownRaw, ownHas := own.order.getOK(p)
			baseRaw, baseHas := base.order.getOK(p)
			switch {
			case ownHas:
				ids, _ := orderList(ownRaw)
				order.set(p, mustMarshal(uniqueIDs(ids)))
			case baseHas:
				ids, _ := orderList(baseRaw)
				order.set(p, mustMarshal(uniqueIDs(append(append([]string(nil), local[p]...), ids...))))
			}
		}
		if order.len() > 0 {
			out.order = order
		}
	}

	has := func(id string) bool { _, ok := out.profiles.get(id); return ok }
	for _, src := range []*object{base.lastGood, own.lastGood} {
		for _, k := range src.keysOf() {
			raw, _ := src.get(k)
			out.lastGood = setIn(out.lastGood, k, raw)
		}
	}
	if out.lastGood != nil {
		var gone []string
		for _, k := range out.lastGood.keys {
			if !has(stringValue(out.lastGood.vals[k])) {
				gone = append(gone, k)
			}
		}
		out.lastGood.deleteAll(gone)
		if out.lastGood.len() == 0 {
			out.lastGood = nil
		}
	}
	for _, src := range []*object{base.usage, own.usage} {
		for _, id := range src.keysOf() {
			raw, _ := src.get(id)
			out.usage = setIn(out.usage, id, raw)
		}
	}
	if out.usage != nil {
		var gone []string
		for _, id := range out.usage.keys {
			if !has(id) && !strings.HasPrefix(id, "inline-api-key:") {
				gone = append(gone, id)
			}
		}
		out.usage.deleteAll(gone)
		if out.usage.len() == 0 {
			out.usage = nil
		}
	}
	return out
}

// keysOf is o's keys; none for a nil object.
func (o *object) keysOf() []string {
	if o == nil {
		return nil
	}
	return o.keys
}

// getOK is get on an object that may be nil.
func (o *object) getOK(k string) (json.RawMessage, bool) {
	if o == nil {
		return nil, false
	}
	return o.get(k)
}

func uniqueIDs(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// viewDoc is the store document of a view:
// {"version":1,"profiles":{…},"order"?,"lastGood"?,"usageStats"?}.
func viewDoc(v authView) *object {
	doc := newObject()
	doc.set("version", json.RawMessage("1"))
	if v.profiles != nil {
		doc.setChild("profiles", v.profiles)
	} else {
		doc.set("profiles", json.RawMessage("{}"))
	}
	for _, part := range []struct {
		key string
		o   *object
	}{{"order", v.order}, {"lastGood", v.lastGood}, {"usageStats", v.usage}} {
		if part.o.len() > 0 {
			doc.setChild(part.key, part.o)
		}
	}
	return doc
}

// docView reads a store document (the one an operation changed) back into
// a view, keys normalised the same way.
func docView(doc *object) authView {
	return dbView(doc, nil)
}

// storeOfView is the *Store of a view.
func storeOfView(v authView) *Store {
	s := &Store{doc: viewDoc(v)}
	s.refresh()
	return s
}
