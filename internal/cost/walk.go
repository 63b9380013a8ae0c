package cost

import "bytes"

// walker reads a JSON document (the executor's response data, valid
// JSON) in place: keys are handed out as raw bytes, values skipped
// without being decoded. A malformed document sets err and stops the
// walk; nothing panics.
type walker struct {
	b   []byte
	i   int
	err error
}

func (w *walker) fail() {
	if w.err == nil {
		w.err = errBadJSON
	}
	w.i = len(w.b)
}

func (w *walker) ws() {
	for w.i < len(w.b) {
		switch w.b[w.i] {
		case ' ', '\t', '\n', '\r':
			w.i++
		default:
			return
		}
	}
}

func (w *walker) peek() byte {
	w.ws()
	if w.i < len(w.b) {
		return w.b[w.i]
	}
	return 0
}

func (w *walker) null() bool { return w.peek() == 'n' }

// str reads a string and returns its raw content (escapes left as they
// are: response keys are GraphQL names, which need none).
func (w *walker) str() []byte {
	if w.peek() != '"' {
		w.fail()
		return nil
	}
	start := w.i + 1
	for j := start; j < len(w.b); j++ {
		switch w.b[j] {
		case '\\':
			j++
		case '"':
			w.i = j + 1
			return w.b[start:j]
		}
	}
	w.fail()
	return nil
}

// object calls member for each key, positioned on its value; member must
// consume the value.
func (w *walker) object(member func(key []byte)) {
	if w.peek() != '{' {
		w.fail()
		return
	}
	w.i++
	if w.peek() == '}' {
		w.i++
		return
	}
	for w.err == nil {
		k := w.str()
		if w.peek() != ':' {
			w.fail()
			return
		}
		w.i++
		member(k)
		switch w.peek() {
		case ',':
			w.i++
		case '}':
			w.i++
			return
		default:
			w.fail()
		}
	}
}

// array calls elem positioned on each element; elem must consume it.
func (w *walker) array(elem func()) {
	if w.peek() != '[' {
		w.fail()
		return
	}
	w.i++
	if w.peek() == ']' {
		w.i++
		return
	}
	for w.err == nil {
		elem()
		switch w.peek() {
		case ',':
			w.i++
		case ']':
			w.i++
			return
		default:
			w.fail()
		}
	}
}

// skip passes over one value.
func (w *walker) skip() {
	switch w.peek() {
	case '{':
		w.object(func([]byte) { w.skip() })
	case '[':
		w.array(w.skip)
	case '"':
		w.str()
	case 0:
		w.fail()
	default: // a number, true, false or null
		for w.i < len(w.b) {
			switch w.b[w.i] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return
			}
			w.i++
		}
	}
}

// typename returns the value of the object's __typename key, without
// moving: the object at w is scanned ahead and w left where it was.
func (w *walker) typename() string {
	save := w.i
	defer func() { w.i = save }()
	var tn string
	w.object(func(k []byte) {
		if tn == "" && bytes.Equal(k, []byte("__typename")) && w.peek() == '"' {
			tn = string(w.str())
			return
		}
		w.skip()
	})
	return tn
}
