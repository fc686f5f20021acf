//go:build !linux

package authstore

// Without /proc a pid's start time and namespace are unknown: lock files
// made here are judged by age alone, like a foreign namespace's.
func procStartTime(int) (uint64, bool)      { return 0, false }
func selfStartTime() (uint64, bool)         { return 0, false }
func selfNamespace() (pidns, bootID string) { return "", "" }
func procZombie(int) bool                   { return false }
