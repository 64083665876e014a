package ingest

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// fuzzParse checks the invariants of Parse over any reader: no panic, the
// accounting identity, one of Case or Err per record.
func fuzzParse(t *testing.T, rd Reader, opt Options) {
	n := 0
	st, _ := Parse("fuzz", rd, opt, func(rec Record) error {
		n++
		if (rec.Case == nil) == (rec.Err == nil) {
			t.Fatalf("row %d: want exactly one of Case and Err", rec.Row)
		}
		if rec.Case != nil {
			if err := rec.Case.Validate(); err != nil {
				t.Fatalf("row %d: invalid case: %v", rec.Row, err)
			}
		}
		return nil
	})
	if st.Read != st.Emitted+st.Quarantined+st.Ignored || n != st.Emitted+st.Quarantined {
		t.Fatalf("%+v with %d records", st, n)
	}
}

func seed(f *testing.F, names ...string) {
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join("testdata", n))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// FuzzParseJSON: JSON arrays and NDJSON (seeds clean.json, clean.ndjson).
func FuzzParseJSON(f *testing.F) {
	_, r := testGeo(f)
	seed(f, "clean.json", "clean.ndjson")
	f.Add([]byte(`[{"received_date":"2025-08-05","unit_name":"Phường Ba Đình","category":1,"outcome":null}]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		tmp := filepath.Join(t.TempDir(), "x.json")
		os.WriteFile(tmp, b, 0o600)
		fh, _ := os.Open(tmp)
		defer fh.Close()
		rd, err := NewJSONReader("fuzz", fh)
		if err != nil {
			return
		}
		fuzzParse(t, rd, Options{Key: testKey, Resolver: r})
	})
}

// FuzzParseXLSX: workbooks (seed clean.xlsx); most mutations are not zip
// archives and are refused with an error, never a panic.
func FuzzParseXLSX(f *testing.F) {
	_, r := testGeo(f)
	seed(f, "clean.xlsx")
	f.Fuzz(func(t *testing.T, b []byte) {
		rd, err := NewXLSXReader("fuzz", bytes.NewReader(b))
		if err != nil {
			return
		}
		defer rd.Close()
		fuzzParse(t, rd, Options{Key: testKey, Resolver: r})
	})
}

// FuzzCSVEncodings: any bytes under every encoding.
func FuzzCSVEncodings(f *testing.F) {
	_, r := testGeo(f)
	seed(f, "clean_utf16le.txt", "clean_cp1258.csv", "clean_bom_semicolon.csv")
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, enc := range Encodings {
			rd, err := NewCSVReader("fuzz", bytes.NewReader(b), enc, 0)
			if err != nil {
				t.Fatal(err)
			}
			fuzzParse(t, rd, Options{Key: testKey, Resolver: r})
		}
	})
}

// FuzzMapping: mapping files (seed police_calls.toml) over the police CSV.
func FuzzMapping(f *testing.F) {
	_, r := testGeo(f)
	seed(f, "police_calls.toml")
	data, err := os.ReadFile(filepath.Join("testdata", "police_calls.csv"))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ParseMapping("fuzz.toml", string(b))
		if err != nil {
			return
		}
		rd, err := NewCSVReader("fuzz", bytes.NewReader(data), "", 0)
		if err != nil {
			t.Fatal(err)
		}
		fuzzParse(t, m.Wrap(rd), Options{Key: testKey, Resolver: r})
	})
}
