package ingest

import (
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
)

// Mapping says how the columns of another source (police calls for
// service, complaints registers, ...) feed the canonical fields. It is read
// from a TOML file:
//
//	name = "Police calls for service"
//	[columns]                 # canonical field = source column label
//	received_date = "call_date"
//	unit_name     = "ward"
//	[values.category]         # per field: source value = canonical value
//	"NOISE" = "Khác"
//	[constants]               # fields with one value on every row
//	outcome = "Đang giải quyết"
//
// A column may also be a template over several source columns, each named
// in braces: received_date = "{year}-W{week}" reads panels that give the
// ISO year and week in two columns.
//
// Source labels and values are compared like header labels and coded
// values: case, diacritics, spacing and punctuation do not matter. A value
// with no entry in its field's map passes through unchanged (and is
// quarantined if the field cannot read it). Source columns not named are
// dropped.
type Mapping struct {
	Name      string                       `toml:"name"`
	Columns   map[string]string            `toml:"columns"`
	Values    map[string]map[string]string `toml:"values"`
	Constants map[string]string            `toml:"constants"`

	fields    []string                     // canonical fields produced, sorted
	values    map[string]map[string]string // field -> valueKey(source) -> value
	templates map[string][]templatePart    // field -> parts, for a column given as a template
}

// templatePart is literal text, or (col != "") the cell of a source column.
type templatePart struct{ lit, col string }

// parseTemplate splits "{year}-W{week}" into its parts; ok is false when s
// names no column in braces (a plain column label).
func parseTemplate(s string) (parts []templatePart, ok bool, err error) {
	if !strings.Contains(s, "{") {
		return nil, false, nil
	}
	for s != "" {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			parts = append(parts, templatePart{lit: s})
			break
		}
		if i > 0 {
			parts = append(parts, templatePart{lit: s[:i]})
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			return nil, false, fmt.Errorf("unclosed { in %q", s)
		}
		col := strings.TrimSpace(s[i+1 : i+j])
		if strings.Contains(col, "{") {
			return nil, false, fmt.Errorf("unclosed { in %q", s)
		}
		if col == "" {
			return nil, false, fmt.Errorf("empty {} in %q", s)
		}
		parts = append(parts, templatePart{col: col})
		s = s[i+j+1:]
	}
	return parts, true, nil
}

// canonicalFields lists the fields a mapping may feed.
func canonicalFields() []string {
	var fs []string
	for f := range labels {
		fs = append(fs, f)
	}
	sort.Strings(fs)
	return fs
}

// LoadMapping reads and checks a mapping file.
func LoadMapping(path string) (*Mapping, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("ingest: mapping: %w", err)
	}
	return ParseMapping(path, string(b))
}

// ParseMapping parses the TOML text of a mapping file named file.
func ParseMapping(file, text string) (*Mapping, error) {
	m := &Mapping{}
	md, err := toml.Decode(text, m)
	if err != nil {
		return nil, fmt.Errorf("ingest: mapping %s: %w", file, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		return nil, fmt.Errorf("ingest: mapping %s: unknown key %s (want name, [columns], [values.FIELD], [constants])", file, und[0])
	}
	known := map[string]bool{}
	for _, f := range canonicalFields() {
		known[f] = true
	}
	check := func(section, f string) error {
		if !known[f] {
			return fmt.Errorf("ingest: mapping %s: [%s] %q is not a canonical field (want one of %s)",
				file, section, f, strings.Join(canonicalFields(), ", "))
		}
		return nil
	}
	m.values = map[string]map[string]string{}
	m.templates = map[string][]templatePart{}
	for f, src := range m.Columns {
		if err := check("columns", f); err != nil {
			return nil, err
		}
		if strings.TrimSpace(src) == "" {
			return nil, fmt.Errorf("ingest: mapping %s: [columns] %s names no source column", file, f)
		}
		parts, ok, err := parseTemplate(src)
		if err != nil {
			return nil, fmt.Errorf("ingest: mapping %s: [columns] %s: %w", file, f, err)
		}
		if ok {
			m.templates[f] = parts
		}
		m.fields = append(m.fields, f)
	}
	for f := range m.Constants {
		if err := check("constants", f); err != nil {
			return nil, err
		}
		if _, dup := m.Columns[f]; dup {
			return nil, fmt.Errorf("ingest: mapping %s: %s is both in [columns] and [constants]", file, f)
		}
		m.fields = append(m.fields, f)
	}
	for f, vs := range m.Values {
		if err := check("values", f); err != nil {
			return nil, err
		}
		m.values[f] = map[string]string{}
		for k, v := range vs {
			m.values[f][valueKey(k)] = v
		}
	}
	if len(m.fields) == 0 {
		return nil, fmt.Errorf("ingest: mapping %s: no [columns]", file)
	}
	sort.Strings(m.fields)
	return m, nil
}

// MappedReader turns the rows of another source into canonical rows: the
// first row (of each sheet) that has every mapped source column is the
// source header; it becomes a header of canonical field names, and each
// row after it a row of those fields, values mapped. Rows above the source
// header pass through (as title rows).
type MappedReader struct {
	m     *Mapping
	in    Reader
	sheet string
	src   []int         // per m.fields: source column, -1 for a constant or a template
	tcols map[string]int // template column label -> source column
	ready bool           // the source header was found
	first bool
}

// Wrap returns a reader applying m to the rows of in.
func (m *Mapping) Wrap(in Reader) *MappedReader { return &MappedReader{m: m, in: in, first: true} }

// Next returns the next canonical row.
func (r *MappedReader) Next() (Row, error) {
	row, err := r.in.Next()
	if err != nil {
		return row, err
	}
	if r.first || row.Sheet != r.sheet {
		r.first, r.sheet, r.ready = false, row.Sheet, false
	}
	if !r.ready {
		if src, ok := r.header(row.Cells); ok {
			r.src, r.ready = src, true
			row.Cells = append([]string(nil), r.m.fields...)
		}
		return row, nil
	}
	out := make([]string, len(r.m.fields))
	for i, f := range r.m.fields {
		var v string
		if parts, ok := r.m.templates[f]; ok {
			v = r.fill(parts, row.Cells)
		} else if j := r.src[i]; j < 0 {
			v = r.m.Constants[f]
		} else if j < len(row.Cells) {
			v = row.Cells[j]
		}
		if vm := r.m.values[f]; vm != nil {
			if mv, ok := vm[valueKey(v)]; ok {
				v = mv
			}
		}
		out[i] = v
	}
	row.Cells = out
	return row, nil
}

// header finds every mapped source column among cells.
func (r *MappedReader) header(cells []string) ([]int, bool) {
	at := map[string]int{}
	for i, c := range cells {
		k := labelKey(c)
		if _, dup := at[k]; !dup && k != "" {
			at[k] = i
		}
	}
	src := make([]int, len(r.m.fields))
	tcols := map[string]int{}
	for i, f := range r.m.fields {
		if parts, ok := r.m.templates[f]; ok {
			src[i] = -1
			for _, p := range parts {
				if p.col == "" {
					continue
				}
				j, ok := at[labelKey(p.col)]
				if !ok {
					return nil, false
				}
				tcols[p.col] = j
			}
			continue
		}
		col, ok := r.m.Columns[f]
		if !ok {
			src[i] = -1
			continue
		}
		j, ok := at[labelKey(col)]
		if !ok {
			return nil, false
		}
		src[i] = j
	}
	r.tcols = tcols
	return src, true
}

// fill builds a template field's value from the row's cells; a referenced
// cell that is empty leaves the whole value empty (reported as missing).
func (r *MappedReader) fill(parts []templatePart, cells []string) string {
	var b strings.Builder
	for _, p := range parts {
		if p.col == "" {
			b.WriteString(p.lit)
			continue
		}
		j := r.tcols[p.col]
		if j >= len(cells) || strings.TrimSpace(cells[j]) == "" {
			return ""
		}
		b.WriteString(strings.TrimSpace(cells[j]))
	}
	return b.String()
}
