package ingest

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/canhbao/canhbao/models"
)

// readAll parses a testdata file through OpenFile (format detection) and
// checks the accounting identity.
func readAll(t *testing.T, name string, ro ReadOptions, m *Mapping) ([]Record, Stats, Reader) {
	t.Helper()
	_, r := testGeo(t)
	path := filepath.Join("testdata", name)
	rd, c, err := OpenFile(path, ro)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var src Reader = rd
	if m != nil {
		src = m.Wrap(rd)
	}
	var recs []Record
	st, err := Parse(path, src, Options{Key: testKey, Resolver: r}, func(rec Record) error {
		if (rec.Case == nil) == (rec.Err == nil) {
			t.Errorf("row %d: want exactly one of Case and Err", rec.Row)
		}
		recs = append(recs, rec)
		return nil
	})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if st.Read != st.Emitted+st.Quarantined+st.Ignored || st.Emitted+st.Quarantined != len(recs) {
		t.Errorf("%s: stats %+v with %d records", name, st, len(recs))
	}
	return recs, st, rd
}

func casesOf(t *testing.T, name string, recs []Record) []models.Case {
	t.Helper()
	var cs []models.Case
	for _, r := range recs {
		if r.Err != nil {
			t.Errorf("%s: row %d: %v", name, r.Row, r.Err)
			continue
		}
		c := *r.Case
		c.Seq = 0 // Excel stores STT as a number; not an identity anyway
		cs = append(cs, c)
	}
	sort.Slice(cs, func(i, j int) bool { return cs[i].Key < cs[j].Key })
	return cs
}

// TestFormatsGiveTheSameCases: every fixture written by testdata/gen from
// clean.csv (other encodings and delimiters, XLSX in the official form,
// JSON, NDJSON, Arrow IPC, Parquet) parses to exactly clean.csv's cases.
func TestFormatsGiveTheSameCases(t *testing.T) {
	recs, _, _ := readAll(t, "clean.csv", ReadOptions{}, nil)
	want := casesOf(t, "clean.csv", recs)
	if len(want) != 5 {
		t.Fatalf("clean.csv: %d cases, want 5", len(want))
	}
	for _, x := range []struct {
		file, format, encoding string
		ignored                int
	}{
		{"clean_bom_semicolon.csv", "csv", "utf-8", 0},
		{"clean_utf16le.txt", "csv", "utf-16le", 0},
		{"clean_cp1258.csv", "csv", "windows-1258", 1},
		// the notes sheet's line, two title rows, an empty row, the total row
		{"clean.xlsx", "xlsx", "", 5},
		{"clean.json", "json", "", 0},
		{"clean.ndjson", "json", "", 0},
		{"clean.arrow", "arrow", "", 0},
		{"clean.parquet", "parquet", "", 0},
	} {
		t.Run(x.file, func(t *testing.T) {
			recs, st, rd := readAll(t, x.file, ReadOptions{}, nil)
			got := casesOf(t, x.file, recs)
			if !reflect.DeepEqual(got, want) {
				for i := range min(len(got), len(want)) {
					if got[i] != want[i] {
						t.Errorf("case %d:\n got %+v\nwant %+v", i, got[i], want[i])
					}
				}
				t.Fatalf("%d cases, want %d", len(got), len(want))
			}
			if st.Ignored != x.ignored {
				t.Errorf("ignored %d, want %d", st.Ignored, x.ignored)
			}
			f := ""
			switch r := rd.(type) {
			case *CSVReader:
				f = "csv"
				if r.Encoding != x.encoding {
					t.Errorf("encoding %s, want %s", r.Encoding, x.encoding)
				}
			case *XLSXReader:
				f = "xlsx"
			case *JSONReader:
				f = "json"
			case *ArrowReader:
				f = r.Format()
			}
			if f != x.format {
				t.Errorf("format %s, want %s", f, x.format)
			}
		})
	}
}

// TestWindows1258IsNFC: the decoded text of a Windows-1258 file is in NFC
// (the code page writes tone marks as combining characters).
func TestWindows1258IsNFC(t *testing.T) {
	recs, _, _ := readAll(t, "clean_cp1258.csv", ReadOptions{}, nil)
	for _, r := range recs {
		if r.Case != nil && strings.HasPrefix(r.Case.Team, "Tổ hòa giải") {
			return // "ổ" and "ò" arrived precomposed
		}
	}
	t.Fatal("no team reads \"Tổ hòa giải ...\" in NFC")
}

func TestExplicitEncodingAndDelimiter(t *testing.T) {
	_, st, rd := readAll(t, "clean_utf16le.txt", ReadOptions{Encoding: "utf-16le", Delimiter: '\t'}, nil)
	if st.Emitted != 5 || rd.(*CSVReader).Comma != '\t' {
		t.Fatalf("stats %+v", st)
	}
	// The wrong encoding finds no header: the error says so.
	_, r := testGeo(t)
	rd2, c, err := OpenFile(filepath.Join("testdata", "clean_utf16le.txt"), ReadOptions{Encoding: "utf-8"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, err = Parse("x.txt", rd2, Options{Key: testKey, Resolver: r}, func(Record) error { return nil })
	if !errors.Is(err, ErrNoHeader) || !strings.Contains(err.Error(), "--encoding") {
		t.Fatalf("err = %v, want ErrNoHeader mentioning --encoding", err)
	}
	if _, _, err := OpenFile(filepath.Join("testdata", "clean.csv"), ReadOptions{Encoding: "koi8"}); err == nil {
		t.Fatal("unknown encoding accepted")
	}
}

func TestDetectEncoding(t *testing.T) {
	for _, x := range []struct {
		in   string
		want string
	}{
		{"\xef\xbb\xbfSTT", "utf-8"},
		{"\xff\xfeS\x00T\x00", "utf-16le"},
		{"\xfe\xff\x00S\x00T", "utf-16be"},
		{"S\x00T\x00T\x00,\x00", "utf-16le"},
		{"STT,Ngày", "utf-8"},
		{"STT,Ng\xe0y", "windows-1258"},
		{"STT,Ng\xc3", "utf-8"}, // a rune cut off at the end of the sniffed block
	} {
		if got := detectEncoding([]byte(x.in)); got != x.want {
			t.Errorf("detectEncoding(%q) = %s, want %s", x.in, got, x.want)
		}
	}
}

func TestExcelSerial(t *testing.T) {
	// Reference: serial = days since 30/12/1899 in the 1900 date system (Excel shows 45874 as 05/08/2025, 45365 as 14/03/2024; checked with Python date arithmetic).
	for s, want := range map[string]string{"45874": "2025-08-05", "45365": "2024-03-14", "45365.75": "2024-03-14"} {
		d, ok := excelSerial(s)
		if !ok || d.Format("2006-01-02") != want {
			t.Errorf("excelSerial(%s) = %v %v, want %s", s, d, ok, want)
		}
	}
	if _, ok := excelSerial("12"); ok {
		t.Error("12 taken as a date")
	}
}

// TestMappingPoliceCalls: the bundled mapping turns a police export into
// cases; an unknown ward and an unmapped call type are quarantined with
// reasons, and the caller's name is nowhere.
func TestMappingPoliceCalls(t *testing.T) {
	m, err := LoadMapping(filepath.Join("testdata", "police_calls.toml"))
	if err != nil {
		t.Fatal(err)
	}
	recs, st, _ := readAll(t, "police_calls.csv", ReadOptions{}, m)
	if want := (Stats{Read: 5, Emitted: 3, Quarantined: 2}); st != want {
		t.Fatalf("stats %+v, want %+v", st, want)
	}
	byRow := map[int]Record{}
	for _, r := range recs {
		byRow[r.Row] = r
	}
	c := byRow[2].Case
	if c == nil || c.Key != "id:CA-BD-0001" || c.Category != models.CategoryOther || c.Subtopic != models.SubtopicNoise ||
		c.Outcome != models.OutcomeInProgress || c.ReceivedDate.Format("2006-01-02") != "2025-08-05" || c.UnitCode != "00004" {
		t.Errorf("row 2: %+v", c)
	}
	if c := byRow[3].Case; c == nil || c.Category != models.CategoryFamily || c.ReferredTo != models.ReferralPolice {
		t.Errorf("row 3: %+v", c)
	}
	if e := byRow[5].Err; e == nil || e.Field != "unit_name" || !strings.Contains(e.Reason, "unknown unit name") {
		t.Errorf("row 5: %+v", byRow[5])
	}
	if e := byRow[6].Err; e == nil || e.Field != "category" || !strings.Contains(e.Reason, "TRAFFIC") {
		t.Errorf("row 6: %+v", byRow[6])
	}
	for _, r := range recs {
		if r.Err != nil && (strings.Contains(r.Err.Raw, "Hoàng Thị Dung") || strings.Contains(r.Err.Raw, "Đỗ Văn Em")) {
			t.Errorf("row %d: a caller's name in the quarantine: %s", r.Row, r.Err.Raw)
		}
	}
}

func TestMappingErrors(t *testing.T) {
	for _, x := range []struct{ text, want string }{
		{`[columns]
received = "x"`, "not a canonical field"},
		{`[colums]
received_date = "x"`, "unknown key"},
		{`name = "x"`, "no [columns]"},
		{`[columns]
outcome = "a"
[constants]
outcome = "b"`, "both"},
		{`[columns`, "mapping m.toml"},
	} {
		if _, err := ParseMapping("m.toml", x.text); err == nil || !strings.Contains(err.Error(), x.want) {
			t.Errorf("ParseMapping(%q) = %v, want an error with %q", x.text, err, x.want)
		}
	}
}

// TestMaskedCellsQuarantined: a quarantine export ingested again without
// restoring the masked parties is quarantined, not hashed as "[đã ẩn]".
func TestMaskedCellsQuarantined(t *testing.T) {
	_, r := testGeo(t)
	text := "STT,Ngày nhận,Xã/Phường,Họ tên các bên,Loại,Kết quả\n1,05/08/2025,Phường Ba Đình,[đã ẩn],Khác,Hòa giải thành\n"
	rd, err := NewCSVReader("q.csv", strings.NewReader(text), "", 0)
	if err != nil {
		t.Fatal(err)
	}
	var got *models.RowError
	if _, err := Parse("q.csv", rd, Options{Key: testKey, Resolver: r}, func(rec Record) error { got = rec.Err; return nil }); err != nil {
		t.Fatal(err)
	}
	if got == nil || got.Field != "parties" {
		t.Fatalf("got %+v, want a parties error", got)
	}
}

func TestDetectFormat(t *testing.T) {
	for _, x := range []struct {
		name, head string
		want       Format
	}{
		{"a.csv", "PK\x03\x04", FormatXLSX}, {"a.bin", "PAR1", FormatParquet}, {"a", "ARROW1", FormatArrow},
		{"a.txt", " [{", FormatJSON}, {"a.jsonl", "x", FormatJSON}, {"a.csv", "STT,", FormatCSV},
	} {
		if got := DetectFormat(x.name, []byte(x.head)); got != x.want {
			t.Errorf("DetectFormat(%s, %q) = %s, want %s", x.name, x.head, got, x.want)
		}
	}
	if _, err := os.Stat(filepath.Join("testdata", "gen", "main.go")); err != nil {
		t.Fatal("the fixtures' generator is missing")
	}
}
