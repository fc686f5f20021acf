package authstore

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// sqliteHelperEnv selects what TestSQLiteHelperProcess does when the test
// binary runs itself as a child process.
const sqliteHelperEnv = "AUTHSTORE_SQLITE_HELPER"

// TestSQLiteHelperProcess is not a test: it is the body of the child
// processes of the SQLite concurrency test. Mode "moltbot" saves
// AUTHSTORE_N credentials with SaveCredential; mode "openclaw" adds
// AUTHSTORE_N profiles the way openclaw 2026.9.6 writes the shared store
// (BEGIN IMMEDIATE, re-read the row, write the whole row, COMMIT), with
// SQL of its own. Each prints the id of every write that succeeded.
func TestSQLiteHelperProcess(t *testing.T) {
	mode := os.Getenv(sqliteHelperEnv)
	if mode == "" {
		return
	}
	state, worker := os.Getenv("AUTHSTORE_STATE"), os.Getenv("AUTHSTORE_WORKER")
	n, _ := strconv.Atoi(os.Getenv("AUTHSTORE_N"))
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for i := range n {
		id := fmt.Sprintf("anthropic:%s-%d", worker, i)
		var err error
		switch mode {
		case "moltbot":
			p, perr := ResolvePaths("", mapEnv(map[string]string{"OPENCLAW_STATE_DIR": state}), "")
			if perr != nil {
				fmt.Fprintln(os.Stderr, perr)
				os.Exit(3)
			}
			_, err = SaveCredential(context.Background(), p, Credential{ID: id, Provider: "anthropic", Type: TypeAPIKey, Secret: fakeAPI}, SaveOptions{})
		case "openclaw":
			err = openclawLikeAdd(sharedDB(state), id)
		}
		switch {
		case errors.Is(err, ErrLocked):
			fmt.Fprintln(out, "busy", id) // refused, nothing written
		case err != nil:
			fmt.Fprintf(os.Stderr, "%s: %v\n", id, err)
		default:
			fmt.Fprintln(out, "ok", id)
		}
	}
	out.Flush()
	os.Exit(0)
}

// openclawLikeAdd is openclaw's upsert of a profile into the shared store,
// in its own SQL.
func openclawLikeAdd(db, id string) error {
	ctx := context.Background()
	c, err := openSQLite(ctx, db, false)
	if err != nil {
		return err
	}
	defer c.close()
	if _, err := c.conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return dbError(db, err) // busy: a *DatabaseBusyError
	}
	var raw string
	if err := c.conn.QueryRowContext(ctx, `SELECT value_json FROM config_machine_state WHERE state_key = 'authProfiles.store'`).Scan(&raw); err != nil {
		_, _ = c.conn.ExecContext(ctx, "ROLLBACK")
		return err
	}
	doc, err := parseDocument([]byte(raw))
	if err != nil {
		_, _ = c.conn.ExecContext(ctx, "ROLLBACK")
		return err
	}
	profiles, _ := doc.child("profiles")
	profiles.set(id, mustMarshal(map[string]string{"type": "api_key", "provider": "anthropic", "key": fakeAPI}))
	doc.setChild("profiles", profiles)
	if _, err := c.conn.ExecContext(ctx, upsertSQL[stateDB][0], string(doc.marshal()), time.Now().UnixMilli()); err != nil {
		_, _ = c.conn.ExecContext(ctx, "ROLLBACK")
		return err
	}
	_, err = c.conn.ExecContext(ctx, "COMMIT")
	return err
}

// TestSQLiteNoLostWrites: moltbot writers in goroutines and in other
// processes, and a process writing the same row the way openclaw does,
// all at once on one shared store: every write that was acknowledged is
// there at the end.
func TestSQLiteNoLostWrites(t *testing.T) {
	if testing.Short() {
		t.Skip("several processes")
	}
	state := copySample(t, sampleA)
	const perWorker = 20
	type proc struct {
		cmd  *exec.Cmd
		out  strings.Builder
		errb strings.Builder
	}
	var procs []*proc
	for i, mode := range []string{"moltbot", "moltbot", "openclaw", "openclaw"} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestSQLiteHelperProcess$", "-test.count=1")
		cmd.Env = append(os.Environ(), sqliteHelperEnv+"="+mode, "AUTHSTORE_STATE="+state,
			fmt.Sprintf("AUTHSTORE_WORKER=%s%d", mode, i), fmt.Sprintf("AUTHSTORE_N=%d", perWorker))
		pr := &proc{cmd: cmd}
		cmd.Stdout, cmd.Stderr = &pr.out, &pr.errb
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		procs = append(procs, pr)
	}
	var mu sync.Mutex
	var acked, refused []string
	var wg sync.WaitGroup
	p := sqlitePaths(t, state, "")
	for g := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWorker {
				id := fmt.Sprintf("anthropic:goroutine%d-%d", g, i)
				_, err := SaveCredential(context.Background(), p, Credential{ID: id, Provider: "anthropic", Type: TypeAPIKey, Secret: fakeAPI}, SaveOptions{})
				mu.Lock()
				switch {
				case errors.Is(err, ErrLocked):
					refused = append(refused, id)
				case err != nil:
					t.Errorf("%s: %v", id, err)
				default:
					acked = append(acked, id)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	for _, pr := range procs {
		if err := pr.cmd.Wait(); err != nil {
			t.Fatalf("helper: %v\n%s", err, pr.errb.String())
		}
		if pr.errb.Len() > 0 {
			t.Errorf("helper failed writes:\n%s", pr.errb.String())
		}
		for _, line := range strings.Split(strings.TrimSpace(pr.out.String()), "\n") {
			if what, id, ok := strings.Cut(line, " "); ok && what == "ok" {
				acked = append(acked, id)
			} else if ok {
				refused = append(refused, id)
			}
		}
	}
	snap, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range acked {
		if _, ok := snap.Store.Profile(id); !ok {
			t.Errorf("%s was acknowledged but is gone", id)
		}
	}
	// A writer kept waiting past the busy timeout is refused, and then
	// wrote nothing (under heavy load SQLite's busy wait is not fair).
	for _, id := range refused {
		if _, ok := snap.Store.Profile(id); ok {
			t.Errorf("%s was refused but written", id)
		}
	}
	t.Logf("%d writes acknowledged, %d refused as busy", len(acked), len(refused))
	if want := len(acked) + 1; len(snap.Store.Profiles) != want || len(acked)+len(refused) != 7*perWorker || len(refused) > len(acked)/10 {
		t.Errorf("%d profiles, %d acknowledged, %d refused: want every write acknowledged or refused, a few refused at most", len(snap.Store.Profiles), len(acked), len(refused))
	}
}

// TestSQLiteBusy: when the gateway holds the write lock for longer than
// the busy timeout, the write gives up with one line, matching
// ErrLocked, and nothing changes; reads go on meanwhile (WAL).
func TestSQLiteBusy(t *testing.T) {
	defer func(ms int) { sqliteBusyTimeout = ms }(sqliteBusyTimeout)
	sqliteBusyTimeout = 200
	state := copySample(t, sampleA)
	holder, err := openSQLite(context.Background(), sharedDB(state), false)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.close()
	if _, err := holder.conn.ExecContext(context.Background(), "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	p := sqlitePaths(t, state, "")
	if _, err := Load(p); err != nil {
		t.Fatalf("read while the gateway writes: %v", err)
	}
	_, err = SaveCredential(context.Background(), p, Credential{ID: "anthropic:x", Provider: "anthropic", Type: TypeAPIKey, Secret: fakeAPI}, SaveOptions{})
	var be *DatabaseBusyError
	if !errors.Is(err, ErrLocked) || !errors.As(err, &be) || !strings.Contains(err.Error(), "the gateway is writing its database") || !strings.Contains(err.Error(), "try again") {
		t.Fatalf("err %v", err)
	}
	_, _ = holder.conn.ExecContext(context.Background(), "ROLLBACK")
	snap, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := snap.Store.Profile("anthropic:x"); ok {
		t.Error("written anyway")
	}
}

// TestSQLiteCancelBeforeCommit: asked to stop before the commit, nothing
// is written.
func TestSQLiteCancelBeforeCommit(t *testing.T) {
	state := copySample(t, sampleB)
	before := allRows(t, state)
	ctx, cancel := context.WithCancel(context.Background())
	_, err := update(ctx, sqlitePaths(t, state, ""), func(s *Store) error {
		s.PutProfile(Credential{ID: "anthropic:x", Provider: "anthropic", Type: TypeAPIKey, Secret: fakeAPI})
		s.SetOrder("anthropic", []string{"anthropic:x"})
		cancel()
		return nil
	})
	if !errors.Is(err, ErrInterrupted) {
		t.Fatalf("err %v, want ErrInterrupted", err)
	}
	if got := changedRows(t, before, allRows(t, state)); len(got) != 0 {
		t.Errorf("written: %v", got)
	}
}

// TestSQLiteSideFilesKeepOwner: moltbot run as root on a user's databases
// leaves -wal and -shm with the database's owner and mode, as openclaw
// (and the sqlite3 library) does: root-owned side files would lock the
// gateway out of its own database.
func TestSQLiteSideFilesKeepOwner(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root")
	}
	state := copySample(t, sampleB)
	const uid, gid = 65534, 65534
	_ = filepath.Walk(filepath.Dir(state), func(path string, fi os.FileInfo, err error) error {
		if err == nil {
			_ = os.Chown(path, uid, gid)
		}
		return nil
	})
	p := sqlitePaths(t, state, "")
	if _, err := Load(p); err != nil {
		t.Fatal(err)
	}
	if _, err := ClearUsageState(context.Background(), p, []string{"anthropic:manual"}, "", time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := ClearOrder(context.Background(), p, "anthropic"); err != nil {
		t.Fatal(err)
	}
	for _, db := range []string{sharedDB(state), agentDBOf(state, "main")} {
		for _, f := range []string{db, db + "-wal", db + "-shm"} {
			fi, err := os.Stat(f)
			if err != nil {
				t.Errorf("%s: %v", f, err)
				continue
			}
			st := fi.Sys().(*syscall.Stat_t)
			if st.Uid != uid || st.Gid != gid || fi.Mode().Perm() != 0o600 {
				t.Errorf("%s: %d:%d %v, want %d:%d 0600", filepath.Base(f), st.Uid, st.Gid, fi.Mode().Perm(), uid, gid)
			}
		}
	}
}
