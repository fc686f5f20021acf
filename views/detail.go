package views

import (
	"fmt"
	"strconv"
	"time"

	"github.com/charmbracelet/lipgloss"

	"github.com/moltbot/moltbot/authstore"
	"github.com/moltbot/moltbot/internal/timefmt"
)

// This file is the detail pane under the profile table: the selected row
// in full (ids and emails the table had to cut, the exact expiry, why the
// gateway skips it, where it is tried, the last probe), in the lines the
// layout gives it.

// detailPane is the detail pane's model: its size. What it describes is
// given per frame (detailInfo).
type detailPane struct {
	width, height int
	order         orderMemo
}

// orderMemo is the order line as last computed: it changes only with the
// report (a new one comes whenever the data, a pending move or the time
// changes what it says), so frames in between reuse it.
type orderMemo struct {
	gen      int
	provider string
	parts    []string
}

// orderLine is the order line of provider for report generation gen,
// computed by diff when it is not known yet.
func (p *detailPane) orderLine(gen int, provider string, diff func() []string) []string {
	if p.order.parts == nil || p.order.gen != gen || p.order.provider != provider {
		p.order = orderMemo{gen: gen, provider: provider, parts: diff()}
	}
	return p.order.parts
}

// detailInfo is the row to describe and what the table knows about it.
type detailInfo struct {
	row profileRow
	now time.Time
	// renewKey names the key that renews the row's token when that is
	// due (expiring or expired); "" otherwise.
	renewKey string
	// total is the number of profiles in the order (while a profile is
	// carried: in the order after the drop).
	total int
	// probe is the last probe of the row ("probe ✓ ok 212ms"), if any.
	probe string
	// inOrderKey names the key that puts a profile the order's list leaves
	// out back in, clearKey the one that clears a running cooldown; "" when
	// it cannot now.
	inOrderKey, clearKey string
	// order is how the provider's order differs from the list it comes
	// from, and why (orderDiff): shown under the row when there is room.
	order []string
}

// SetSize sets the pane's width and lines.
func (p *detailPane) SetSize(w, h int) { p.width, p.height = max(w, 0), max(h, 0) }

// View describes info.row in at most the pane's lines, broken between
// parts.
func (p *detailPane) View(st DashboardStyles, info detailInfo) []string {
	if p.height <= 0 {
		return nil
	}
	parts := detailParts(info)
	rows := p.height
	if len(info.order) > 0 && p.height >= 3 {
		rows = p.height - 1 // the order's line below
	}
	lines := wrapParts(parts, " · ", p.width-1, rows)
	if len(info.order) > 0 && p.height >= 3 {
		lines = append(lines, wrapParts(info.order, " · ", p.width-1, p.height-len(lines))...)
	}
	for i, l := range lines {
		lines[i] = st.Dim.Render(fitCell(" "+l, p.width))
	}
	return lines
}

// need is how many lines of width w describe info whole (the order's line
// not counted).
func (p *detailPane) need(info detailInfo, w int) int {
	return len(wrapParts(detailParts(info), " · ", w-1, 1<<10))
}

// detailParts are the pieces of the description, in the order shown.
func detailParts(info detailInfo) []string {
	r, now := info.row, info.now
	parts := []string{r.label}
	if r.env {
		parts = append(parts, r.mask, noteText(r, now), "read-only")
	} else {
		if r.email != "" {
			parts = append(parts, r.email)
		}
		if r.mask != "" {
			parts = append(parts, r.mask)
		}
		if !r.health.ExpiresAt.IsZero() {
			verb := "expires "
			if !r.health.ExpiresAt.After(now) {
				verb = "expired "
			}
			parts = append(parts, verb+r.health.ExpiresAt.In(now.Location()).Format("2006-01-02 15:04"))
			if info.renewKey != "" {
				parts = append(parts, info.renewKey+" renews it")
			}
		}
		if r.excluded != "" {
			parts = append(parts, "not tried: "+r.excluded)
			if notListed(r.excluded) && info.inOrderKey != "" {
				parts = append(parts, info.inOrderKey+" puts it back")
			}
		}
		if r.health.Unusable != "" && r.health.Until.After(now) {
			// Two parts, so that a narrow pane breaks between them
			// rather than cutting off how long it lasts.
			parts = append(parts, unusableWhat(r.health.Unusable, r.health.Reason), cooldownUntil(r, now))
			if info.clearKey != "" {
				parts = append(parts, info.clearKey+" clears it")
			}
		}
		if !r.lastUsed.IsZero() {
			parts = append(parts, "used "+timefmt.Ago(r.lastUsed, now))
		}
		if r.rank > 0 {
			parts = append(parts, fmt.Sprintf("tried %s of %d", ordinal(r.rank), info.total))
		}
	}
	if info.probe != "" {
		parts = append(parts, authstore.SafeText(info.probe))
	}
	return parts
}

// wrapParts joins parts with sep into lines of at most w columns, breaking
// only between parts, in at most n lines; what is left over goes on the
// last line, which fitCell then cuts with "…".
func wrapParts(parts []string, sep string, w, n int) []string {
	var lines []string
	cur := ""
	for _, p := range parts {
		switch {
		case cur == "":
			cur = p
		case len(lines) < n-1 && lipgloss.Width(cur+sep+p) > w:
			lines = append(lines, cur)
			cur = p
		default:
			cur += sep + p
		}
	}
	return append(lines, cur)
}

func ordinal(n int) string {
	switch {
	case n%100 >= 11 && n%100 <= 13:
		return strconv.Itoa(n) + "th"
	case n%10 == 1:
		return strconv.Itoa(n) + "st"
	case n%10 == 2:
		return strconv.Itoa(n) + "nd"
	case n%10 == 3:
		return strconv.Itoa(n) + "rd"
	}
	return strconv.Itoa(n) + "th"
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
