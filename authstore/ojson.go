package authstore

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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
// validates the text first so that a syntax error carries the offset of the
// offending byte in the file (json.Decoder reports offsets relative to the
// value it was reading) and so that anything after the object is refused, as
// JSON.parse refuses it.
func parseDocument(data []byte) (*object, error) {
	var raw json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, err
	}
	o, err := parseObject(data)
	if errors.Is(err, errNotObject) {
		return nil, &offsetError{off: int64(len(data) - len(bytes.TrimLeft(data, " \t\r\n"))), msg: "the top level is not a JSON object"}
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
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return -1
	}
	found := int64(-1)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return found
		}
		if key, _ := tok.(string); key == k {
			off := dec.InputOffset()
			for off < int64(len(data)) && bytes.IndexByte([]byte(" \t\r\n:"), data[off]) >= 0 {
				off++
			}
			found = off
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return found
		}
	}
	return found
}

// parseObject reads a JSON object, keeping key order. A duplicated key keeps
// its first position and its last value, as JSON.parse does. Offsets in its
// errors are not reliable: files go through parseDocument.
func parseObject(data []byte) (*object, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, errNotObject
	}
	o := newObject()
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		k, ok := tok.(string)
		if !ok {
			return nil, fmt.Errorf("expected a key, found %v", tok)
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, err
		}
		o.set(k, raw)
	}
	if _, err := dec.Token(); err != nil { // closing brace
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("unexpected data after the top-level object")
	}
	return o, nil
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
