package authstore

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"
)

// DBWatch tells a dashboard when openclaw's SQLite databases of an agent
// (generation D) have changed: a commit by any connection, a database
// created (openclaw makes an agent's on its first write there) or
// replaced. A commit only appends to the -wal file, which a watch on the
// files sees poorly (and opening a database as root changes its side
// files' owner, an event of its own); SQLite counts commits instead:
// PRAGMA data_version on a connection held open changes whenever another
// connection has committed. Changed costs a stat and a pragma per
// database (microseconds): call it a few times a second.
type DBWatch struct {
	mu  sync.Mutex
	dbs []*watchedDB
}

type watchedDB struct {
	path    string
	c       *sqlConn // held read-only connection; nil when not open
	st      fileStamp
	version int64
}

// fileStamp is what a stat says of a database file.
type fileStamp struct {
	exists   bool
	dev, ino uint64
	size     int64
	mod      time.Time
}

func stampOf(path string) fileStamp {
	fi, err := os.Stat(path)
	if err != nil {
		return fileStamp{}
	}
	s := fileStamp{exists: true, size: fi.Size(), mod: fi.ModTime()}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		s.dev, s.ino = uint64(st.Dev), uint64(st.Ino) //nolint:unconvert // int32 on some systems
	}
	return s
}

// WatchDatabases starts watching the databases p's credentials live in:
// the shared state database, the main agent's and the selected agent's.
// What they hold now is the baseline for the first Changed.
func WatchDatabases(p Paths) *DBWatch {
	lay := layoutOf(p)
	w := &DBWatch{}
	seen := map[string]bool{}
	for _, path := range []string{lay.shared, lay.main, lay.own} {
		if path == "" || seen[filepath.Clean(path)] {
			continue
		}
		seen[filepath.Clean(path)] = true
		d := &watchedDB{path: path}
		d.look()
		w.dbs = append(w.dbs, d)
	}
	return w
}

// Changed reports whether any of the databases changed since the last
// call (or since WatchDatabases).
func (w *DBWatch) Changed() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	changed := false
	for _, d := range w.dbs {
		if d.look() {
			changed = true
		}
	}
	return changed
}

// Close closes the held connections.
func (w *DBWatch) Close() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, d := range w.dbs {
		d.drop()
	}
	w.dbs = nil
}

// look compares the database with what was seen last, and remembers it.
func (d *watchedDB) look() bool {
	st := stampOf(d.path)
	if st.exists != d.st.exists || st.dev != d.st.dev || st.ino != d.st.ino {
		// Created, removed or replaced: the held connection (if any)
		// reads the old file.
		d.drop()
		d.st = st
		d.open()
		return true
	}
	if d.c == nil {
		d.open() // not an openclaw database before, or could not open
		changed := st != d.st
		d.st = st
		return changed
	}
	d.st = st
	v, ok := d.dataVersion()
	if !ok {
		d.drop()
		return true
	}
	if v != d.version {
		d.version = v
		return true
	}
	return false
}

// open holds a read-only connection to the database when it is one of
// openclaw's (schema version above 1: see isOpenclawStateDB).
func (d *watchedDB) open() {
	if v, ok := sqliteUserVersion(d.path); !ok || v <= 1 {
		return
	}
	c, err := openSQLite(context.Background(), d.path, true)
	if err != nil {
		return
	}
	d.c = c
	if v, ok := d.dataVersion(); ok {
		d.version = v
	} else {
		d.drop()
	}
}

func (d *watchedDB) dataVersion() (int64, bool) {
	var v int64
	if err := d.c.conn.QueryRowContext(context.Background(), "PRAGMA data_version").Scan(&v); err != nil {
		return 0, false
	}
	return v, true
}

func (d *watchedDB) drop() {
	if d.c != nil {
		d.c.close()
		d.c = nil
	}
}
