package views

// SlowSaveDelay lets the external tests shorten the "still saving" notice
// timer, which their inline command runner would otherwise sleep through.
var SlowSaveDelay = &slowSaveDelay

// LookClaude lets the external tests stand in for the PATH lookup that R
// (renew in place) does before it hands the terminal to claude.
var LookClaude = &lookClaude
