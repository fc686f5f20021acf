package authstore

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
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
	if !json.Valid(data) {
		var raw json.RawMessage
		err := json.Unmarshal(data, &raw)
		if err == nil { // cannot happen: Valid and Unmarshal agree
			err = errors.New("invalid JSON")
		}
		return nil, err
	}
	o, err := parseObject(data)
	if errors.Is(err, errNotObject) {
		return nil, &offsetError{off: int64(skipSpace(data, 0)), msg: "the top level is not a JSON object"}
	}
	return o, err
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
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return errNotObject
	}
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		i++
	} else {
		for {
			if i >= len(data) || data[i] != '"' {
				return errBadObject
			}
			kEnd := skipString(data, i)
			if kEnd < 0 {
				return errBadObject
			}
			key, err := decodeKey(data[i:kEnd])
			if err != nil {
				return err
			}
			i = skipSpace(data, kEnd)
			if i >= len(data) || data[i] != ':' {
				return errBadObject
			}
			i = skipSpace(data, i+1)
			vEnd := skipValue(data, i)
			if vEnd < 0 {
				return errBadObject
			}
			visit(key, i, vEnd)
			i = skipSpace(data, vEnd)
			if i < len(data) && data[i] == ',' {
				i = skipSpace(data, i+1)
				continue
			}
			if i < len(data) && data[i] == '}' {
				i++
				break
			}
			return errBadObject
		}
	}
	if skipSpace(data, i) != len(data) {
		return errors.New("unexpected data after the top-level object")
	}
	return nil
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
// (a '"'), or -1.
func skipString(data []byte, i int) int {
	for j := i + 1; j < len(data); j++ {
		switch data[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
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

// decodeKey reads a quoted key. Plain keys (the usual case) are taken as
// they are; keys with escapes or invalid UTF-8 go through encoding/json,
// which decodes them as JSON.parse would read the file.
func decodeKey(quoted []byte) (string, error) {
	inner := quoted[1 : len(quoted)-1]
	if bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
		return string(inner), nil
	}
	var k string
	if err := json.Unmarshal(quoted, &k); err != nil {
		return "", err
	}
	return k, nil
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
