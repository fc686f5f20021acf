package views

import (
	"reflect"
	"testing"
)

func TestWrapParts(t *testing.T) {
	parts := []string{"anthropic:work", "me@work.example", "sk-ant-api03…WWWW", "cooldown 2m 58s"}
	for _, tc := range []struct {
		w, n int
		want []string
	}{
		{100, 2, []string{"anthropic:work · me@work.example · sk-ant-api03…WWWW · cooldown 2m 58s"}},
		{40, 2, []string{"anthropic:work · me@work.example", "sk-ant-api03…WWWW · cooldown 2m 58s"}},
		// One line: everything on it (fitCell cuts it later).
		{40, 1, []string{"anthropic:work · me@work.example · sk-ant-api03…WWWW · cooldown 2m 58s"}},
		// Too narrow for two parts a line: the rest goes on the last line.
		{16, 2, []string{"anthropic:work", "me@work.example · sk-ant-api03…WWWW · cooldown 2m 58s"}},
		{16, 3, []string{"anthropic:work", "me@work.example", "sk-ant-api03…WWWW · cooldown 2m 58s"}},
	} {
		if got := wrapParts(parts, " · ", tc.w, tc.n); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("w=%d n=%d: %q, want %q", tc.w, tc.n, got, tc.want)
		}
	}
	if got := wrapParts([]string{"one"}, " · ", 2, 2); !reflect.DeepEqual(got, []string{"one"}) {
		t.Errorf("a single part: %q", got)
	}
}
