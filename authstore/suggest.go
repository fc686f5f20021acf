package authstore

import (
	"sort"
	"strings"
)

// MaxSuggestions is how many "did you mean" candidates Suggest returns at
// most: more would read as a list of everything, not a guess.
const MaxSuggestions = 3

// Suggest returns the candidates close enough to word to be what was meant
// by a typo, closest first (then alphabetical), at most MaxSuggestions:
// those within a few edits (insert, delete, replace, or swap two
// neighbours; one edit for words of up to 4 characters, two up to 8, three
// beyond), and those that word starts, when it has at least 4 characters
// ("anthro" for anthropic). Case and surrounding space are ignored; word
// itself is never suggested. Nothing close gives nil: a guess that is not
// close misleads more than no guess.
func Suggest(word string, candidates []string) []string {
	word = strings.ToLower(strings.TrimSpace(word))
	if word == "" {
		return nil
	}
	limit := 1
	switch n := len([]rune(word)); {
	case n > 8:
		limit = 3
	case n > 4:
		limit = 2
	}
	type match struct {
		name string
		dist int
	}
	var found []match
	seen := map[string]bool{}
	for _, c := range candidates {
		lc := strings.ToLower(strings.TrimSpace(c))
		if lc == "" || lc == word || seen[lc] {
			continue
		}
		seen[lc] = true
		d := editDistance(word, lc)
		if d <= limit || len([]rune(word)) >= 4 && strings.HasPrefix(lc, word) {
			found = append(found, match{c, d})
		}
	}
	sort.Slice(found, func(i, j int) bool {
		if found[i].dist != found[j].dist {
			return found[i].dist < found[j].dist
		}
		return found[i].name < found[j].name
	})
	var out []string
	for i := 0; i < len(found) && i < MaxSuggestions; i++ {
		out = append(out, found[i].name)
	}
	return out
}

// DidYouMean is Suggest's answer as a clause for a message: ` (did you mean
// "a" or "b"?)`, or "" when nothing is close. The names are made safe.
func DidYouMean(word string, candidates []string) string {
	s := Suggest(word, candidates)
	if len(s) == 0 {
		return ""
	}
	quoted := make([]string, len(s))
	for i, c := range s {
		quoted[i] = quote(SafeText(c))
	}
	alts := quoted[0]
	if n := len(quoted); n > 1 {
		alts = strings.Join(quoted[:n-1], ", ") + " or " + quoted[n-1]
	}
	return " (did you mean " + alts + "?)"
}

// editDistance is the optimal string alignment distance between a and b
// (Levenshtein with a swap of two neighbouring characters counting as one
// edit: "openia" is one edit from "openai"), over runes.
func editDistance(a, b string) int {
	s, t := []rune(a), []rune(b)
	// Three rows of the table: two back (for swaps), the last, this one.
	prev2 := make([]int, len(t)+1)
	prev := make([]int, len(t)+1)
	cur := make([]int, len(t)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(s); i++ {
		cur[0] = i
		for j := 1; j <= len(t); j++ {
			cost := 1
			if s[i-1] == t[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && s[i-1] == t[j-2] && s[i-2] == t[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(t)]
}
