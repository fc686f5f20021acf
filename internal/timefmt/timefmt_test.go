package timefmt

import (
	"testing"
	"time"
)

func TestShort(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{0, "0s"},
		{42 * time.Second, "42s"},
		{4*time.Minute + 9*time.Second, "4m 09s"},
		{3*time.Hour + 12*time.Minute + 59*time.Second, "3h 12m"},
		{24 * time.Hour, "1d"},
		{52 * time.Hour, "2d 4h"},
		{365 * 24 * time.Hour, "365d"},
		{-90 * time.Second, "1m 30s"},
		{1500 * time.Millisecond, "1s"},
	} {
		if got := Short(tc.d); got != tc.want {
			t.Errorf("Short(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}

func TestUntilAndAgo(t *testing.T) {
	now := time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)
	if got := Until(now.Add(52*time.Hour), now); got != "in 2d 4h" {
		t.Errorf("Until future = %q", got)
	}
	if got := Until(now.Add(-3*time.Hour), now); got != "3h 00m ago" {
		t.Errorf("Until past = %q", got)
	}
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{10 * time.Second, "just now"},
		{3 * time.Minute, "3m ago"},
		{5 * time.Hour, "5h ago"},
		{47 * time.Hour, "47h ago"},
		{72 * time.Hour, "3d ago"},
	} {
		if got := Ago(now.Add(-tc.d), now); got != tc.want {
			t.Errorf("Ago(-%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Duration
	}{
		{"30d", 30 * 24 * time.Hour},
		{"12h", 12 * time.Hour},
		{"90m", 90 * time.Minute},
		{"365", 365 * 24 * time.Hour},
		{"1.5", 36 * time.Hour},
		{"1w", 7 * 24 * time.Hour},
		{"1d12h", 36 * time.Hour},
		{" 2h30m ", 150 * time.Minute},
	} {
		got, err := Parse(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("Parse(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "soon", "-3d", "-1", "d", "12x"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%q) accepted", bad)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"30d", "12h", "90m", "365", "1w2d3h", "", "-1", "1e400", "9999999999999d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := Parse(s)
		if err == nil && d < 0 {
			t.Fatalf("Parse(%q) = %v: negative", s, d)
		}
	})
}

// TestWindow: the warn window reads as it would be typed, and reads back
// (Parse) as the same duration.
func TestWindow(t *testing.T) {
	for d, want := range map[time.Duration]string{
		24 * time.Hour:     "24h",
		48 * time.Hour:     "2d",
		72 * time.Hour:     "3d",
		36 * time.Hour:     "36h",
		90 * time.Minute:   "1h 30m",
		time.Hour:          "1h",
		7 * 24 * time.Hour: "7d",
		25*time.Hour + 1e9: "1d 1h",
	} {
		if got := Window(d); got != want {
			t.Errorf("Window(%v) = %q, want %q", d, got, want)
		}
	}
	for _, d := range []time.Duration{24 * time.Hour, 72 * time.Hour, 36 * time.Hour, time.Hour} {
		if back, err := Parse(Window(d)); err != nil || back != d {
			t.Errorf("Parse(Window(%v)) = %v, %v", d, back, err)
		}
	}
}
