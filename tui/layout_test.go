package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
)

func TestComputeLayout(t *testing.T) {
	tests := []struct {
		w, h     int
		tooSmall bool
		body     rect
		status   rect
		help     rect
	}{
		{0, 0, true, rect{}, rect{}, rect{}},
		{59, 30, true, rect{}, rect{}, rect{}},
		{100, 14, true, rect{}, rect{}, rect{}},
		{60, 15, false, rect{0, 0, 60, 13}, rect{0, 13, 60, 1}, rect{0, 14, 60, 1}},
		{100, 30, false, rect{0, 0, 100, 28}, rect{0, 28, 100, 1}, rect{0, 29, 100, 1}},
		{250, 70, false, rect{0, 0, 250, 68}, rect{0, 68, 250, 1}, rect{0, 69, 250, 1}},
	}
	for _, tt := range tests {
		l := computeLayout(tt.w, tt.h, 1)
		if l.TooSmall != tt.tooSmall || l.Body != tt.body || l.Status != tt.status || l.Help != tt.help {
			t.Errorf("computeLayout(%d, %d) = %+v", tt.w, tt.h, l)
		}
		if !l.TooSmall && l.Body.H+l.Status.H+l.Help.H != tt.h {
			t.Errorf("computeLayout(%d, %d): rows do not add up", tt.w, tt.h)
		}
	}
}

func TestClip(t *testing.T) {
	got := clip("short\na much longer line than fits\n3\n4", 10, 3)
	lines := strings.Split(got, "\n")
	if len(lines) != 3 {
		t.Fatalf("%d lines", len(lines))
	}
	for _, l := range lines {
		if lipgloss.Width(l) != 10 {
			t.Errorf("line %q is %d wide", l, lipgloss.Width(l))
		}
	}
	if lines[1] != "a much lo…" {
		t.Errorf("cut line %q", lines[1])
	}
	if clip("x", 0, 0) != "" {
		t.Error("0×0 is not empty")
	}
}
