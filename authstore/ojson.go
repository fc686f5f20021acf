package authstore

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"
)

// object is a JSON object that remembers the order of its keys and keeps
// every value as raw bytes. The gateway writes its files with JavaScript's
// JSON.stringify, which keeps insertion order; keeping the same order (and
// every field we do not understand) means our writes change only what the
// user asked to change.
type object struct {
	keys []string
	vals map[string]json.RawMessage
}

func newObject() *object {
	return &object{vals: map[string]json.RawMessage{}}
}

// parseDocument reads a whole file that must hold one JSON object. It
// validates the text first: every value kept in an object is then known to
// be valid JSON (parseObject does not check again), a syntax error carries
// the offset of the offending byte in the file, and anything after the
// object is refused, as JSON.parse refuses it. Every byte slice that enters
// an object comes from here or from mustMarshal.
func parseDocument(data []byte) (*object, error) {
	var top []topMember
	if !validDocument(data, &top) {
		var raw json.RawMessage
		err := json.Unmarshal(data, &raw)
		if err == nil { // cannot happen: validJSON agrees with json.Valid
			err = errors.New("invalid JSON")
		}
		return nil, err
	}
	if i := skipSpace(data, 0); data[i] != '{' {
		return nil, &offsetError{off: int64(i), msg: "the top level is not a JSON object"}
	}
	// The validation found where each member is: the object is made from
	// that, not from a second scan of the whole text.
	o := &object{keys: make([]string, 0, len(top)), vals: make(map[string]json.RawMessage, len(top))}
	for _, m := range top {
		key, err := decodeKey(data[m.key:m.keyEnd])
		if err != nil {
			return nil, err
		}
		o.set(key, data[m.start:m.end:m.end])
	}
	return o, nil
}

// topMember is where one member of a document's top-level object is: its
// key (quotes included) and its value.
type topMember struct{ key, keyEnd, start, end int }

// maxDepth is encoding/json's nesting limit: a deeper document is not
// valid to json.Valid, and so not to validJSON.
const maxDepth = 10000

// validJSON reports whether data is one JSON value, exactly as json.Valid
// does (FuzzValidJSON holds them to the same answer), at several times its
// speed: json.Valid steps a state machine through every byte, and on a
// 1,000-profile store that was the biggest cost of a read. Containers are
// followed with a stack of their opening bytes, not by recursion.
func validJSON(data []byte) bool { return validDocument(data, nil) }

// validDocument is validJSON. When top is not nil and data's top level is
// an object, it also appends to *top where each member of that object is,
// in file order (what parseDocument needs, found on the way).
func validDocument(data []byte, top *[]topMember) bool {
	var open []byte // '{' or '[' of each container not yet closed
	i := 0
	// member is the top-level member being read; inMember says its key is
	// read and its value not yet ended, atValue that its value starts at
	// the next value.
	var member topMember
	inMember, atValue := false, false
	first := skipSpace(data, 0)
	topObject := top != nil && first < len(data) && data[first] == '{'
	var keyEnd int
	key := func(i int) int { // a member's key at data[i]; the offset after its colon, or -1
		if !topObject || len(open) != 1 {
			return validKeyAt(data, i, &keyEnd)
		}
		member.key = i
		inMember, atValue = true, true
		return validKeyAt(data, i, &member.keyEnd)
	}
	for {
		// A value starts at i.
		i = skipSpace(data, i)
		if i >= len(data) {
			return false
		}
		if atValue {
			member.start, atValue = i, false
		}
		switch c := data[i]; c {
		case '{', '[':
			if len(open) >= maxDepth {
				return false
			}
			open = append(open, c)
			i = skipSpace(data, i+1)
			if i < len(data) && data[i] == closing(c) {
				open = open[:len(open)-1]
				i++
				break // an empty container is a whole value
			}
			if c == '{' {
				i = key(i)
			}
			if i < 0 {
				return false
			}
			continue // the first member's value
		case '"':
			i = validString(data, i)
		case 't':
			i = validLiteral(data, i, "true")
		case 'f':
			i = validLiteral(data, i, "false")
		case 'n':
			i = validLiteral(data, i, "null")
		default:
			i = validNumber(data, i)
		}
		if i < 0 {
			return false
		}
		// After a value: close containers, or go on after a comma.
		for {
			if inMember && len(open) == 1 { // a top-level member's value ended
				member.end, inMember = i, false
				*top = append(*top, member)
			}
			i = skipSpace(data, i)
			if len(open) == 0 {
				return i == len(data)
			}
			if i >= len(data) {
				return false
			}
			cur := open[len(open)-1]
			if data[i] == closing(cur) {
				open = open[:len(open)-1]
				i++
				continue
			}
			if data[i] != ',' {
				return false
			}
			i++
			if cur == '{' {
				if i = key(skipSpace(data, i)); i < 0 {
					return false
				}
			}
			break
		}
	}
}

func closing(open byte) byte {
	if open == '{' {
		return '}'
	}
	return ']'
}

// validKeyAt checks a member's key and colon at data[i]; it returns the
// offset after the colon, or -1, and sets *keyEnd to the offset after the
// key's closing quote.
func validKeyAt(data []byte, i int, keyEnd *int) int {
	if i >= len(data) || data[i] != '"' {
		return -1
	}
	if i = validString(data, i); i < 0 {
		return -1
	}
	*keyEnd = i
	if i = skipSpace(data, i); i >= len(data) || data[i] != ':' {
		return -1
	}
	return i + 1
}

// validString checks the string at data[i] (a '"') as encoding/json does:
// no control characters, only JSON's escapes (bytes that are not UTF-8 are
// let through). It returns the offset after it, or -1.
func validString(data []byte, i int) int {
	j := i + 1
	for j < len(data) {
		c := data[j]
		switch {
		case c == '"':
			return j + 1
		case c == '\\':
			if j+1 >= len(data) {
				return -1
			}
			switch data[j+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				j += 2
			case 'u':
				if j+6 > len(data) {
					return -1
				}
				for _, h := range data[j+2 : j+6] {
					if !isHex(h) {
						return -1
					}
				}
				j += 6
			default:
				return -1
			}
		case c < 0x20:
			return -1
		default:
			j++
		}
	}
	return -1
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// validLiteral checks that lit (true, false, null) is at data[i]; it
// returns the offset after it, or -1. What follows is the caller's to check.
func validLiteral(data []byte, i int, lit string) int {
	if len(data)-i < len(lit) || string(data[i:i+len(lit)]) != lit {
		return -1
	}
	return i + len(lit)
}

// validNumber checks the number at data[i]: -?(0|[1-9][0-9]*)(.[0-9]+)?
// ([eE][+-]?[0-9]+)?. It returns the offset after it, or -1. What follows is
// the caller's to check ("01" is a 0 followed by a stray 1).
func validNumber(data []byte, i int) int {
	digits := func(j int) int {
		for j < len(data) && '0' <= data[j] && data[j] <= '9' {
			j++
		}
		return j
	}
	if i < len(data) && data[i] == '-' {
		i++
	}
	switch {
	case i >= len(data):
		return -1
	case data[i] == '0':
		i++
	case '1' <= data[i] && data[i] <= '9':
		i = digits(i + 1)
	default:
		return -1
	}
	if i < len(data) && data[i] == '.' {
		j := digits(i + 1)
		if j == i+1 {
			return -1
		}
		i = j
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		j := digits(i)
		if j == i {
			return -1
		}
		i = j
	}
	return i
}

// offsetError is a problem at a byte offset of a document.
type offsetError struct {
	off int64 // of the offending byte
	msg string
}

func (e *offsetError) Error() string { return e.msg }

// valueOffset is the byte offset of the value of the top-level key k in a
// valid document (of the last occurrence, the one JSON.parse keeps), or -1.
func valueOffset(data []byte, k string) int64 {
	off := int64(-1)
	_ = scanObject(data, func(key string, start, _ int) {
		if key == k {
			off = int64(start)
		}
	})
	return off
}

// parseObject splits the text of a valid JSON object into its keys, in
// order, and their raw values (sub-slices of data, which must not be
// changed afterwards). A duplicated key keeps its first position and its
// last value, as JSON.parse does. It is a scanner, not a validator: data
// must come from parseDocument or mustMarshal; bad input gives an error,
// never a panic.
func parseObject(data []byte) (*object, error) {
	o := newObject()
	err := scanObject(data, func(key string, start, end int) {
		o.set(key, data[start:end:end])
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// scanObject calls visit with each key of the object in data and the
// offsets of its value.
func scanObject(data []byte, visit func(key string, start, end int)) error {
	var keyErr error
	err := scanMembers(data, func(quoted []byte, start, end int) bool {
		key, err := decodeKey(quoted)
		if err != nil {
			keyErr = err
			return false
		}
		visit(key, start, end)
		return true
	})
	if keyErr != nil {
		return keyErr
	}
	return err
}

// members calls visit with each member of the object in raw, in file
// order, duplicated keys included: a caller that lets a later value of a
// key replace an earlier one reads the object as JSON.parse does. val is a
// sub-slice of raw. It reports whether raw is an object; like parseObject
// it is a scanner for text that parseDocument or mustMarshal made, and
// visits nothing when raw is not an object. It builds no object, so typed
// views of a big store (one small object per profile) cost no map per
// entry.
func members(raw []byte, visit func(key string, val json.RawMessage)) bool {
	if i := skipSpace(raw, 0); i >= len(raw) || raw[i] != '{' {
		return false
	}
	return scanObject(raw, func(key string, start, end int) {
		visit(key, raw[start:end:end])
	}) == nil
}

// isObject reports whether raw, a value that parseDocument or mustMarshal
// made (valid JSON, no space around it), is an object: its first byte says
// so, with no need to scan it.
func isObject(raw json.RawMessage) bool { return len(raw) > 0 && raw[0] == '{' }

// countMembers is the number of members of the object in raw (duplicates
// counted), for sizing what a caller builds from it; 0 when raw is not an
// object.
func countMembers(raw []byte) int {
	n := 0
	_ = scanMembers(raw, func([]byte, int, int) bool {
		n++
		return true
	})
	return n
}

// scanMembers calls visit with each member of the object in data: its key
// as written (quotes included) and the offsets of its value. visit returns
// false to stop; the error is then nil.
func scanMembers(data []byte, visit func(quoted []byte, start, end int) bool) error {
	end, err := objectMembers(data, skipSpace(data, 0), func(quoted []byte, start int) int {
		end := skipValue(data, start)
		if end < 0 {
			return -1
		}
		if !visit(quoted, start, end) {
			return stopScan
		}
		return end
	})
	switch {
	case err != nil:
		return err
	case end == stopScan:
		return nil
	case skipSpace(data, end) != len(data):
		return errors.New("unexpected data after the top-level object")
	}
	return nil
}

// stopScan, returned by an objectMembers visitor, ends the scan early.
const stopScan = -2

// objectMembers scans the object that starts at data[i] (its '{') in one
// pass: it calls visit with each member's key as written (quotes
// included) and the offset of its value, and visit returns the offset just
// past that value, having read it (a nested object scanned the same way)
// or skipped it (skipValue); -1 if it is not a value, stopScan to stop
// there. objectMembers returns the offset just past the object (stopScan
// when visit stopped). Like parseObject it is a scanner for text that
// parseDocument or mustMarshal made: bad input gives an error, never a
// panic.
func objectMembers(data []byte, i int, visit func(quoted []byte, start int) int) (int, error) {
	if i >= len(data) || data[i] != '{' {
		return -1, errNotObject
	}
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		return i + 1, nil
	}
	for {
		if i >= len(data) || data[i] != '"' {
			return -1, errBadObject
		}
		kEnd := skipString(data, i)
		if kEnd < 0 {
			return -1, errBadObject
		}
		quoted := data[i:kEnd]
		i = skipSpace(data, kEnd)
		if i >= len(data) || data[i] != ':' {
			return -1, errBadObject
		}
		i = skipSpace(data, i+1)
		end := visit(quoted, i)
		if end == stopScan {
			return stopScan, nil
		}
		if end < 0 {
			return -1, errBadObject
		}
		i = skipSpace(data, end)
		if i < len(data) && data[i] == ',' {
			i = skipSpace(data, i+1)
			continue
		}
		if i < len(data) && data[i] == '}' {
			return i + 1, nil
		}
		return -1, errBadObject
	}
}

var errBadObject = errors.New("malformed JSON object")

func skipSpace(data []byte, i int) int {
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\r', '\n':
			i++
		default:
			return i
		}
	}
	return i
}

// skipString returns the offset just past the string starting at data[i]
// (a '"'), or -1. It jumps from quote to quote (bytes.IndexByte is far
// faster than a loop over the long tokens a store holds); a quote ends the
// string when the backslashes just before it (if any) pair up, that is
// when none of them escapes it.
func skipString(data []byte, i int) int {
	j := i + 1
	for j <= len(data) {
		k := bytes.IndexByte(data[j:], '"')
		if k < 0 {
			return -1
		}
		j += k
		escaped := false
		for b := j - 1; b > i && data[b] == '\\'; b-- {
			escaped = !escaped
		}
		if !escaped {
			return j + 1
		}
		j++
	}
	return -1
}

// skipValue returns the offset just past the value starting at data[i], or
// -1.
func skipValue(data []byte, i int) int {
	if i >= len(data) {
		return -1
	}
	switch data[i] {
	case '"':
		return skipString(data, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(data); j++ {
			switch data[j] {
			case '"':
				end := skipString(data, j)
				if end < 0 {
					return -1
				}
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return -1
	}
	j := i
	for j < len(data) {
		switch data[j] {
		case ',', '}', ']', ' ', '\t', '\r', '\n':
			if j == i {
				return -1
			}
			return j
		}
		j++
	}
	if j == i {
		return -1
	}
	return j
}

// decodeKey reads a quoted key. The field names of the gateway's files,
// which every profile and usage entry repeats, are returned as constants
// (no copy each time); other plain keys (the usual case) are taken as they
// are; keys with escapes or invalid UTF-8 go through encoding/json, which
// decodes them as JSON.parse would read the file.
func decodeKey(quoted []byte) (string, error) {
	inner := quoted[1 : len(quoted)-1]
	if k := knownKey(inner); k != "" {
		return k, nil
	}
	if bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
		return string(inner), nil
	}
	var k string
	if err := json.Unmarshal(quoted, &k); err != nil {
		return "", err
	}
	return k, nil
}

// knownKey is b as one of the gateway's field names, or "" (a switch on
// string(b) neither allocates nor hashes).
func knownKey(b []byte) string {
	switch string(b) {
	case "version":
		return "version"
	case "profiles":
		return "profiles"
	case "order":
		return "order"
	case "lastGood":
		return "lastGood"
	case "usageStats":
		return "usageStats"
	case "type":
		return "type"
	case "provider":
		return "provider"
	case "key":
		return "key"
	case "token":
		return "token"
	case "access":
		return "access"
	case "refresh":
		return "refresh"
	case "expires":
		return "expires"
	case "email":
		return "email"
	case "accountId":
		return "accountId"
	case "lastUsed":
		return "lastUsed"
	case "cooldownUntil":
		return "cooldownUntil"
	case "disabledUntil":
		return "disabledUntil"
	case "disabledReason":
		return "disabledReason"
	case "errorCount":
		return "errorCount"
	}
	return ""
}

var errNotObject = errors.New("not a JSON object")

func (o *object) get(k string) (json.RawMessage, bool) {
	v, ok := o.vals[k]
	return v, ok
}

// set replaces the value of k in place, or appends k at the end.
func (o *object) set(k string, v json.RawMessage) {
	if _, ok := o.vals[k]; !ok {
		o.keys = append(o.keys, k)
	}
	o.vals[k] = v
}

// setValue marshals v and stores it under k.
func (o *object) setValue(k string, v any) {
	o.set(k, mustMarshal(v))
}

func (o *object) delete(k string) bool {
	if _, ok := o.vals[k]; !ok {
		return false
	}
	delete(o.vals, k)
	for i, kk := range o.keys {
		if kk == k {
			o.keys = append(o.keys[:i], o.keys[i+1:]...)
			break
		}
	}
	return true
}

// deleteAll removes every key of ks in one pass over the keys.
func (o *object) deleteAll(ks []string) {
	if len(ks) == 0 {
		return
	}
	gone := make(map[string]bool, len(ks))
	for _, k := range ks {
		if _, ok := o.vals[k]; ok {
			gone[k] = true
			delete(o.vals, k)
		}
	}
	o.keys = slices.DeleteFunc(o.keys, func(k string) bool { return gone[k] })
}

// child returns the object stored under k, or an empty one when k is absent
// or not an object. ok reports whether k held an object.
func (o *object) child(k string) (*object, bool) {
	raw, present := o.vals[k]
	if !present {
		return newObject(), false
	}
	c, err := parseObject(raw)
	if err != nil {
		return newObject(), false
	}
	return c, true
}

// setChild stores c under k.
func (o *object) setChild(k string, c *object) {
	o.set(k, c.marshal())
}

// marshal encodes the object compactly; marshalIndent re-indents for files.
func (o *object) marshal() json.RawMessage {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(mustMarshal(k))
		b.WriteByte(':')
		b.Write(o.vals[k])
	}
	b.WriteByte('}')
	return b.Bytes()
}

// marshalFile encodes the object the way the gateway writes its files:
// 2-space indentation and a trailing newline.
func (o *object) marshalFile() []byte {
	var b bytes.Buffer
	if err := json.Indent(&b, o.marshal(), "", "  "); err != nil {
		// Every value came from a successful parse or from json.Marshal.
		panic(fmt.Sprintf("authstore: re-indent: %v", err))
	}
	b.WriteByte('\n')
	return b.Bytes()
}

// mustMarshal encodes v like JSON.stringify would: no HTML escaping.
func mustMarshal(v any) json.RawMessage {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(fmt.Sprintf("authstore: marshal %T: %v", v, err))
	}
	return bytes.TrimRight(b.Bytes(), "\n")
}

// stringValue reads a JSON string value; "" for any other value. Strings
// without escapes (the usual case) are taken as they are.
func stringValue(raw json.RawMessage) string {
	if len(raw) < 2 || raw[0] != '"' {
		return ""
	}
	if inner := raw[1 : len(raw)-1]; bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
		return string(inner)
	}
	var v string
	if json.Unmarshal(raw, &v) != nil {
		return ""
	}
	return v
}

// jsNumber reads raw as the number JSON.parse makes of it: only a JSON
// number counts, never a string that holds one; a number too large for a
// double is an infinity, as in JavaScript.
func jsNumber(raw json.RawMessage) (float64, bool) {
	if len(raw) == 0 || raw[0] != '-' && (raw[0] < '0' || raw[0] > '9') {
		return 0, false
	}
	f, err := strconv.ParseFloat(string(raw), 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, false
	}
	return f, true
}

// maxJSTime is the last millisecond a JavaScript Date can hold.
const maxJSTime = 8.64e15

// timeValue reads a time (ms since the epoch) the way the gateway counts
// one: a finite number > 0. Anything else is 0, "none": absent, null, a
// string (even one of digits: the gateway checks typeof === "number"), 0,
// a negative number, or one too large for a double. A fraction is rounded
// up, so that "now >= it" reads the same for a whole-millisecond now; a
// time beyond what a Date can hold is that last time.
func timeValue(raw json.RawMessage) int64 {
	if n, ok := smallUint(raw); ok { // the usual case: Date.now()
		return n
	}
	f, ok := jsNumber(raw)
	if !ok || math.IsInf(f, 0) || math.IsNaN(f) || f <= 0 {
		return 0
	}
	return int64(math.Ceil(min(f, maxJSTime)))
}

// smallUint reads raw when it is a plain integer of up to 15 digits, no
// sign: exactly the double JSON.parse makes of it (below 2^53), and within
// what a Date holds. ok is false for anything else, which the general
// path reads.
func smallUint(raw []byte) (n int64, ok bool) {
	if len(raw) == 0 || len(raw) > 15 || raw[0] == '0' && len(raw) > 1 {
		return 0, false
	}
	for _, c := range raw {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// validTime reports whether raw is a time openclaw 2026.3.7 and later
// accept as an expiry: a finite JSON number > 0 and ≤ 8.64e15.
func validTime(raw json.RawMessage) bool {
	f, ok := jsNumber(raw)
	return ok && !math.IsInf(f, 0) && !math.IsNaN(f) && f > 0 && f <= maxJSTime
}

// intValue reads a number that may be written as an integer or a float
// (the gateway writes Date.now(), but hand edits may not); 0 for anything
// else or a number out of range.
func intValue(raw json.RawMessage) int64 {
	if len(raw) == 0 {
		return 0
	}
	if i, err := strconv.ParseInt(string(raw), 10, 64); err == nil {
		return i
	}
	var n json.Number
	if json.Unmarshal(raw, &n) != nil {
		return 0
	}
	if f, err := n.Float64(); err == nil && f >= math.MinInt64 && f < math.MaxInt64 {
		return int64(f)
	}
	return 0
}
