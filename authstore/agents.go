package authstore

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
)

// DiscoverAgents lists the agents under stateDir that have a store
// (<state>/agents/<id>/agent/auth-profiles.json), sorted, with the default
// agent first. A missing agents directory is no agents.
func DiscoverAgents(stateDir string) ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(stateDir, "agents"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, e := range entries {
		if !e.IsDir() || !validAgentID(e.Name()) {
			continue
		}
		if _, err := os.Lstat(filepath.Join(stateDir, "agents", e.Name(), "agent", "auth-profiles.json")); err == nil {
			ids = append(ids, e.Name())
		}
	}
	sort.SliceStable(ids, func(i, j int) bool {
		if (ids[i] == DefaultAgent) != (ids[j] == DefaultAgent) {
			return ids[i] == DefaultAgent
		}
		return ids[i] < ids[j]
	})
	return ids, nil
}
