package geo

import (
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// table is a small CSV file read whole, with its header indexed by name.
type table struct {
	path   string
	header []string
	col    map[string]int
	rows   [][]string
}

func readTable(path string) (*table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	t := &table{path: path, col: map[string]int{}}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("geo: %w", err)
		}
		if t.header == nil {
			for i, h := range rec {
				h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
				t.header = append(t.header, h)
				if _, dup := t.col[h]; !dup {
					t.col[h] = i
				}
			}
			continue
		}
		t.rows = append(t.rows, rec)
	}
	if t.header == nil {
		return nil, fmt.Errorf("geo: %s: empty file", path)
	}
	return t, nil
}

func (t *table) has(names ...string) bool {
	for _, n := range names {
		if _, ok := t.col[n]; !ok {
			return false
		}
	}
	return true
}

// first returns the first of the named columns present, or "".
func (t *table) first(names ...string) string {
	for _, n := range names {
		if _, ok := t.col[n]; ok {
			return n
		}
	}
	return ""
}

func (t *table) get(row []string, name string) string {
	i, ok := t.col[name]
	if !ok || i >= len(row) {
		return ""
	}
	return strings.TrimSpace(row[i])
}

func (t *table) float(row []string, line int, name string) (float64, error) {
	s := t.get(row, name)
	if s == "" {
		return 0, nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("geo: %s: row %d: field %s: %q is not a number", t.path, line, name, s)
	}
	return v, nil
}
