package views

// SlowSaveDelay lets the external tests shorten the "still saving" notice
// timer, which their inline command runner would otherwise sleep through.
var SlowSaveDelay = &slowSaveDelay
