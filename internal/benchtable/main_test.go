package main

import (
	"bytes"
	"strings"
	"testing"
)

const sample = `goos: linux
goarch: amd64
pkg: example.com/a
cpu: AMD EPYC
BenchmarkUpdate100-2   	     211	   5000000 ns/op	  421105 B/op	    1828 allocs/op
BenchmarkUpdate100-2   	     211	   3000000 ns/op	  421105 B/op	    1828 allocs/op
BenchmarkUpdate100-2   	     211	   1000000 ns/op	  421105 B/op	    1830 allocs/op
BenchmarkScanner-2   	      40	  28401517 ns/op	 147.73 MB/s	    1648 B/op	       4 allocs/op
BenchmarkScanner-2   	      40	  20000000 ns/op	 250.00 MB/s	    1648 B/op	       4 allocs/op
BenchmarkProcess/version-2         	     385	   3038910 ns/op	         8.758 max-RSS-MiB
ok  	example.com/a	4.757s
pkg: example.com/b
BenchmarkUpdate100-2   	     9	   950 ns/op
BenchmarkUpdate100 says something in a log line
`

func TestTableHasTheMedianOfEachBenchmark(t *testing.T) {
	benches, err := parse(strings.NewReader(sample))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	write(&out, benches)
	want := `| benchmark | time/op | other | B/op | allocs/op | runs |
|---|---|---|---|---|---|
| Update100 | 3.00 ms |  | 421 KB | 1828 | 3 |
| Scanner | 24.2 ms | 199 MB/s | 1.65 KB | 4 | 2 |
| Process/version | 3.04 ms | 8.76 max-RSS-MiB |  |  | 1 |
| Update100 | 950 ns |  |  |  | 1 |
`
	if got := out.String(); got != want {
		t.Errorf("table:\n%s\nwant:\n%s", got, want)
	}
}

func TestBadNumberIsAnError(t *testing.T) {
	if _, err := parse(strings.NewReader("BenchmarkX-2 10 abc ns/op\n")); err == nil || !strings.Contains(err.Error(), `"abc"`) {
		t.Errorf("err = %v, want one naming the bad number", err)
	}
}
