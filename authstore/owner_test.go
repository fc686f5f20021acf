package authstore

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// chownTree gives everything under root to uid:gid.
func chownTree(t *testing.T, root string, uid, gid int) {
	t.Helper()
	err := filepath.Walk(root, func(path string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(path, uid, gid)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func ownerOf(t *testing.T, path string) (int, int) {
	t.Helper()
	fi, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	st := fi.Sys().(*syscall.Stat_t)
	return int(st.Uid), int(st.Gid)
}

// TestRootKeepsTheGatewaysOwnership (issue 11, point 5): run as root on a
// state dir that belongs to the gateway's service user (here nobody,
// 65534), every file moltbot replaces keeps that owner and group, and
// every file or directory it creates takes its directory's. Before, the
// store, .bak, config and .env became root's 0600 and the gateway got
// "permission denied" on its own files.
func TestRootKeepsTheGatewaysOwnership(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root (CI runs as root): only root can write files for another user")
	}
	const uid, gid = 65534, 65534
	check := func(t *testing.T, paths ...string) {
		t.Helper()
		for _, path := range paths {
			if u, g := ownerOf(t, path); u != uid || g != gid {
				t.Errorf("%s belongs to %d:%d, want %d:%d", path, u, g, uid, gid)
			}
		}
	}

	t.Run("replaced files", func(t *testing.T) {
		p := newTestPaths(t)
		storeWithOneProfile(t, p)
		writeFile(t, p.Backup, []byte(`{"version":1,"profiles":{}}`))
		writeFile(t, p.Config, []byte("{}\n"))
		writeFile(t, p.Env, []byte("A=1\n"))
		chownTree(t, p.StateDir, uid, gid)
		mustUpdate(t, p, addProfile("openai:a"))
		if err := SetConfigProfile(p, "openai:a", "openai", "api_key"); err != nil {
			t.Fatal(err)
		}
		if err := SetEnvVar(p, "OPENAI_API_KEY", fakeOAI); err != nil {
			t.Fatal(err)
		}
		check(t, p.Store, p.Backup, p.Config, p.Env)
	})

	t.Run("new files and directories", func(t *testing.T) {
		p := newTestPaths(t)
		if err := os.MkdirAll(p.StateDir, 0o700); err != nil {
			t.Fatal(err)
		}
		chownTree(t, p.StateDir, uid, gid)
		mustUpdate(t, p, addProfile("openai:a"))
		mustUpdate(t, p, addProfile("openai:b")) // now with a .bak
		if err := SetConfigProfile(p, "openai:a", "openai", "api_key"); err != nil {
			t.Fatal(err)
		}
		if err := SetEnvVar(p, "OPENAI_API_KEY", fakeOAI); err != nil {
			t.Fatal(err)
		}
		check(t, filepath.Join(p.StateDir, "agents"), filepath.Dir(p.AgentDir), p.AgentDir,
			p.Store, p.Backup, p.Config, p.Env)
	})

	t.Run("a corrupt store moved aside and the backup restored", func(t *testing.T) {
		p := newTestPaths(t)
		writeFile(t, p.Store, []byte("{corrupt"))
		storeWithOneProfile(t, Paths{Store: p.Backup})
		chownTree(t, p.StateDir, uid, gid)
		res, err := QuarantineCorruptStore(t.Context(), p, fixedNow)
		if err != nil || !res.Restored {
			t.Fatalf("%+v, %v", res, err)
		}
		check(t, p.Store, res.MovedTo)
	})
}
