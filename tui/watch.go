package tui

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/fsnotify/fsnotify"

	"github.com/moltbot/moltbot/authstore"
)

// debounce is how long the files must be quiet before one reload: a
// transaction is several events (lock, rename, unlock) and should cost one.
const debounce = 150 * time.Millisecond

// pollEvery is how often the fallback looks when the system cannot watch
// files (tests shorten it).
var pollEvery = time.Second

// dbPollEvery is how often openclaw's SQLite databases are asked whether a
// commit happened (authstore.DBWatch: a stat and a pragma each).
var dbPollEvery = 250 * time.Millisecond

// watcher reports changes to the store, its lock, the config and .env. It
// watches directories, not files (an atomic rename replaces the file and
// would end a file watch), and for a directory that does not exist yet it
// watches the nearest parent that does, moving down as they appear.
type watcher struct {
	names   map[string]bool // files whose changes matter
	dirs    []string        // directories that hold them
	fsw     *fsnotify.Watcher
	changed chan struct{} // one pending notification at most
	done    chan struct{}
	once    sync.Once

	mu      sync.Mutex
	watched map[string]bool
}

// Messages of the watch loop (root only).
type (
	watchStartedMsg struct{ w *watcher }
	filesChangedMsg struct{}
)

// startWatch begins watching paths in a command.
func startWatch(paths authstore.Paths) tea.Cmd {
	return func() tea.Msg { return watchStartedMsg{w: newWatcher(paths)} }
}

// next waits for the next (debounced) change; the root re-issues it after
// each one.
func (w *watcher) next() tea.Cmd {
	return func() tea.Msg {
		select {
		case <-w.changed:
			return filesChangedMsg{}
		case <-w.done:
			return nil
		}
	}
}

func newWatcher(paths authstore.Paths) *watcher { return watchPaths(paths, false) }

// watchPaths watches with fsnotify, or by polling when asked to or when
// the system cannot watch.
func watchPaths(paths authstore.Paths, poll bool) *watcher {
	w := &watcher{
		names:   map[string]bool{},
		changed: make(chan struct{}, 1),
		done:    make(chan struct{}),
		watched: map[string]bool{},
	}
	files := []string{
		paths.Store, paths.Store + ".lock", paths.LegacyAuth, paths.LegacyOAuth, paths.Env, paths.Config,
		// openclaw 2026.4.7–6.1 keep the order and usage apart.
		paths.StateFile,
		filepath.Join(paths.StateDir, "openclaw.json"), filepath.Join(paths.StateDir, "moltbot.json"),
		filepath.Join(paths.StateDir, "clawdbot.json"),
	}
	// The lock is taken on the store's real path; a symlinked store changes
	// where its writes happen.
	for _, f := range []string{paths.Store, paths.Config} {
		if real, err := filepath.EvalSymlinks(f); err == nil && real != f {
			files = append(files, real, real+".lock")
		}
	}
	seen := map[string]bool{}
	for _, f := range files {
		if f == "" {
			continue
		}
		f = filepath.Clean(f)
		w.names[f] = true
		if d := filepath.Dir(f); !seen[d] {
			seen[d] = true
			w.dirs = append(w.dirs, d)
		}
	}
	// openclaw 2026.6.5 and later (SQLite): a commit appends to a -wal
	// file; the databases themselves count commits.
	go w.pollDatabases(authstore.WatchDatabases(paths))
	fsw, err := fsnotify.NewWatcher()
	if poll || err != nil {
		if fsw != nil {
			_ = fsw.Close()
		}
		go w.poll(w.stamps()) // the first look is taken before returning
		return w
	}
	w.fsw = fsw
	w.resync()
	go w.loop()
	return w
}

// Close stops watching.
func (w *watcher) Close() error {
	var err error
	w.once.Do(func() {
		close(w.done)
		if w.fsw != nil {
			err = w.fsw.Close()
		}
	})
	return err
}

// resync watches, for every directory of interest, the directory itself or
// its nearest existing parent. Directories made in quick succession
// (MkdirAll) can appear before the watch on their parent is in place, with
// no event for them: so it looks again after adding watches, until nothing
// new is found.
func (w *watcher) resync() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for range 16 { // a path is never deeper than this below its watch
		want := map[string]bool{}
		for _, d := range w.dirs {
			want[nearestExisting(d)] = true
		}
		added := false
		for d := range want {
			if !w.watched[d] {
				if err := w.fsw.Add(d); err == nil {
					w.watched[d] = true
					added = true
				}
			}
		}
		for d := range w.watched {
			if !want[d] {
				_ = w.fsw.Remove(d)
				delete(w.watched, d)
			}
		}
		if !added {
			return
		}
	}
}

func nearestExisting(dir string) string {
	for {
		if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return dir
		}
		dir = parent
	}
}

// relevant reports whether an event touches a file of interest or one of
// the directories on the way to them (which may have just appeared).
func (w *watcher) relevant(name string) (file, dir bool) {
	name = filepath.Clean(name)
	if w.names[name] {
		return true, false
	}
	for _, d := range w.dirs {
		if d == name || isUnder(d, name) {
			return false, true
		}
	}
	return false, false
}

// isUnder reports whether path lies inside dir.
func isUnder(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != "." && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

func (w *watcher) loop() {
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		select {
		case <-w.done:
			timer.Stop()
			return
		case ev, ok := <-w.fsw.Events:
			if !ok {
				return
			}
			file, dir := w.relevant(ev.Name)
			if dir {
				w.resync() // a directory on the way appeared or went
			}
			if file || dir {
				timer.Reset(debounce)
			}
		case _, ok := <-w.fsw.Errors:
			if !ok {
				return
			}
			// An overflow means events were lost: reload to be sure.
			timer.Reset(debounce)
		case <-timer.C:
			w.notify()
		}
	}
}

func (w *watcher) notify() {
	select {
	case w.changed <- struct{}{}:
	default: // one is already pending
	}
}

// stamp is what polling compares: a file's size, time and existence.
type stamp struct {
	size  int64
	mod   time.Time
	exist bool
}

func (w *watcher) stamps() map[string]stamp {
	m := make(map[string]stamp, len(w.names))
	for n := range w.names {
		fi, err := os.Stat(n)
		if err != nil {
			m[n] = stamp{}
			continue
		}
		m[n] = stamp{size: fi.Size(), mod: fi.ModTime(), exist: true}
	}
	return m
}

// pollDatabases reports a commit to the gateway's SQLite databases (or one
// created or replaced) within dbPollEvery.
func (w *watcher) pollDatabases(dw *authstore.DBWatch) {
	defer dw.Close()
	t := time.NewTicker(dbPollEvery)
	defer t.Stop()
	for {
		select {
		case <-w.done:
			return
		case <-t.C:
			if dw.Changed() {
				w.notify()
			}
		}
	}
}

// poll is the fallback: compare the files' stamps every pollEvery.
func (w *watcher) poll(last map[string]stamp) {
	t := time.NewTicker(pollEvery)
	defer t.Stop()
	for {
		select {
		case <-w.done:
			return
		case <-t.C:
			cur := w.stamps()
			for n, s := range cur {
				if last[n] != s {
					w.notify()
					break
				}
			}
			last = cur
		}
	}
}
