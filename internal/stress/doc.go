// Package stress holds binary-level stress and fault tests for moltbot: the
// tests build the real moltbot binary once and drive it as OS processes
// against one store, beside a process that holds the gateway's lock, while
// killing writers, filling the disk or making it read-only, and on a
// terminal that never answers. The package has no code of its own; see its
// _test.go files.
package stress
