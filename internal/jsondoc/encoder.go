package jsondoc

import (
	"bytes"
	"encoding/json"
	"io"
	"strconv"
	"unicode/utf8"
)

// encoder writes JSON as encoding/json's Encoder does with SetIndent("",
// "  ") and SetEscapeHTML(false), value by value, into a buffer it hands to
// w whenever it fills: a document of any size costs one buffer, not a tree
// of structs and two copies of its text. The methods follow the document's
// shape; a write error is kept (err) and everything after it is dropped.
type encoder struct {
	w     io.Writer
	buf   []byte
	err   error
	depth int
	// first reports that the innermost open object or array has no member
	// yet: it closes as {} or [], and its first member needs no comma.
	first bool
}

// flushAt is the buffer size at which the encoder writes to w.
const flushAt = 64 << 10

func newEncoder(w io.Writer) *encoder {
	return &encoder{w: w, buf: make([]byte, 0, flushAt+4<<10)}
}

// flush writes what is buffered.
func (e *encoder) flush() error {
	if e.err == nil && len(e.buf) > 0 {
		_, e.err = e.w.Write(e.buf)
	}
	e.buf = e.buf[:0]
	return e.err
}

// maybeFlush writes the buffer once it is full enough.
func (e *encoder) maybeFlush() {
	if len(e.buf) >= flushAt {
		e.flush() //nolint:errcheck // kept in e.err
	}
}

// indents is a line break and indentation to slice from.
const indents = "\n                                                                "

func (e *encoder) newline() {
	if n := 1 + 2*e.depth; n <= len(indents) {
		e.buf = append(e.buf, indents[:n]...)
		return
	}
	e.buf = append(e.buf, '\n')
	for n := 2 * e.depth; n > 0; {
		k := min(n, len(indents)-1)
		e.buf = append(e.buf, indents[1:1+k]...)
		n -= k
	}
}

// next starts a member of the open container: a comma after the one
// before, a new line, the indentation.
func (e *encoder) next() {
	if !e.first {
		e.buf = append(e.buf, ',')
	}
	e.first = false
	e.newline()
}

// key starts a member of an object: `"k": `. k is one of the schema's
// names, which need no escaping.
func (e *encoder) key(k string) {
	e.next()
	e.buf = append(e.buf, '"')
	e.buf = append(e.buf, k...)
	e.buf = append(e.buf, `": `...)
}

// elem starts an element of an array.
func (e *encoder) elem() {
	e.next()
	e.maybeFlush()
}

func (e *encoder) open(c byte) {
	e.buf = append(e.buf, c)
	e.depth++
	e.first = true
}

func (e *encoder) close(c byte) {
	e.depth--
	if !e.first {
		e.newline()
	}
	e.buf = append(e.buf, c)
	e.first = false
}

func (e *encoder) beginObject() { e.open('{') }
func (e *encoder) endObject()   { e.close('}') }
func (e *encoder) beginArray()  { e.open('[') }
func (e *encoder) endArray()    { e.close(']') }

func (e *encoder) str(s string) { e.buf = appendString(e.buf, s) }

func (e *encoder) int(n int64) { e.buf = strconv.AppendInt(e.buf, n, 10) }

func (e *encoder) bool(b bool) { e.buf = strconv.AppendBool(e.buf, b) }

func (e *encoder) null() { e.buf = append(e.buf, "null"...) }

// intPtr is an *int64 field: null or the number.
func (e *encoder) intOrNull(n int64, ok bool) {
	if ok {
		e.int(n)
	} else {
		e.null()
	}
}

// strings writes a list of strings; nil is null, as encoding/json has it.
func (e *encoder) strings(ss []string) {
	if ss == nil {
		e.null()
		return
	}
	e.beginArray()
	for _, s := range ss {
		e.elem()
		e.str(s)
	}
	e.endArray()
}

// value writes v with encoding/json, indented to the current depth: for
// the few values whose shape is another package's (probe results).
func (e *encoder) value(v any) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	prefix := make([]byte, 2*e.depth)
	for i := range prefix {
		prefix[i] = ' '
	}
	enc.SetIndent(string(prefix), "  ")
	if err := enc.Encode(v); err != nil {
		if e.err == nil {
			e.err = err
		}
		return
	}
	e.buf = append(e.buf, bytes.TrimSuffix(b.Bytes(), []byte("\n"))...)
}

// safeASCII marks the ASCII bytes a JSON string holds as they are:
// encoding/json's safeSet (no HTML escaping), everything but the control
// characters, the quote and the backslash.
var safeASCII = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string exactly as encoding/json writes
// it without HTML escaping: \" \\ \b \f \n \r \t, other control characters
// as \u00XX, each byte that is not UTF-8 as \ufffd, U+2028 and U+2029
// escaped; everything else as it is. FuzzAppendString holds it to that.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	dst = appendStringBody(dst, s)
	return append(dst, '"')
}

// appendStringBody is appendString without the quotes. Escaping is
// character by character, so the body of a+b is the body of a then the
// body of b whenever a ends where a character ends (b starting with an
// ASCII byte is enough: it cannot complete a character of a).
func appendStringBody(dst []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); {
		// Eight bytes at a time while none needs a look.
		for i+8 <= len(s) && plain8(s[i:i+8]) {
			i += 8
		}
		if i >= len(s) {
			break
		}
		b := s[i]
		if b < utf8.RuneSelf {
			if safeASCII[b] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case c == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
		case c == '\u2028' || c == '\u2029':
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[c&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	return append(dst, s[start:]...)
}

// plain8 reports whether none of the 8 bytes of s needs escaping or
// decoding: no control character, quote, backslash or non-ASCII byte.
func plain8(s string) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	w := uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
	zero := func(x uint64) uint64 { return (x - ones) & ^x & highs } // a byte of x is 0
	less := (w - ones*0x20) & ^w & highs                             // a byte is below 0x20
	return (less | zero(w^(ones*'"')) | zero(w^(ones*'\\')) | w&highs) == 0
}
