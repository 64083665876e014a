package ingest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// JSONReader reads records exported by other systems: a JSON array of
// objects, or newline-delimited JSON (one object per line). The header is
// the union of the objects' keys in order of first appearance (found in a
// first pass over the file, so a key that only later objects have is not
// lost); it is returned as row 0, and each object is then one row, numbered
// from 1. Strings are taken as they are, numbers as written, true/false as
// flags, null as empty, and nested arrays or objects as their JSON text.
type JSONReader struct {
	file   string
	dec    *json.Decoder
	keys   []string
	col    map[string]int
	num    int
	inList bool
	header bool
}

// NewJSONReader reads r twice: once for the keys, once for the rows.
func NewJSONReader(file string, r io.ReadSeeker) (*JSONReader, error) {
	j := &JSONReader{file: file, col: map[string]int{}}
	if err := j.start(r); err != nil {
		return nil, err
	}
	for {
		obj, err := j.object()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		for _, kv := range obj {
			if _, ok := j.col[kv.k]; !ok {
				j.col[kv.k] = len(j.keys)
				j.keys = append(j.keys, kv.k)
			}
		}
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("ingest: %s: %w", file, err)
	}
	j.num = 0
	if err := j.start(r); err != nil {
		return nil, err
	}
	return j, nil
}

func (j *JSONReader) start(r io.Reader) error {
	br := bufio.NewReaderSize(r, 1<<16)
	if head, _ := br.Peek(3); bytes.Equal(head, []byte{0xef, 0xbb, 0xbf}) {
		br.Discard(3)
	}
	j.dec = json.NewDecoder(br)
	j.dec.UseNumber()
	j.inList = false
	// Peek at the first non-space byte: '[' is an array, '{' NDJSON.
	for {
		b, err := br.Peek(1)
		if err != nil {
			return fmt.Errorf("ingest: %s: empty JSON file", j.file)
		}
		if b[0] == ' ' || b[0] == '\t' || b[0] == '\r' || b[0] == '\n' {
			br.Discard(1)
			continue
		}
		if b[0] == '[' {
			if _, err := j.dec.Token(); err != nil {
				return j.errf("%v", err)
			}
			j.inList = true
		} else if b[0] != '{' {
			return fmt.Errorf("ingest: %s: not JSON records (want an array of objects or one object per line)", j.file)
		}
		return nil
	}
}

type keyValue struct{ k, v string }

func (j *JSONReader) errf(format string, args ...any) error {
	return fmt.Errorf("ingest: %s: record %d: unreadable JSON: %s", j.file, j.num, fmt.Sprintf(format, args...))
}

// object reads the next object, keeping its keys in order.
func (j *JSONReader) object() ([]keyValue, error) {
	if j.inList && !j.dec.More() {
		if _, err := j.dec.Token(); err != nil { // the closing ]
			return nil, j.errf("%v", err)
		}
		if _, err := j.dec.Token(); err != io.EOF {
			return nil, j.errf("data after the closing ]")
		}
		return nil, io.EOF
	}
	j.num++
	t, err := j.dec.Token()
	if err == io.EOF && !j.inList {
		return nil, io.EOF
	}
	if err != nil {
		return nil, j.errf("%v", err)
	}
	if d, ok := t.(json.Delim); !ok || d != '{' {
		return nil, j.errf("want an object, found %v", t)
	}
	var kvs []keyValue
	for j.dec.More() {
		t, err := j.dec.Token()
		if err != nil {
			return nil, j.errf("%v", err)
		}
		k, _ := t.(string)
		var raw json.RawMessage
		if err := j.dec.Decode(&raw); err != nil {
			return nil, j.errf("key %q: %v", k, err)
		}
		kvs = append(kvs, keyValue{k, jsonText(raw)})
	}
	if _, err := j.dec.Token(); err != nil {
		return nil, j.errf("%v", err)
	}
	return kvs, nil
}

// jsonText is the cell text of a JSON value.
func jsonText(raw json.RawMessage) string {
	t := bytes.TrimSpace(raw)
	switch {
	case len(t) == 0 || string(t) == "null":
		return ""
	case t[0] == '"':
		var s string
		if json.Unmarshal(t, &s) == nil {
			return s
		}
	}
	return strings.TrimSpace(string(t))
}

// Next returns the header, then one row per object.
func (j *JSONReader) Next() (Row, error) {
	if !j.header {
		j.header = true
		if len(j.keys) == 0 {
			return Row{}, io.EOF
		}
		return Row{Num: 0, Cells: append([]string(nil), j.keys...)}, nil
	}
	obj, err := j.object()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return Row{}, io.EOF
		}
		return Row{}, err
	}
	cells := make([]string, len(j.keys))
	for _, kv := range obj {
		if i, ok := j.col[kv.k]; ok && cells[i] == "" {
			cells[i] = kv.v
		}
	}
	return Row{Num: j.num, Cells: cells}, nil
}
