package authstore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// sqliteStorage is generation D (openclaw 2026.6.5 onwards): credentials
// and their state in SQLite, in up to two places per agent (see
// sqlite_merge.go for how they are read as one store):
//
//   - the shared store: the state database's authProfiles.store and
//     authProfiles.state rows when its auth.sharedStore row says
//     {"location":"state-db"}; without that row ("legacy-main") the main
//     agent's own database (agents/main/agent/openclaw-agent.sqlite);
//   - the selected agent's own database, <agent dir>/openclaw-agent.sqlite
//     (for the main agent too, in state-db mode).
//
// A change goes where openclaw 2026.9.6 writes it ("who writes which row"):
// the main agent's credentials to the shared store, another agent's to its
// own database; an order to the selected agent's own database; usage stats
// (cooldowns) and lastGood to the database that holds the profile (or the
// one whose entry the agent sees); a removed profile leaves every row that
// names it. See sqliteTxn.route.
type sqliteStorage struct{}

// sqliteLayout names the databases of one agent.
type sqliteLayout struct {
	shared string // state/openclaw.sqlite
	main   string // the shared main agent's openclaw-agent.sqlite
	own    string // the selected agent's openclaw-agent.sqlite
	isMain bool   // the selected agent is the shared main agent
}

func layoutOf(p Paths) sqliteLayout {
	l := sqliteLayout{shared: p.SharedDB, main: p.MainAgentDB, own: p.AgentDB}
	if l.main == "" {
		l.main = filepath.Join(p.StateDir, "agents", DefaultAgent, "agent", "openclaw-agent.sqlite")
	}
	l.isMain = filepath.Clean(l.main) == filepath.Clean(l.own)
	return l
}

// sharedMode is who owns the shared credentials (auth.sharedStore).
type sharedMode int

const (
	legacyMain  sharedMode = iota // no marker: the main agent's database
	stateDBMode                   // {"location":"state-db"}: the state database
)

// markerMode reads the auth.sharedStore row as openclaw does: absent or
// {"location":"legacy-main"} is legacy-main, {"location":"state-db"} is
// the state database, anything else an error.
func markerMode(path string, c cell) (sharedMode, error) {
	if !c.present() {
		return legacyMain, nil
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(c.raw, &m) == nil && len(m) == 1 {
		switch stringValue(m["location"]) {
		case "state-db":
			return stateDBMode, nil
		case "legacy-main":
			return legacyMain, nil
		}
	}
	return legacyMain, &MarkerError{Path: path, Value: string(c.raw)}
}

// layer is one database's pair of auth rows, parsed, as a transaction
// reads and changes them.
type layer struct {
	path   string
	kind   dbKind
	conn   *sqlConn // nil when the database does not exist (or on a read)
	exists bool
	cells  dbCells

	store, state *object // nil: no row
	staleState   bool    // a state row without its store row (openclaw ignores it)

	// What a transaction changed, and for a refusal's message the last
	// credential and order put here.
	storeTouched, stateTouched  bool
	putID, putType, putProvider string
	orderProvider               string
	orderIDs                    []string
}

func newLayer(path string, kind dbKind, exists bool, cells dbCells) (*layer, error) {
	l := &layer{path: path, kind: kind, exists: exists, cells: cells}
	storeName, stateName := cellNames(kind)
	var err error
	if l.store, err = parseCell(path, storeName, cells.store); err != nil {
		return nil, err
	}
	if l.store == nil {
		l.staleState = cells.state.present()
		return l, nil
	}
	if raw, ok := l.store.get("profiles"); ok && !isObject(raw) && string(raw) != "null" {
		return nil, &CellError{Path: path, Key: storeName, Reason: `"profiles" is not an object`}
	}
	if l.state, err = parseCell(path, stateName, cells.state); err != nil {
		return nil, err
	}
	return l, nil
}

func (l *layer) view() authView {
	if l == nil {
		return authView{}
	}
	return dbView(l.store, l.state)
}

// sqliteRead is what one read (or a transaction's fresh read) found: the
// shared store (base; nil when the selected agent is the shared store
// itself) and the agent's own database.
type sqliteRead struct {
	lay    sqliteLayout
	mode   sharedMode
	shared *layer // the state database (its rows are the base in state-db mode)
	base   *layer
	own    *layer
	// fresh: no marker and nothing anywhere yet, so that openclaw's first
	// shared write would make the state database the shared store (it
	// writes the marker then); a main-agent credential goes there.
	fresh bool
}

func (r *sqliteRead) merged() authView {
	if r.base == nil {
		return r.own.view()
	}
	return mergeViews(r.base.view(), r.own.view())
}

// stored is the storage's answer for what r holds now.
func (r *sqliteRead) stored(s *Store) stored {
	st := stored{store: s}
	var at int64
	for _, l := range []*layer{r.base, r.own} {
		if l == nil {
			continue
		}
		if l.store != nil {
			st.exists = true
		}
		for _, c := range []cell{l.cells.store, l.cells.state} {
			if c.present() {
				at = max(at, c.at)
				st.size += int64(len(c.raw))
			}
		}
	}
	st.modTime = msTimeOf(at)
	// openclaw's resolveAuthStorePathForDisplay: the agent's own database
	// when it has a credentials row, else the shared store.
	switch {
	case r.own != nil && r.own.store != nil:
		st.storePath = r.own.path
	case r.mode == stateDBMode || r.fresh:
		st.storePath = r.lay.shared
	default:
		st.storePath = r.lay.main
	}
	return st
}

// assemble builds the layers from the cells read: which database is the
// shared store, and which the agent's own.
func assemble(p Paths, lay sqliteLayout, get func(path string, kind dbKind) (*layer, error)) (*sqliteRead, error) {
	r := &sqliteRead{lay: lay}
	shared, err := get(lay.shared, stateDB)
	if err != nil {
		return nil, err
	}
	r.shared = shared
	if r.mode, err = markerMode(lay.shared, shared.cells.marker); err != nil {
		return nil, err
	}
	if r.mode == stateDBMode {
		r.base = shared
		if r.own, err = get(lay.own, agentDB); err != nil {
			return nil, err
		}
		return r, nil
	}
	main, err := get(lay.main, agentDB)
	if err != nil {
		return nil, err
	}
	if lay.isMain {
		r.own = main
	} else {
		r.base = main
		if r.own, err = get(lay.own, agentDB); err != nil {
			return nil, err
		}
	}
	// openclaw's first shared write makes the state database the owner
	// when nothing says otherwise (initializeFreshSharedAuthStore).
	if shared.exists && !shared.cells.marker.present() && !shared.cells.store.present() && !shared.cells.state.present() &&
		!main.cells.store.present() && !main.cells.state.present() && len(legacySources(p, filepath.Dir(lay.main), true, true)) == 0 {
		r.fresh = true
	}
	return r, nil
}

func (sqliteStorage) read(p Paths) (stored, error) {
	ctx := context.Background()
	lay := layoutOf(p)
	r, err := assemble(p, lay, func(path string, kind dbKind) (*layer, error) {
		cells, exists, err := readDB(ctx, path, kind)
		if err != nil {
			return nil, err
		}
		return newLayer(path, kind, exists, cells)
	})
	if err != nil {
		return stored{}, err
	}
	return r.stored(storeOfView(r.merged())), nil
}

// update is one write transaction over the databases involved (BEGIN
// IMMEDIATE on each, in a fixed order: state, main agent, selected agent),
// from a fresh read of their rows. Only the rows whose JSON changed are
// written. When a change spans two databases (a shared profile removed
// while the agent's order names it; a main-agent credential saved and
// placed in the order), both are written under their locks and committed
// one after the other — the database whose credentials change first, so
// that a failure in between can leave at worst an order entry naming a
// removed profile (which openclaw skips), never a credential half-saved.
// SQLite cannot commit two WAL databases atomically.
func (sqliteStorage) update(ctx context.Context, p Paths, fn func(*Store) error) (stored, error) {
	lay := layoutOf(p)
	select {
	case <-stopping():
		return stored{}, interrupted(context.Canceled)
	default:
	}
	if err := ctx.Err(); err != nil {
		return stored{}, interrupted(err)
	}
	t := &sqliteTxn{p: p, lay: lay}
	defer t.rollback()
	if err := t.begin(ctx); err != nil {
		return stored{}, err
	}
	lockHeld(ctx)
	r, err := assemble(p, lay, t.layer)
	if err != nil {
		return stored{}, err
	}
	if r.fresh && lay.isMain {
		// The main agent's first credential makes the state database
		// the shared store, as openclaw's first paste does.
		r.base = r.shared
	}
	t.r = r
	hook("store-read")

	before := r.merged()
	t.before = before.profiles
	s := storeOfView(before)
	doc0 := s.doc.marshal()
	if err := fn(s); err != nil {
		return stored{}, err
	}
	if bytes.Equal(doc0, s.doc.marshal()) {
		t.rollback()
		return r.stored(s), nil
	}
	if err := t.route(before, docView(s.doc)); err != nil {
		return stored{}, err
	}
	// Asked to stop (ctrl+c, SIGTERM, SIGHUP) before anything was
	// committed: commit nothing. Once the commits begin they finish.
	if errors.Is(ctx.Err(), context.Canceled) {
		return stored{}, interrupted(ctx.Err())
	}
	if err := t.commit(); err != nil {
		return stored{}, err
	}
	return r.stored(storeOfView(r.merged())), nil
}

// sqliteTxn is one write transaction over up to three databases.
type sqliteTxn struct {
	p     Paths
	lay   sqliteLayout
	r     *sqliteRead
	conns []*sqlConn // open, in BEGIN order, each in a transaction
	byPth map[string]*layer
	token *lockHandle // registers the transaction with WaitIdle
	// before holds the profiles the agent had before the change (the
	// openclaw command in a refusal names only those: it checks them).
	before *part
}

// begin opens every existing database of the agent read-write and takes
// its write lock (BEGIN IMMEDIATE: waits up to the busy timeout for the
// gateway's).
func (t *sqliteTxn) begin(ctx context.Context) error {
	t.byPth = map[string]*layer{}
	// ctrl+c while waiting for a lock gives up the wait.
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-stopping():
			cancel()
		case <-wctx.Done():
		}
	}()
	seen := map[string]bool{}
	for _, path := range []string{t.lay.shared, t.lay.main, t.lay.own} {
		if seen[filepath.Clean(path)] {
			continue
		}
		seen[filepath.Clean(path)] = true
		c, err := openSQLite(wctx, path, false)
		if err != nil {
			if isNotExist(err) {
				continue
			}
			return waitError(ctx, err)
		}
		// Parse the schema before taking the lock (the first statement
		// that reads a table does; openclaw's has a hundred tables): the
		// lock is then held for the read, the change and the write only.
		if _, err := c.conn.ExecContext(wctx, "SELECT 1 FROM sqlite_master WHERE 0"); err != nil {
			c.close()
			return waitError(ctx, dbError(path, err))
		}
		t.conns = append(t.conns, c)
		if t.token == nil {
			t.token = &lockHandle{path: path}
			registerLock(t.token)
		}
		if err := c.exec(wctx, "BEGIN IMMEDIATE"); err != nil {
			c.close()
			t.conns = t.conns[:len(t.conns)-1]
			return waitError(ctx, err)
		}
	}
	return nil
}

// waitError is err, or ErrInterrupted when the wait was given up.
func waitError(ctx context.Context, err error) error {
	select {
	case <-stopping():
		return interrupted(context.Canceled)
	default:
	}
	if ctx.Err() != nil {
		return interrupted(ctx.Err())
	}
	return err
}

// layer reads the rows of the database at path inside the transaction.
func (t *sqliteTxn) layer(path string, kind dbKind) (*layer, error) {
	if l, ok := t.byPth[filepath.Clean(path)]; ok {
		return l, nil
	}
	var c *sqlConn
	for _, cc := range t.conns {
		if filepath.Clean(cc.path) == filepath.Clean(path) {
			c = cc
		}
	}
	var cells dbCells
	if c != nil {
		var err error
		if cells, err = c.readCells(context.Background(), kind); err != nil {
			return nil, err
		}
	}
	l, err := newLayer(path, kind, c != nil, cells)
	if err != nil {
		return nil, err
	}
	l.conn = c
	t.byPth[filepath.Clean(path)] = l
	return l, nil
}

// rollback ends every transaction still open and closes the connections.
func (t *sqliteTxn) rollback() {
	for _, c := range t.conns {
		_, _ = c.conn.ExecContext(context.Background(), "ROLLBACK")
		c.close()
	}
	t.conns = nil
	if t.token != nil {
		unregisterLock(t.token)
		t.token = nil
	}
}

// commit writes every changed row and commits, database by database.
func (t *sqliteTxn) commit() error {
	now := time.Now().UnixMilli()
	type write struct {
		l                   *layer
		store, state        []byte
		delState, marker    bool
		storeDirty, anyWork bool
	}
	var writes []write
	for _, l := range []*layer{t.r.shared, t.r.base, t.r.own} {
		if l == nil || slices.ContainsFunc(writes, func(w write) bool { return w.l == l }) {
			continue
		}
		w := write{l: l}
		if l.storeTouched && l.store != nil {
			if b := compactCell(l.store.marshal()); !bytes.Equal(b, l.cells.store.raw) {
				w.store, w.storeDirty = b, true
			}
		}
		switch {
		case l.stateTouched && l.state != nil && !stateEmpty(l.state):
			if b := compactCell(l.state.marshal()); !bytes.Equal(b, l.cells.state.raw) {
				w.state = b
			}
		case l.cells.state.present() && (l.stateTouched || l.staleState && w.storeDirty):
			// Emptied, or a stale row that the new store row would
			// bring back to life.
			w.delState = true
		}
		w.marker = t.r.fresh && l == t.r.shared && (w.storeDirty || w.state != nil)
		w.anyWork = w.storeDirty || w.state != nil || w.delState
		if w.anyWork {
			if l.conn == nil {
				return t.missing(l)
			}
			writes = append(writes, w)
		}
	}
	// Release the databases that stay as they were.
	var keep []*sqlConn
	for _, c := range t.conns {
		if slices.ContainsFunc(writes, func(w write) bool { return w.l.conn == c }) {
			keep = append(keep, c)
			continue
		}
		_, _ = c.conn.ExecContext(context.Background(), "ROLLBACK")
		c.close()
	}
	t.conns = keep
	// Credentials first (see update).
	slices.SortStableFunc(writes, func(a, b write) int {
		switch {
		case a.storeDirty && !b.storeDirty:
			return -1
		case b.storeDirty && !a.storeDirty:
			return 1
		}
		return 0
	})
	ctx := context.Background()
	for _, w := range writes {
		c, kind := w.l.conn, w.l.kind
		if w.marker {
			if err := c.exec(ctx, insertMarkerSQL, now); err != nil {
				return err
			}
		}
		if w.storeDirty {
			if err := c.exec(ctx, upsertSQL[kind][0], string(w.store), now); err != nil {
				return err
			}
		}
		if w.state != nil {
			if err := c.exec(ctx, upsertSQL[kind][1], string(w.state), now); err != nil {
				return err
			}
		}
		if w.delState {
			if err := c.exec(ctx, deleteStateSQL[kind]); err != nil {
				return err
			}
		}
		if err := c.exec(ctx, "COMMIT"); err != nil {
			return err
		}
		// Done with this one: what was written is what it now holds.
		if w.storeDirty {
			w.l.cells.store = cell{raw: w.store, at: now}
		}
		switch {
		case w.state != nil:
			w.l.cells.state = cell{raw: w.state, at: now}
		case w.delState:
			w.l.cells.state = cell{}
		}
		w.l.staleState = false
		c.close()
		t.conns = slices.DeleteFunc(t.conns, func(x *sqlConn) bool { return x == c })
	}
	return nil
}

// missing is the error for a change that must go to a database that does
// not exist: the openclaw command that creates it (and makes the change).
func (t *sqliteTxn) missing(l *layer) error {
	agent := ""
	if t.p.AgentID != "" {
		agent = " --agent " + t.p.AgentID
	}
	e := &MissingDatabaseError{Path: l.path}
	if l.putID != "" {
		cmd := "paste-token"
		if l.putType == TypeAPIKey {
			cmd = "paste-api-key"
		}
		prov := l.putProvider
		if prov == "" {
			prov = "PROVIDER"
		}
		e.What = "the credential " + l.putID
		e.Command = fmt.Sprintf("openclaw models auth %s%s --provider %s", cmd, agent, prov)
		return e
	}
	prov, ids := "PROVIDER", "PROFILE_ID…"
	e.What = "this change"
	if l.orderProvider != "" {
		prov = l.orderProvider
		e.What = "the order for " + prov
		var known []string
		for _, id := range l.orderIDs {
			if _, ok := t.before.obj().getOK(id); ok {
				known = append(known, id)
			}
		}
		if len(known) > 0 {
			ids = strings.Join(known, " ")
		}
	}
	e.Command = fmt.Sprintf("openclaw models auth order set%s --provider %s %s", agent, prov, ids)
	return e
}

// route writes the difference between the merged store before and after
// an operation into the layers, where openclaw reads each part.
func (t *sqliteTxn) route(before, after authView) error {
	r := t.r
	// 1. Removed profiles leave every row that names them.
	afterP := after.profiles.obj()
	for _, id := range before.profiles.obj().keysOf() {
		if _, kept := afterP.getOK(id); !kept {
			for _, l := range r.layers() {
				l.dropProfile(id)
			}
		}
	}
	now := r.merged()
	nowP := now.profiles.obj()
	// 2. Credentials.
	for _, id := range afterP.keysOf() {
		raw, _ := afterP.getOK(id)
		if old, ok := nowP.getOK(id); ok && bytes.Equal(old, raw) {
			continue
		}
		l := r.credTarget(id)
		if _, ok := nowP.getOK(id); !ok && !r.anyHasProfile(id) {
			raw = openclawKeyOrder(raw)
		}
		l.putProfile(id, raw)
		l.putID, l.putProvider = id, profileProvider(raw)
		members(raw, func(k string, v json.RawMessage) {
			if k == "type" {
				l.putType = stringValue(v)
			}
		})
	}
	// 3. Order: the selected agent's own database.
	nowO, afterO := now.order.obj(), after.order.obj()
	for _, p := range unionKeys(nowO, afterO) {
		raw, ok := afterO.getOK(p)
		old, had := nowO.getOK(p)
		switch {
		case ok && had && bytes.Equal(raw, old):
		case ok:
			r.own.setState("order", p, raw, NormalizeProvider)
			r.own.orderProvider = p
			r.own.orderIDs, _ = orderList(raw)
		default:
			r.own.deleteEverywhere("order", p, NormalizeProvider)
			if r.lay.isMain && r.base != nil {
				// The main agent's order kept in the shared store
				// (imported by openclaw's doctor) is its own too.
				r.base.deleteEverywhere("order", p, NormalizeProvider)
			}
		}
	}
	// 4. lastGood and usage stats: where the agent sees the entry, else
	// with the profile.
	for _, part := range []struct {
		section string
		before  *object
		after   *object
		norm    func(string) string
		id      func(k string, raw json.RawMessage) string
	}{
		{"lastGood", now.lastGood.obj(), after.lastGood.obj(), NormalizeProvider, func(_ string, raw json.RawMessage) string { return stringValue(raw) }},
		{"usageStats", now.usage.obj(), after.usage.obj(), strings.TrimSpace, func(k string, _ json.RawMessage) string { return k }},
	} {
		for _, k := range unionKeys(part.before, part.after) {
			raw, ok := part.after.getOK(k)
			old, had := part.before.getOK(k)
			switch {
			case ok && had && bytes.Equal(raw, old):
			case ok:
				l := r.own
				if !r.own.hasState(part.section, k, part.norm) {
					l = r.holder(part.id(k, raw))
				}
				l.setState(part.section, k, raw, part.norm)
			default:
				for _, l := range r.layers() {
					l.deleteEverywhere(part.section, k, part.norm)
				}
			}
		}
	}
	return nil
}

// layers are the layers a change may touch.
func (r *sqliteRead) layers() []*layer {
	if r.base == nil {
		return []*layer{r.own}
	}
	return []*layer{r.base, r.own}
}

// credTarget is where a credential goes: where the agent sees it now when
// that is its own database; else the shared store for the main agent, the
// agent's own database for any other (openclaw's paste commands).
func (r *sqliteRead) credTarget(id string) *layer {
	if r.own.hasProfile(id) || r.base == nil || !r.lay.isMain {
		return r.own
	}
	return r.base
}

// holder is the layer that holds profile id (its usage stats and lastGood
// go there, as openclaw's usage updates do).
func (r *sqliteRead) holder(id string) *layer {
	if r.base != nil && !r.own.hasProfile(id) && r.base.hasProfile(id) {
		return r.base
	}
	return r.own
}

func (r *sqliteRead) anyHasProfile(id string) bool {
	for _, l := range r.layers() {
		if l.hasProfile(id) {
			return true
		}
	}
	return false
}

func unionKeys(a, b *object) []string {
	keys := slices.Clone(a.keysOf())
	for _, k := range b.keysOf() {
		if _, ok := a.getOK(k); !ok {
			keys = append(keys, k)
		}
	}
	return keys
}

func (l *layer) hasProfile(id string) bool {
	if l.store == nil {
		return false
	}
	profiles, _ := l.store.child("profiles")
	_, ok := profiles.get(id)
	return ok
}

func emptyStoreCell() *object {
	o := newObject()
	o.set("version", json.RawMessage("1"))
	o.set("profiles", json.RawMessage("{}"))
	return o
}

// putProfile sets profile id in the layer's store row (made when absent).
func (l *layer) putProfile(id string, raw json.RawMessage) {
	if l.store == nil {
		l.store = emptyStoreCell()
		if l.staleState {
			l.state = nil // replaced by what is written now
		}
	}
	profiles, _ := l.store.child("profiles")
	profiles.set(id, raw)
	l.store.setChild("profiles", profiles)
	l.storeTouched = true
}

// dropProfile removes profile id from the layer: the credential, and its
// place in every order list, lastGood and usage stats, inline or in the
// state row.
func (l *layer) dropProfile(id string) {
	if l.store == nil {
		return
	}
	if profiles, ok := l.store.child("profiles"); ok && profiles.delete(id) {
		l.store.setChild("profiles", profiles)
		l.storeTouched = true
	}
	for _, o := range []*object{l.store, l.state} {
		if o == nil {
			continue
		}
		l.touch(o)
		if order, ok := o.child("order"); ok {
			changed := false
			for _, k := range slices.Clone(order.keys) {
				var ids []string
				if json.Unmarshal(order.vals[k], &ids) != nil || !slices.Contains(ids, id) {
					continue
				}
				changed = true
				if kept := without(ids, id); len(kept) > 0 {
					order.setValue(k, kept)
				} else {
					order.delete(k)
				}
			}
			if changed {
				setSection(o, "order", order)
			}
		}
		if lg, ok := o.child("lastGood"); ok {
			var gone []string
			for _, k := range lg.keys {
				if strings.TrimSpace(stringValue(lg.vals[k])) == id {
					gone = append(gone, k)
				}
			}
			if len(gone) > 0 {
				lg.deleteAll(gone)
				setSection(o, "lastGood", lg)
			}
		}
		if usage, ok := o.child("usageStats"); ok {
			var gone []string
			for _, k := range usage.keys {
				if strings.TrimSpace(k) == id {
					gone = append(gone, k)
				}
			}
			if len(gone) > 0 {
				usage.deleteAll(gone)
				setSection(o, "usageStats", usage)
			}
		}
	}
}

// setSection stores a state section, or removes it when empty (openclaw
// writes no empty order, lastGood or usageStats).
func setSection(o *object, key string, section *object) {
	if len(section.keys) == 0 {
		o.delete(key)
		return
	}
	if _, ok := o.get(key); ok {
		o.setChild(key, section)
		return
	}
	// A new section goes where openclaw puts it: version, order,
	// lastGood, usageStats.
	canon := []string{"version", "order", "lastGood", "usageStats"}
	rank := slices.Index(canon, key)
	at := len(o.keys)
	for i, k := range o.keys {
		if r := slices.Index(canon, k); r > rank {
			at = i
			break
		}
	}
	o.keys = slices.Insert(o.keys, at, key)
	o.vals[key] = section.marshal()
}

// hasState reports whether the layer holds an entry for key (normalised
// by norm) in section, inline or in its state row.
func (l *layer) hasState(section, key string, norm func(string) string) bool {
	if l.store == nil {
		return false
	}
	for _, o := range []*object{l.store, l.state} {
		if o == nil {
			continue
		}
		if sec, ok := o.child(section); ok {
			for _, k := range sec.keys {
				if norm(k) == key {
					return true
				}
			}
		}
	}
	return false
}

// setState sets section[key] in the layer's state row (made when absent,
// with the store row openclaw needs beside it), replacing any key that
// normalises the same.
func (l *layer) setState(section, key string, raw json.RawMessage, norm func(string) string) {
	if l.store == nil {
		l.store = emptyStoreCell()
		l.state = nil // a stale row is replaced
		l.storeTouched = true
	}
	if l.state == nil {
		l.state = newObject()
		l.state.set("version", json.RawMessage("1"))
	}
	l.stateTouched = true
	sec, _ := l.state.child(section)
	var dup []string
	kept := ""
	for _, k := range sec.keys {
		if norm(k) == key {
			if kept == "" {
				kept = k
			} else {
				dup = append(dup, k)
			}
		}
	}
	sec.deleteAll(dup)
	if kept == "" {
		kept = key
	}
	sec.set(kept, raw)
	setSection(l.state, section, sec)
}

// deleteEverywhere removes section[key] (normalised by norm) from the
// layer, inline and in the state row.
func (l *layer) deleteEverywhere(section, key string, norm func(string) string) {
	if l.store == nil {
		return
	}
	for _, o := range []*object{l.store, l.state} {
		if o == nil {
			continue
		}
		sec, ok := o.child(section)
		if !ok {
			continue
		}
		l.touch(o)
		var gone []string
		for _, k := range sec.keys {
			if norm(k) == key {
				gone = append(gone, k)
			}
		}
		if len(gone) > 0 {
			sec.deleteAll(gone)
			setSection(o, section, sec)
		}
	}
}

// touch marks the row o as possibly changed (commit writes it only when
// its bytes differ).
func (l *layer) touch(o *object) {
	if o == l.store {
		l.storeTouched = true
	} else {
		l.stateTouched = true
	}
}

// stateEmpty reports whether a state row holds nothing but its version.
func stateEmpty(o *object) bool {
	for _, k := range o.keys {
		if k != "version" {
			return false
		}
	}
	return true
}

// openclawKeyOrder puts a new credential's fields in the order openclaw
// writes them: type, provider, email, then expires before the token (a
// token) or the key (an API key); anything else after, as it was.
func openclawKeyOrder(raw json.RawMessage) json.RawMessage {
	o, err := parseObject(raw)
	if err != nil {
		return raw
	}
	canon := []string{"type", "provider", "email", "expires", "token", "key"}
	out := newObject()
	for _, k := range canon {
		if v, ok := o.get(k); ok {
			out.set(k, v)
		}
	}
	for _, k := range o.keys {
		if !slices.Contains(canon, k) {
			out.set(k, o.vals[k])
		}
	}
	return out.marshal()
}

// compactCell is b without insignificant space (a cell written by hand may
// have some; openclaw writes JSON.stringify's compact form).
func compactCell(b []byte) []byte {
	var out bytes.Buffer
	if json.Compact(&out, b) != nil {
		return b
	}
	return out.Bytes()
}

func isNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }
