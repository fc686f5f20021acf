package views_test

import (
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/moltbot/moltbot/views"
)

// fourStore has anthropic alpha…delta (API keys, least recently used
// first in that order), an override when order is not "", and the
// cooldowns asked for.
func fourStore(order string, cooling ...string) string {
	var usage []string
	for i, id := range []string{"alpha", "bravo", "charlie", "delta", "echo"} {
		u := fmt.Sprintf(`"anthropic:%s": {"lastUsed": %d`, id, ms(time.Duration(i-10)*time.Hour))
		for _, c := range cooling {
			if c == id {
				u += fmt.Sprintf(`, "cooldownUntil": %d`, ms(30*time.Minute))
			}
		}
		usage = append(usage, u+"}")
	}
	prof := func(id string, fill string) string {
		return fmt.Sprintf(`"anthropic:%s": {"type": "api_key", "provider": "anthropic", "key": "sk-ant-api03-FAKE%s"}`, id, strings.Repeat(fill, 60))
	}
	o := ""
	if order != "" {
		o = `"order": {"anthropic": [` + order + `]},`
	}
	return fmt.Sprintf(`{
  "version": 1,
  "profiles": {%s, %s, %s, %s, %s},
  %s
  "usageStats": {%s}
}
`, prof("alpha", "A"), prof("bravo", "B"), prof("charlie", "C"), prof("delta", "D"), prof("echo", "E"), o, strings.Join(usage, ", "))
}

func ids(names ...string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = "anthropic:" + n
	}
	return out
}

var fiveIDs = ids("alpha", "bravo", "charlie", "delta", "echo")

// selectRow puts the cursor on id.
func (f *fixture) selectRow(id string) {
	f.t.Helper()
	f.keys("home")
	for i := 0; i < 10 && f.d.SelectedProfile() != id; i++ {
		f.keys("down")
	}
	if f.d.SelectedProfile() != id {
		f.t.Fatalf("cannot select %s", id)
	}
}

// A profile the user left out of the order stays out when another is
// moved past it: `order set work spare` then j, J in the dashboard used to
// write [work personal spare].
func TestDropKeepsALeftOutProfileOut(t *testing.T) {
	f := newFixture(t, fourStore(`"anthropic:alpha", "anthropic:charlie", "anthropic:delta", "anthropic:echo"`)).start(120, 28)
	// Shown: alpha charlie delta echo, then bravo (not in order).
	f.selectRow("anthropic:echo")
	before := f.readStore()
	f.keys("J") // echo below bravo: only among the left-out
	if f.readStore() != before {
		t.Errorf("the store was written: %v", f.fileOrder("anthropic"))
	}
	if st := f.lastStatus(); !strings.Contains(st, "anthropic:echo stays where it was: it moved only among profiles the order leaves out") {
		t.Errorf("status %q", st)
	}
	f.selectRow("anthropic:delta")
	f.keys("space", "down", "down", "space") // delta to the bottom, past echo and bravo
	want := ids("alpha", "charlie", "echo", "delta")
	if got := f.fileOrder("anthropic"); !reflect.DeepEqual(got, want) {
		t.Errorf("file order %v, want %v (bravo stays out)", got, want)
	}
	if row := rowOf(f.view(), "anthropic:bravo"); !strings.Contains(row, "not in order") {
		t.Errorf("bravo's row: %q", row)
	}
}

// Places set earlier survive later moves: bravo to the top, then delta to
// the top leaves bravo second.
func TestDropKeepsEarlierPlaces(t *testing.T) {
	f := newFixture(t, fourStore("")).start(120, 28)
	if got := f.d.ShownOrder(); !reflect.DeepEqual(got, fiveIDs) {
		t.Fatalf("automatic order %v", got)
	}
	f.selectRow("anthropic:bravo")
	f.keys("space", "home", "space")
	if got := f.fileOrder("anthropic"); !reflect.DeepEqual(got, ids("bravo", "alpha", "charlie", "delta", "echo")) {
		t.Fatalf("after bravo: %v", got)
	}
	f.selectRow("anthropic:delta")
	f.keys("space", "home", "space")
	want := ids("delta", "bravo", "alpha", "charlie", "echo")
	if got := f.fileOrder("anthropic"); !reflect.DeepEqual(got, want) {
		t.Errorf("after delta: %v, want %v", got, want)
	}
	if got := f.d.ShownOrder(); !reflect.DeepEqual(got, want) {
		t.Errorf("shown %v, want %v", got, want)
	}
}

// An order written by someone else while a profile is carried is kept:
// the drop moves the one profile within it, and the status says so.
func TestDropKeepsAnOrderWrittenDuringTheGrab(t *testing.T) {
	f := newFixture(t, fourStore(`"anthropic:alpha", "anthropic:bravo", "anthropic:charlie", "anthropic:delta", "anthropic:echo"`)).start(120, 28)
	f.selectRow("anthropic:bravo")
	f.keys("space", "up")
	// The gateway (or another moltbot) writes a new order meanwhile; the
	// dashboard has not reloaded yet.
	f.writeStore(fourStore(`"anthropic:echo", "anthropic:charlie", "anthropic:alpha", "anthropic:bravo"`))
	f.keys("space")
	want := ids("bravo", "echo", "charlie", "alpha")
	if got := f.fileOrder("anthropic"); !reflect.DeepEqual(got, want) {
		t.Errorf("file order %v, want bravo first in the new order %v (delta stays out)", got, want)
	}
	if st := f.lastStatus(); !strings.Contains(st, "moved anthropic:bravo") || !strings.Contains(st, "changed on disk meanwhile") {
		t.Errorf("status %q", st)
	}
}

// The same when the dashboard reloads during the grab (the live watcher
// saw the write): the other change is kept and the status still says so.
func TestDropAfterAReloadDuringTheGrabSaysTheOrderChanged(t *testing.T) {
	f := newFixture(t, fourStore(`"anthropic:alpha", "anthropic:bravo", "anthropic:charlie", "anthropic:delta", "anthropic:echo"`)).start(120, 28)
	f.selectRow("anthropic:bravo")
	f.keys("space", "up")
	f.writeStore(fourStore(`"anthropic:echo", "anthropic:charlie", "anthropic:alpha", "anthropic:bravo"`))
	f.send(views.FilesChangedMsg{})
	if !f.d.Moving() {
		t.Fatal("the reload ended the move")
	}
	f.keys("home", "space")
	want := ids("bravo", "echo", "charlie", "alpha")
	if got := f.fileOrder("anthropic"); !reflect.DeepEqual(got, want) {
		t.Errorf("file order %v, want %v", got, want)
	}
	if st := f.lastStatus(); !strings.Contains(st, "changed on disk meanwhile") {
		t.Errorf("status %q", st)
	}
}

var rankRE = regexp.MustCompile(`[│▸↕ ]\s*(\d+|–)\s+anthropic:(\w+)`)

// ranks are the numbers the table shows beside each profile.
func ranks(view string) map[string]string {
	out := map[string]string{}
	for _, m := range rankRE.FindAllStringSubmatch(view, -1) {
		out[m[2]] = m[1]
	}
	return out
}

// While a profile is carried, every row's number is where the gateway will
// try it once dropped there: the same rule as after the drop (a profile in
// cooldown is tried last wherever it is shown), and the moved profile's
// detail line agrees.
func TestCarryNumbersAreTheRanksAfterTheDrop(t *testing.T) {
	f := newFixture(t, fourStore(`"anthropic:alpha", "anthropic:bravo", "anthropic:charlie", "anthropic:delta", "anthropic:echo"`, "delta")).start(120, 28)
	if got := f.d.ShownOrder(); !reflect.DeepEqual(got, ids("alpha", "bravo", "charlie", "echo", "delta")) {
		t.Fatalf("shown %v: delta cools down, so it goes last", got)
	}
	for _, steps := range [][]string{{"down"}, {"up"}, {"up", "up"}, {"down", "down"}} {
		t.Run(strings.Join(steps, "+"), func(t *testing.T) {
			f := newFixture(t, fourStore(`"anthropic:alpha", "anthropic:bravo", "anthropic:charlie", "anthropic:delta", "anthropic:echo"`, "delta")).start(120, 28)
			f.selectRow("anthropic:charlie")
			f.keys("space")
			f.keys(steps...)
			carried := ranks(f.view())
			detail := regexp.MustCompile(`tried (\d+)\w\w of (\d+)`).FindStringSubmatch(f.view())
			f.keys("space")
			after := ranks(f.view())
			if !reflect.DeepEqual(carried, after) {
				t.Errorf("numbers while carrying %v, after the drop %v", carried, after)
			}
			if detail == nil || detail[1] != after["charlie"] || detail[2] != "5" {
				t.Errorf("detail %v, charlie is %s of 5 after the drop", detail, after["charlie"])
			}
			if after["delta"] != "5" {
				t.Errorf("delta (cooling down) is %s, want 5", after["delta"])
			}
		})
	}
}

// J on the last profile says why nothing moved (the old "saved" message
// must not stay, as if it had worked).
func TestMoveKeysAtTheEndSayWhy(t *testing.T) {
	f := newFixture(t, fourStore(`"anthropic:alpha", "anthropic:bravo", "anthropic:charlie", "anthropic:delta", "anthropic:echo"`)).start(120, 28)
	f.selectRow("anthropic:echo")
	f.keys("J")
	if st := f.lastStatus(); st != "anthropic:echo is already the last profile; nothing moved" {
		t.Errorf("J on the last: %q", st)
	}
	f.selectRow("anthropic:alpha")
	f.keys("K")
	if st := f.lastStatus(); st != "anthropic:alpha is already the first profile; nothing moved" {
		t.Errorf("K on the first: %q", st)
	}
}
