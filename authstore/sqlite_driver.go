package authstore

// The only file that imports the SQLite driver (see the README's "Gateway
// versions"): modernc.org/sqlite is SQLite 3.54 translated to Go, so that
// CGO_ENABLED=0 builds keep working, and it creates a database's -wal and
// -shm files the way the C library does, with the database's owner and mode
// (the other pure-Go driver made them root-owned and world-readable next to
// a user's 0600 database when run as root).

import (
	"errors"
	"net/url"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

const sqliteDriver = "sqlite"

// sqliteDSN names an existing database for database/sql: read-only, or
// read-write but never created (SQLite's mode=rw leaves out
// SQLITE_OPEN_CREATE, so a missing file fails to open instead of being
// made). No other parameter: journal mode, synchronous and the rest stay
// as the gateway set them.
func sqliteDSN(abs string, readOnly bool) string {
	mode := "rw"
	if readOnly {
		mode = "ro"
	}
	u := url.URL{Scheme: "file", Path: abs, RawQuery: "mode=" + mode}
	return u.String()
}

// persistWAL sets SQLITE_FCNTL_PERSIST_WAL on a driver connection, so that
// closing the last connection leaves -wal and -shm in place, as the gateway
// leaves them (it checks that the side files it has open are still the
// ones at those paths).
func persistWAL(driverConn any) error {
	fc, ok := driverConn.(sqlite.FileControl)
	if !ok {
		return errors.New("the SQLite driver cannot set PERSIST_WAL")
	}
	_, err := fc.FileControlPersistWAL("main", 1)
	return err
}

// sqliteBusy reports whether err is SQLITE_BUSY (or one of its extended
// codes): another connection held the write lock for longer than the busy
// timeout.
func sqliteBusy(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_BUSY
}
