// Package benchcpu reports a benchmark's CPU time per operation beside its
// wall time. On a machine shared with other jobs the wall time says as
// much about them as about the code; the CPU the process itself used
// (user and system, the garbage collector's included) does not.
package benchcpu

import (
	"syscall"
	"testing"
	"time"
)

// Start begins measuring; the function it returns reports the CPU time
// since then per b.N as "cpu-ms/op". Call it after the setup, and the
// returned function after the loop:
//
//	defer benchcpu.Start(b)()
//	for b.Loop() { … }
func Start(b *testing.B) func() {
	start := cpuTime()
	return func() {
		if b.N > 0 {
			b.ReportMetric(float64((cpuTime()-start).Microseconds())/1000/float64(b.N), "cpu-ms/op")
		}
	}
}

// cpuTime is the user and system time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
