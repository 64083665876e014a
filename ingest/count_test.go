package ingest

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestMappingWeeklyCounts: a row of an aggregated source stands for its
// count of cases, each with its own key; a count of 0 is an ignored row; a
// count that is not a whole number in 0..maxRowCount, or a row of an
// unknown neighbourhood, is quarantined with the field and reason.
func TestMappingWeeklyCounts(t *testing.T) {
	m, err := LoadMapping(filepath.Join("testdata", "weekly_counts.toml"))
	if err != nil {
		t.Fatal(err)
	}
	recs, st, _ := readAll(t, "weekly_counts.csv", ReadOptions{}, m)
	// 3 + 2 + 1 cases, one row of 0 ignored, three rows quarantined
	if want := (Stats{Read: 3 + 2 + 1 + 1 + 3, Emitted: 6, Quarantined: 3, Ignored: 1}); st != want {
		t.Fatalf("stats %+v, want %+v", st, want)
	}
	keys := map[string]bool{}
	perRow := map[int]int{}
	for _, r := range recs {
		if r.Case == nil {
			continue
		}
		if keys[r.Case.Key] {
			t.Errorf("row %d: key %s twice", r.Row, r.Case.Key)
		}
		keys[r.Case.Key] = true
		perRow[r.Row]++
		if r.Aggregated || r.Case.UnitCode == "" || r.Case.ReceivedDate.Weekday() != time.Monday {
			t.Errorf("row %d: %+v", r.Row, r)
		}
		if i := strings.LastIndexByte(r.Case.Key, '#'); i < 0 || !strings.HasPrefix(r.Case.Key, "c:") {
			t.Errorf("row %d: key %s, want c:<content>#k", r.Row, r.Case.Key)
		}
	}
	if perRow[2] != 3 || perRow[4] != 2 || perRow[8] != 1 {
		t.Errorf("cases per row %v, want row 2: 3, row 4: 2, row 8: 1", perRow)
	}
	want := map[int]string{5: "count", 6: "unit_name", 7: "count"}
	for _, r := range recs {
		if r.Err == nil {
			continue
		}
		if want[r.Row] != r.Err.Field {
			t.Errorf("row %d quarantined on %q (%s), want %q", r.Row, r.Err.Field, r.Err.Reason, want[r.Row])
		}
		delete(want, r.Row)
	}
	if len(want) > 0 {
		t.Errorf("not quarantined: rows %v", want)
	}
}

func TestParseCount(t *testing.T) {
	for s, want := range map[string]int{"0": 0, "12": 12, " 7 ": 7, "3.0": 3, "100000": 100000} {
		if n, err := parseCount(s); err != nil || n != want {
			t.Errorf("parseCount(%q) = %d, %v; want %d", s, n, err, want)
		}
	}
	for _, s := range []string{"", "-1", "2.5", "abc", "100001", "1e9"} {
		if n, err := parseCount(s); err == nil {
			t.Errorf("parseCount(%q) = %d, want an error", s, n)
		}
	}
}

func TestParseDateISOWeek(t *testing.T) {
	for s, want := range map[string]string{"2025-W32": "2025-08-04", "2025W01": "2024-12-30", "2020-W53": "2020-12-28", "2001-W1": "2001-01-01"} {
		d, err := parseDate(s)
		if err != nil || d.Format("2006-01-02") != want {
			t.Errorf("parseDate(%q) = %v, %v; want %s", s, d, err, want)
		}
	}
	for _, s := range []string{"2025-W54", "2021-W53", "2025-Wxx", "2025-W0"} {
		if _, err := parseDate(s); err == nil {
			t.Errorf("parseDate(%q): want an error", s)
		}
	}
}

// TestMappingTemplateYearWeek: a column given as a template over two source
// columns ("{year}-W{week}") reads panels that give the ISO year and week
// apart (R's sts exports); a row missing one of them is quarantined as a
// missing date.
func TestMappingTemplateYearWeek(t *testing.T) {
	m, err := ParseMapping("m.toml", `[columns]
received_date = "{year}-W{week}"
unit_name = "unit"
count = "count"
[constants]
category = "Khác"
outcome = "Đang giải quyết"`)
	if err != nil {
		t.Fatal(err)
	}
	recs, st, _ := readAll(t, "year_week_counts.csv", ReadOptions{}, m)
	if want := (Stats{Read: 2 + 1 + 1 + 1, Emitted: 3, Quarantined: 1, Ignored: 1}); st != want {
		t.Fatalf("stats %+v, want %+v", st, want)
	}
	for _, r := range recs {
		switch {
		case r.Case != nil && r.Case.ReceivedDate.Format("2006-01-02") != "2025-08-04":
			t.Errorf("row %d: received %s, want 2025-08-04 (2025-W32)", r.Row, r.Case.ReceivedDate)
		case r.Err != nil && (r.Row != 5 || r.Err.Field != "received_date"):
			t.Errorf("row %d quarantined: %+v", r.Row, r.Err)
		}
	}
	for _, bad := range []string{`[columns]
received_date = "{year-W{week}"`, `[columns]
received_date = "{}-W{week}"`} {
		if _, err := ParseMapping("m.toml", bad); err == nil {
			t.Errorf("ParseMapping(%q): want an error", bad)
		}
	}
}
