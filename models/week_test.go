package models

import (
	"testing"
	"time"
)

func TestWeek(t *testing.T) {
	// ISO weeks checked against the ISO 8601 calendar (e.g. `date +%G-W%V`).
	cases := []struct {
		day  string
		week string
		mon  string
	}{
		{"2024-12-30", "2025-W01", "2024-12-30"},
		{"2021-01-03", "2020-W53", "2020-12-28"},
		{"2026-11-25", "2026-W48", "2026-11-23"},
		{"2025-07-01", "2025-W27", "2025-06-30"},
	}
	for _, c := range cases {
		d, _ := time.Parse("2006-01-02", c.day)
		w := WeekOf(d)
		if w.String() != c.week {
			t.Errorf("WeekOf(%s) = %s, want %s", c.day, w, c.week)
		}
		if got := w.Monday().Format("2006-01-02"); got != c.mon {
			t.Errorf("%s.Monday() = %s, want %s", w, got, c.mon)
		}
		p, err := ParseWeek(c.week)
		if err != nil || p != w {
			t.Errorf("ParseWeek(%s) = %v, %v", c.week, p, err)
		}
		if WeekFromIndex(w.Index()) != w {
			t.Errorf("index round trip of %s", w)
		}
	}
	if _, err := ParseWeek("2021-W53"); err == nil {
		t.Error("2021 has no week 53")
	}
	for _, bad := range []string{"", "2021", "2021-W00", "abcd-W01", "2021-W5x"} {
		if _, err := ParseWeek(bad); err == nil {
			t.Errorf("ParseWeek(%q) succeeded", bad)
		}
	}
	a, b := Week{2024, 50}, Week{2025, 3}
	if a.Sub(b) != -5 || a.Sub(a.Add(1)) != -1 {
		t.Errorf("negative differences: %d %d", a.Sub(b), a.Sub(a.Add(1)))
	}
	if b.Sub(a) != 5 || a.Add(5) != b || !a.Before(b) {
		t.Errorf("arithmetic: %d %v", b.Sub(a), a.Add(5))
	}
	// 18:00 UTC on Sunday 22/11/2026 is 01:00 Monday in Hanoi: week 47 is complete.
	now := time.Date(2026, 11, 22, 18, 0, 0, 0, time.UTC) // Monday 01:00 in UTC+7
	if got := LastCompleteWeek(now, time.FixedZone("ICT", 7*3600)); got.String() != "2026-W47" {
		t.Errorf("LastCompleteWeek = %s, want 2026-W47", got)
	}
}

func TestCaseValidate(t *testing.T) {
	d := time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC)
	ok := Case{Key: "k", ReceivedDate: d, UnitCode: "00004", Category: CategoryCivil, Outcome: OutcomeSettled}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	bad := ok
	bad.ClosedDate = d.AddDate(0, 0, -1)
	if err, _ := bad.Validate().(*FieldError); err == nil || err.Field != "closed_date" {
		t.Errorf("closed before received: %v", bad.Validate())
	}
	bad = ok
	bad.Outcome = "won"
	if err, _ := bad.Validate().(*FieldError); err == nil || err.Field != "outcome" {
		t.Errorf("bad outcome: %v", bad.Validate())
	}
}
