package authstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// This file is how moltbot opens openclaw's SQLite databases (generation
// D) and reads and writes their auth rows, as openclaw 2026.9.6 does:
// busy_timeout 5 s, BEGIN IMMEDIATE for a write, whole JSON cells, and
// nothing else changed — no journal mode, no user_version, no schema, and
// never a database (or its -wal/-shm) created, deleted or replaced.

// sqliteBusyTimeout is openclaw's busy timeout (ms): how long a writer
// waits for another's write lock.
var sqliteBusyTimeout = 5000 // tests shorten it

// The schema versions (PRAGMA user_version) moltbot knows: those of
// openclaw 2026.9.6. openclaw itself refuses a newer database; so does
// moltbot, rather than guess at a layout it has not seen.
const (
	stateDBVersion = 18
	agentDBVersion = 23
)

// dbKind says which of openclaw's two databases a file is.
type dbKind int

const (
	// stateDB is the shared state/openclaw.sqlite: the auth rows are
	// config_machine_state's 'authProfiles.store' and
	// 'authProfiles.state', beside the 'auth.sharedStore' marker.
	stateDB dbKind = iota
	// agentDB is an agent's openclaw-agent.sqlite: auth_profile_store and
	// auth_profile_state, key 'primary'.
	agentDB
)

func (k dbKind) maxVersion() int {
	if k == stateDB {
		return stateDBVersion
	}
	return agentDBVersion
}

// sqlConn is one connection to one existing database.
type sqlConn struct {
	path     string
	db       *sql.DB
	conn     *sql.Conn
	dev, ino uint64
}

// openSQLite opens the existing database at path with one connection:
// read-only, or read-write without ever creating it. The connection keeps
// -wal and -shm when it closes (PERSIST_WAL) and waits up to 5 s for a
// lock (busy_timeout); nothing else is set.
func openSQLite(ctx context.Context, path string, readOnly bool) (*sqlConn, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err // fs.ErrNotExist: never opened, so never created
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	db, err := sql.Open(sqliteDriver, sqliteDSN(abs, readOnly))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	conn, err := db.Conn(ctx)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	c := &sqlConn{path: path, db: db, conn: conn}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		c.dev, c.ino = uint64(st.Dev), uint64(st.Ino) //nolint:unconvert // int32 on some systems
	}
	if err := conn.Raw(persistWAL); err != nil {
		c.close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA busy_timeout = %d", sqliteBusyTimeout)); err != nil {
		c.close()
		return nil, fmt.Errorf("open %s: %w", path, dbError(path, err))
	}
	return c, nil
}

func (c *sqlConn) close() {
	_ = c.conn.Close()
	_ = c.db.Close()
}

// userVersion is PRAGMA user_version (the schema version openclaw keeps).
func (c *sqlConn) userVersion(ctx context.Context) (int, error) {
	var v int
	if err := c.conn.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return 0, dbError(c.path, err)
	}
	return v, nil
}

// checkVersion refuses a database whose schema is newer than moltbot
// knows.
func (c *sqlConn) checkVersion(ctx context.Context, kind dbKind) error {
	v, err := c.userVersion(ctx)
	if err != nil {
		return err
	}
	if v > kind.maxVersion() {
		return &NewerDatabaseError{Path: c.path, Version: v, Known: kind.maxVersion()}
	}
	return nil
}

// cell is one auth row: its JSON and when it was written (ms).
type cell struct {
	raw []byte // nil when the row is absent
	at  int64
}

func (c cell) present() bool { return c.raw != nil }

// dbCells are the auth rows of one database.
type dbCells struct {
	store, state cell
	marker       cell // the state database's auth.sharedStore
	tables       bool // the auth tables exist
}

const (
	keyStore  = "authProfiles.store"
	keyState  = "authProfiles.state"
	keyMarker = "auth.sharedStore"
)

// readCells reads the auth rows of the database and its schema version
// in one statement (one snapshot of it), and refuses a schema newer than
// moltbot knows. Missing tables read as no rows.
func (c *sqlConn) readCells(ctx context.Context, kind dbKind) (dbCells, error) {
	q := `SELECT 'v', NULL, user_version FROM pragma_user_version
	      UNION ALL SELECT state_key, value_json, updated_at_ms FROM config_machine_state WHERE state_key IN ('auth.sharedStore', 'authProfiles.store', 'authProfiles.state')`
	if kind == agentDB {
		q = `SELECT 'v', NULL, user_version FROM pragma_user_version
		     UNION ALL SELECT 'authProfiles.store', store_json, updated_at FROM auth_profile_store WHERE store_key = 'primary'
		     UNION ALL SELECT 'authProfiles.state', state_json, updated_at FROM auth_profile_state WHERE state_key = 'primary'`
	}
	var out dbCells
	rows, err := c.conn.QueryContext(ctx, q)
	if err != nil {
		if strings.Contains(err.Error(), "no such table") {
			return out, c.checkVersion(ctx, kind)
		}
		return out, dbError(c.path, err)
	}
	defer rows.Close()
	out.tables = true
	for rows.Next() {
		var k string
		var v []byte // NULL: nil, an absent row
		var at sql.NullInt64
		if err := rows.Scan(&k, &v, &at); err != nil {
			return out, dbError(c.path, err)
		}
		ce := cell{raw: v, at: at.Int64}
		switch k {
		case "v":
			if int(at.Int64) > kind.maxVersion() {
				return out, &NewerDatabaseError{Path: c.path, Version: int(at.Int64), Known: kind.maxVersion()}
			}
		case keyStore:
			out.store = ce
		case keyState:
			out.state = ce
		case keyMarker:
			out.marker = ce
		}
	}
	if err := rows.Err(); err != nil {
		return out, dbError(c.path, err)
	}
	return out, nil
}

// The statements openclaw's own writes run (Kysely's insertInto …
// onConflict doUpdateSet), per cell.
var (
	upsertSQL = map[dbKind][2]string{
		stateDB: {
			`INSERT INTO config_machine_state (state_key, value_json, updated_at_ms) VALUES ('authProfiles.store', ?1, ?2) ON CONFLICT (state_key) DO UPDATE SET value_json = ?1, updated_at_ms = ?2`,
			`INSERT INTO config_machine_state (state_key, value_json, updated_at_ms) VALUES ('authProfiles.state', ?1, ?2) ON CONFLICT (state_key) DO UPDATE SET value_json = ?1, updated_at_ms = ?2`,
		},
		agentDB: {
			`INSERT INTO auth_profile_store (store_key, store_json, updated_at) VALUES ('primary', ?1, ?2) ON CONFLICT (store_key) DO UPDATE SET store_json = ?1, updated_at = ?2`,
			`INSERT INTO auth_profile_state (state_key, state_json, updated_at) VALUES ('primary', ?1, ?2) ON CONFLICT (state_key) DO UPDATE SET state_json = ?1, updated_at = ?2`,
		},
	}
	deleteStateSQL = map[dbKind]string{
		stateDB: `DELETE FROM config_machine_state WHERE state_key = 'authProfiles.state'`,
		agentDB: `DELETE FROM auth_profile_state WHERE state_key = 'primary'`,
	}
	// The marker openclaw writes on its first shared write.
	insertMarkerSQL = `INSERT INTO config_machine_state (state_key, value_json, updated_at_ms) VALUES ('auth.sharedStore', '{"location":"state-db"}', ?1) ON CONFLICT (state_key) DO NOTHING`
)

// exec runs one statement of a write.
func (c *sqlConn) exec(ctx context.Context, q string, args ...any) error {
	if _, err := c.conn.ExecContext(ctx, q, args...); err != nil {
		return dbError(c.path, err)
	}
	return nil
}

// dbError says which database an SQLite error came from, and turns
// SQLITE_BUSY into a *DatabaseBusyError.
func dbError(path string, err error) error {
	if err == nil {
		return nil
	}
	if sqliteBusy(err) {
		return &DatabaseBusyError{Path: path}
	}
	var busy *DatabaseBusyError
	if errors.As(err, &busy) {
		return err
	}
	return fmt.Errorf("%s: %w", path, err)
}

// DatabaseBusyError says that another process (the gateway) held a
// database's write lock for longer than the busy timeout (5 s). Nothing
// was changed.
type DatabaseBusyError struct {
	Path string
}

func (e *DatabaseBusyError) Error() string {
	return fmt.Sprintf("the gateway is writing its database (%s); try again (nothing was changed)", e.Path)
}

// Is lets errors.Is(err, ErrLocked) match, as for a JSON store's lock.
func (e *DatabaseBusyError) Is(target error) bool { return target == ErrLocked }

// NewerDatabaseError says that a database's schema is newer than the
// openclaw releases moltbot knows.
type NewerDatabaseError struct {
	Path    string
	Version int // PRAGMA user_version
	Known   int // the newest moltbot knows
}

func (e *NewerDatabaseError) Error() string {
	return fmt.Sprintf("%s has schema version %d (moltbot knows up to %d): this openclaw is newer than moltbot knows; upgrade moltbot", e.Path, e.Version, e.Known)
}

// MissingDatabaseError says that a change must be written to a database
// that does not exist yet. moltbot never creates one (openclaw makes it,
// with its schema, on its first write there): Command is the openclaw
// command that does.
type MissingDatabaseError struct {
	Path    string
	What    string // what would have been written there
	Command string
}

func (e *MissingDatabaseError) Error() string {
	return fmt.Sprintf("%s would be written to %s, which does not exist yet, and moltbot does not create openclaw's databases: run `%s` (it creates it), then try again; nothing was changed", e.What, e.Path, e.Command)
}

// CellError says that an auth row of a database is not the JSON object
// openclaw writes there. moltbot changes nothing in that database.
type CellError struct {
	Path   string
	Key    string // the row
	Reason string
}

func (e *CellError) Error() string {
	return fmt.Sprintf("%s: row %s is not readable: %s (openclaw cannot read it either; `openclaw doctor` may repair it; moltbot changes nothing there)", e.Path, e.Key, e.Reason)
}

// MarkerError says that the state database's auth.sharedStore row holds a
// value openclaw does not accept.
type MarkerError struct {
	Path  string
	Value string
}

func (e *MarkerError) Error() string {
	return fmt.Sprintf("%s: auth.sharedStore is %s, which openclaw does not accept either: run `openclaw doctor --fix`", e.Path, shortJSON([]byte(e.Value)))
}

// roConns holds read-only connections for reuse: opening a database parses
// its schema (a hundred tables), which costs more than reading the rows.
// A process reads the same one or two databases over and over (detection,
// then the store; the dashboard on every reload). A connection is dropped
// when the file at its path is another one (dev/inode), and the least
// recently used goes when there are too many.
var roConns = struct {
	mu      sync.Mutex
	entries map[string]*roEntry
	tick    uint64
}{entries: map[string]*roEntry{}}

const roConnsMax = 8

type roEntry struct {
	mu   sync.Mutex // held while the connection is in use
	c    *sqlConn
	used uint64
}

// withReadConn runs fn on a read-only connection to the existing database
// at path (fs.ErrNotExist when there is none).
func withReadConn(ctx context.Context, path string, fn func(*sqlConn) error) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	var dev, ino uint64
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		dev, ino = uint64(st.Dev), uint64(st.Ino) //nolint:unconvert // int32 on some systems
	}
	roConns.mu.Lock()
	e := roConns.entries[path]
	if e == nil {
		e = &roEntry{}
		roConns.entries[path] = e
		evictReadConns()
	}
	roConns.tick++
	e.used = roConns.tick
	roConns.mu.Unlock()

	e.mu.Lock()
	defer e.mu.Unlock()
	if e.c != nil && (e.c.dev != dev || e.c.ino != ino) {
		e.c.close() // replaced (restored, moved aside): read the new one
		e.c = nil
	}
	if e.c == nil {
		c, err := openSQLite(ctx, path, true)
		if err != nil {
			return err
		}
		e.c = c
	}
	err = fn(e.c)
	if err != nil {
		e.c.close() // start afresh next time
		e.c = nil
	}
	return err
}

// evictReadConns closes the least recently used connections beyond
// roConnsMax. Called with roConns.mu held.
func evictReadConns() {
	for len(roConns.entries) > roConnsMax {
		var oldest string
		var at uint64
		for p, e := range roConns.entries {
			if oldest == "" || e.used < at {
				oldest, at = p, e.used
			}
		}
		e := roConns.entries[oldest]
		delete(roConns.entries, oldest)
		go func() { // may be in use: close once it is free
			e.mu.Lock()
			defer e.mu.Unlock()
			if e.c != nil {
				e.c.close()
				e.c = nil
			}
		}()
	}
}

// closeReadConns closes every cached read-only connection (tests, and a
// benchmark of a cold read).
func closeReadConns() {
	roConns.mu.Lock()
	entries := roConns.entries
	roConns.entries = map[string]*roEntry{}
	roConns.mu.Unlock()
	for _, e := range entries {
		e.mu.Lock()
		if e.c != nil {
			e.c.close()
			e.c = nil
		}
		e.mu.Unlock()
	}
}

// readDB reads the auth rows of the database at path read-only, after
// checking its schema version. A missing database reads as no rows.
func readDB(ctx context.Context, path string, kind dbKind) (dbCells, bool, error) {
	var cells dbCells
	err := withReadConn(ctx, path, func(c *sqlConn) error {
		var err error
		cells, err = c.readCells(ctx, kind)
		return err
	})
	if errors.Is(err, fs.ErrNotExist) {
		return dbCells{}, false, nil
	}
	if err != nil {
		return dbCells{}, true, err
	}
	return cells, true, nil
}

// readMarker reads only the state database's auth.sharedStore row (what
// detection needs, without the credentials). tables is false when the
// database has no config_machine_state table.
func readMarker(ctx context.Context, path string) (marker cell, tables, exists bool, err error) {
	err = withReadConn(ctx, path, func(c *sqlConn) error {
		var v []byte
		qerr := c.conn.QueryRowContext(ctx, `SELECT value_json FROM config_machine_state WHERE state_key = 'auth.sharedStore'`).Scan(&v)
		switch {
		case qerr == nil:
			marker, tables = cell{raw: v}, true
		case errors.Is(qerr, sql.ErrNoRows):
			tables = true
		case strings.Contains(qerr.Error(), "no such table"):
		default:
			return dbError(c.path, qerr)
		}
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) {
		return cell{}, false, false, nil
	}
	return marker, tables, err == nil, err
}

// msTimeOf is a cell's updated_at as a time.
func msTimeOf(ms int64) time.Time {
	if ms <= 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms)
}
