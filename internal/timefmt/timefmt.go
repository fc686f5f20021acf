// Package timefmt turns durations into the short forms moltbot shows
// ("2d 4h", "3h 12m", "4m 09s", "3h ago") and reads the durations users type
// ("30d", "12h", "90m", a bare number of days).
package timefmt

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/xhit/go-str2duration/v2"
)

// Short formats d with its two most significant units: "2d 4h", "3h 12m",
// "4m 09s", "42s". Negative durations are formatted by their magnitude.
func Short(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	d = d.Truncate(time.Second)
	days := int64(d / (24 * time.Hour))
	h := int64(d/time.Hour) % 24
	m := int64(d/time.Minute) % 60
	s := int64(d/time.Second) % 60
	switch {
	case days >= 100: // whole days, rounded: a year's token shows "365d", not "364d"
		return fmt.Sprintf("%dd", int64((d+12*time.Hour)/(24*time.Hour)))
	case days > 0 && h == 0:
		return fmt.Sprintf("%dd", days)
	case days > 0:
		return fmt.Sprintf("%dd %dh", days, h)
	case h > 0:
		return fmt.Sprintf("%dh %02dm", h, m)
	case m > 0:
		return fmt.Sprintf("%dm %02ds", m, s)
	}
	return fmt.Sprintf("%ds", s)
}

// Until says how long until t from now: "in 2d 4h", or "3h 12m ago" when t
// has passed.
func Until(t, now time.Time) string {
	d := t.Sub(now)
	if d <= 0 {
		return Short(-d) + " ago"
	}
	return "in " + Short(d)
}

// Ago says how long ago t was, coarsely (one unit): "just now", "3m ago",
// "5h ago", "2d ago".
func Ago(t, now time.Time) string {
	d := now.Sub(t)
	switch {
	case d < 0:
		return "in " + Short(-d)
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%dm ago", int(d/time.Minute))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh ago", int(d/time.Hour))
	}
	return fmt.Sprintf("%dd ago", int(d/(24*time.Hour)))
}

// maxDays keeps durations far from time.Duration's ~292-year limit.
const maxDays = 100 * 365

// Parse reads a duration as users type it: "30d", "12h", "90m", "1w",
// "1d12h", Go forms like "1h30m", or a bare number meaning days.
func Parse(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("empty duration: use a number with d, h or m, like 30d")
	}
	if n, err := strconv.ParseFloat(s, 64); err == nil || errors.Is(err, strconv.ErrRange) {
		switch {
		case n < 0 || math.IsNaN(n):
			return 0, fmt.Errorf("duration %q is not a positive number of days", s)
		case n > maxDays:
			return 0, fmt.Errorf("duration %q is too long: at most %d days", s, maxDays)
		}
		return time.Duration(n * float64(24*time.Hour)), nil
	}
	d, err := str2duration.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("cannot read duration %q: use a number with d, h or m, like 30d, 12h or 90m", s)
	}
	if d < 0 || d > maxDays*24*time.Hour {
		return 0, fmt.Errorf("duration %q is out of range: use 0 to %d days", s, maxDays)
	}
	return d, nil
}

// Window shows a warn window the way people say it: "24h", "3d", "90m"
// (whole days from two days up, else whole hours, else Short).
func Window(d time.Duration) string {
	if d%(24*time.Hour) == 0 && d >= 48*time.Hour {
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	}
	if d%time.Hour == 0 {
		return fmt.Sprintf("%dh", d/time.Hour)
	}
	return Short(d)
}
