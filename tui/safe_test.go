package tui

import (
	"strings"
	"testing"

	"github.com/moltbot/moltbot/views"
)

// TestStatusLineShowsFileTextAsData: a status message quoting a profile id
// or an error from a file (a save that failed, a probe) is drawn with
// visible escapes: it cannot set the title, write the clipboard or wipe the
// screen.
func TestStatusLineShowsFileTextAsData(t *testing.T) {
	a := loaded(t, newScratch(t, "populated.json"), 100, 30)
	a.Update(views.StatusMsg{Level: views.StatusError, Text: "could not remove anthropic:x\x1b]0;PWNED\x07\x1b]52;c;eA==\x07\u202e\x1b[2J\u009b"})
	v := a.View()
	if !strings.Contains(v, `anthropic:x\x1b]0;PWNED\x07`) {
		t.Errorf("the message is not shown with visible escapes:\n%s", v)
	}
	for _, bad := range []string{"\x1b", "\x07", "\u202e", "\u009b"} {
		if strings.Contains(v, bad) {
			t.Errorf("the frame holds %q", bad)
		}
	}
}
