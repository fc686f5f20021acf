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
// aliases, ids trimmed); values are the cells' own bytes.
type authView struct {
	profiles *part // id → credential
	order    *part // provider → ["id", …]
	lastGood *part // provider → "id"
	usage    *part // id → usage stats
}

// part is one section of a view: the bytes of a cell's section when it is
// taken whole (the usual case: parsing a thousand profiles into an object
// and writing them out again would cost more than reading the database),
// or an object built from several.
type part struct {
	raw json.RawMessage
	o   *object
}

func rawPart(raw json.RawMessage) *part { return &part{raw: raw} }

// objPart is o as a part; nil when o has no keys.
func objPart(o *object) *part {
	if o.len() == 0 {
		return nil
	}
	return &part{o: o}
}

// obj is the part as an object (parsed on first use); nil for a nil part.
func (p *part) obj() *object {
	if p == nil {
		return nil
	}
	if p.o == nil {
		o, err := parseObject(p.raw)
		if err != nil {
			o = newObject()
		}
		p.o = o
	}
	return p.o
}

// json is the part's encoding.
func (p *part) json() json.RawMessage {
	if p.o != nil {
		return p.o.marshal()
	}
	return p.raw
}

// len is the number of keys.
func (p *part) len() int {
	switch {
	case p == nil:
		return 0
	case p.o != nil:
		return len(p.o.keys)
	}
	return countMembers(p.raw)
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
	if raw, ok := store.get("profiles"); ok && isObject(raw) {
		v.profiles = rawPart(raw)
	}
	var order, lastGood, usage *object
	var usageRaws []json.RawMessage
	for _, src := range []*object{store, state} {
		if src == nil {
			continue
		}
		if raw, ok := src.get("order"); ok {
			members(raw, func(k string, val json.RawMessage) {
				p := NormalizeProvider(k)
				if ids, ok := orderList(val); ok && p != "" {
					order = setIn(order, p, mustMarshal(ids))
				}
			})
		}
		if raw, ok := src.get("lastGood"); ok {
			members(raw, func(k string, val json.RawMessage) {
				p := NormalizeProvider(k)
				if id := strings.TrimSpace(stringValue(val)); p != "" && id != "" {
					lastGood = setIn(lastGood, p, mustMarshal(id))
				}
			})
		}
		if raw, ok := src.get("usageStats"); ok && isObject(raw) {
			usageRaws = append(usageRaws, raw)
		}
	}
	v.order, v.lastGood = objPart(order), objPart(lastGood)
	if len(usageRaws) == 1 && cleanUsage(usageRaws[0]) {
		if countMembers(usageRaws[0]) > 0 {
			v.usage = rawPart(usageRaws[0])
		}
		return v
	}
	for _, raw := range usageRaws { // per id, the state row's whole entry
		members(raw, func(k string, val json.RawMessage) {
			if id := strings.TrimSpace(k); id != "" && isObject(val) {
				usage = setIn(usage, id, val)
			}
		})
	}
	v.usage = objPart(usage)
	return v
}

// cleanUsage reports whether a usageStats object is as openclaw reads it
// already: ids trimmed and not blank, every entry an object.
//
// (An id written twice is left to the store's reader, which takes the
// last value, as JSON.parse does.)
func cleanUsage(raw json.RawMessage) bool {
	clean := true
	members(raw, func(k string, val json.RawMessage) {
		if k == "" || strings.TrimSpace(k) != k || !isObject(val) {
			clean = false
		}
	})
	return clean
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
	if own.profiles.len() == 0 {
		out.profiles = base.profiles
	} else {
		profiles := newObject()
		ownP, baseP := own.profiles.obj(), base.profiles.obj()
		for _, id := range ownP.keysOf() {
			profiles.set(id, ownP.vals[id])
		}
		for _, id := range baseP.keysOf() {
			if _, mine := ownP.get(id); !mine {
				profiles.set(id, baseP.vals[id])
			}
		}
		out.profiles = &part{o: profiles}
	}

	if base.order != nil || own.order != nil {
		order := newObject()
		baseO, ownO := base.order.obj(), own.order.obj()
		for _, src := range []*object{baseO, ownO} {
			for _, k := range src.keysOf() {
				order.set(k, src.vals[k])
			}
		}
		// Providers the agent has profiles of its own for, in its order.
		var provs []string
		local := map[string][]string{}
		ownP := own.profiles.obj()
		for _, id := range ownP.keysOf() {
			p := profileProvider(ownP.vals[id])
			if _, seen := local[p]; !seen {
				provs = append(provs, p)
			}
			local[p] = append(local[p], id)
		}
		for _, p := range provs {
			ownRaw, ownHas := ownO.getOK(p)
			baseRaw, baseHas := baseO.getOK(p)
			switch {
			case ownHas:
				ids, _ := orderList(ownRaw)
				order.set(p, mustMarshal(uniqueIDs(ids)))
			case baseHas:
				ids, _ := orderList(baseRaw)
				order.set(p, mustMarshal(uniqueIDs(append(append([]string(nil), local[p]...), ids...))))
			}
		}
		out.order = objPart(order)
	}

	// lastGood and usage stats: the agent's per key, then only those of
	// profiles that exist.
	var ids map[string]bool
	has := func(id string) bool {
		if ids == nil {
			ids = map[string]bool{}
			if out.profiles != nil && out.profiles.o != nil {
				for _, k := range out.profiles.o.keys {
					ids[k] = true
				}
			} else if out.profiles != nil {
				members(out.profiles.raw, func(k string, _ json.RawMessage) { ids[k] = true })
			}
		}
		return ids[id]
	}
	if base.lastGood != nil || own.lastGood != nil {
		lg := newObject()
		for _, src := range []*object{base.lastGood.obj(), own.lastGood.obj()} {
			for _, k := range src.keysOf() {
				if has(stringValue(src.vals[k])) {
					lg.set(k, src.vals[k])
				} else {
					lg.delete(k)
				}
			}
		}
		out.lastGood = objPart(lg)
	}
	keep := func(id string) bool { return has(id) || strings.HasPrefix(id, "inline-api-key:") }
	switch {
	case own.usage.len() == 0 && base.usage != nil:
		dropped := false
		members(base.usage.json(), func(id string, _ json.RawMessage) {
			if !keep(id) {
				dropped = true
			}
		})
		if !dropped {
			out.usage = base.usage
			break
		}
		fallthrough
	case base.usage != nil || own.usage != nil:
		usage := newObject()
		for _, src := range []*object{base.usage.obj(), own.usage.obj()} {
			for _, id := range src.keysOf() {
				if keep(id) {
					usage.set(id, src.vals[id])
				}
			}
		}
		out.usage = objPart(usage)
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
		doc.set("profiles", v.profiles.json())
	} else {
		doc.set("profiles", json.RawMessage("{}"))
	}
	for _, sec := range []struct {
		key string
		p   *part
	}{{"order", v.order}, {"lastGood", v.lastGood}, {"usageStats", v.usage}} {
		if sec.p.len() > 0 {
			doc.set(sec.key, sec.p.json())
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
