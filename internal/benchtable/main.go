// Command benchtable reads `go test -bench` output on stdin and prints a
// markdown table with one row per benchmark: the median of its runs (give
// `-count N`) for time and for every other metric it reported.
//
//	go test -run '^$' -bench . -benchmem -count 5 ./... | go run ./internal/benchtable
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
)

// bench is every run of one benchmark: metric unit → values.
type bench struct {
	name    string
	pkg     string
	units   []string // in the order first seen
	samples map[string][]float64
}

func main() {
	benches, err := parse(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(1)
	}
	if len(benches) == 0 {
		fmt.Fprintln(os.Stderr, "benchtable: no benchmark results on stdin (pipe `go test -bench` output in)")
		os.Exit(1)
	}
	write(os.Stdout, benches)
}

// parse reads benchmark lines ("BenchmarkX-2  100  123 ns/op  4 B/op …")
// and the "pkg:" lines that say which package they belong to.
func parse(r io.Reader) ([]*bench, error) {
	var out []*bench
	byName := map[string]*bench{}
	pkg := ""
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1024*1024), 1024*1024)
	for sc.Scan() {
		line := sc.Text()
		if p, ok := strings.CutPrefix(line, "pkg: "); ok {
			pkg = strings.TrimSpace(p)
			continue
		}
		f := strings.Fields(line)
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") || len(f)%2 != 0 {
			continue
		}
		if _, err := strconv.Atoi(f[1]); err != nil {
			continue // not a result line (e.g. a log line starting with the name)
		}
		name := trimProcs(strings.TrimPrefix(f[0], "Benchmark"))
		key := pkg + " " + name
		b := byName[key]
		if b == nil {
			b = &bench{name: name, pkg: pkg, samples: map[string][]float64{}}
			byName[key] = b
			out = append(out, b)
		}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				return nil, fmt.Errorf("%s: %q is not a number", f[0], f[i])
			}
			unit := f[i+1]
			if _, seen := b.samples[unit]; !seen {
				b.units = append(b.units, unit)
			}
			b.samples[unit] = append(b.samples[unit], v)
		}
	}
	return out, sc.Err()
}

// trimProcs drops the "-2" GOMAXPROCS suffix.
func trimProcs(name string) string {
	if i := strings.LastIndexByte(name, '-'); i > 0 {
		if _, err := strconv.Atoi(name[i+1:]); err == nil {
			return name[:i]
		}
	}
	return name
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func write(w io.Writer, benches []*bench) {
	fmt.Fprintln(w, "| benchmark | time/op | other | B/op | allocs/op | runs |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|")
	for _, b := range benches {
		var other []string
		for _, u := range b.units {
			switch u {
			case "ns/op", "B/op", "allocs/op":
			default:
				other = append(other, number(median(b.samples[u]))+" "+u)
			}
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %d |\n", b.name, times.in(b.samples["ns/op"]),
			strings.Join(other, ", "), sizes.in(b.samples["B/op"]), count(b.samples["allocs/op"]), len(b.samples["ns/op"]))
	}
}

// A scale is a unit and how many base units it holds, largest first.
type scale []struct {
	factor float64
	unit   string
}

var (
	times = scale{{1e9, "s"}, {1e6, "ms"}, {1e3, "µs"}, {1, "ns"}}
	sizes = scale{{1e6, "MB"}, {1e3, "KB"}, {1, "B"}} // powers of 1000, as go test's MB/s
)

// in is the median of v in the largest unit of sc that keeps it ≥ 1.
func (sc scale) in(v []float64) string {
	if len(v) == 0 {
		return ""
	}
	m := median(v)
	for _, s := range sc[:len(sc)-1] {
		if m >= s.factor {
			return sig3(m/s.factor) + " " + s.unit
		}
	}
	return number(m) + " " + sc[len(sc)-1].unit
}

func count(v []float64) string {
	if len(v) == 0 {
		return ""
	}
	return number(median(v))
}

// number is v with three significant digits (whole numbers as they are).
func number(v float64) string {
	if v == float64(int64(v)) {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return sig3(v)
}

// sig3 is v with three significant digits, without exponent.
func sig3(v float64) string {
	switch {
	case v >= 100:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case v >= 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}
