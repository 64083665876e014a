package warehouse

import (
	"testing"
	"time"
)

func TestBackfillRule(t *testing.T) {
	arrived := day(2025, 11, 21) // a Friday delivery
	files := []struct {
		name string
		rows func(add func(time.Time))
		want bool
	}{
		{"empty file", func(func(time.Time)) {}, false},
		{"weekly delivery, no tail", func(add func(time.Time)) {
			for i := 0; i < 200; i++ {
				add(arrived.AddDate(0, 0, -3-i%25)) // 3..27 days late
			}
		}, false},
		{"weekly delivery, a quarter of it 2-12 months late", func(add func(time.Time)) {
			for i := 0; i < 150; i++ {
				add(arrived.AddDate(0, 0, -3-i%25))
			}
			for i := 0; i < 50; i++ {
				add(arrived.AddDate(0, 0, -60-i*6)) // up to 354 days late
			}
		}, false},
		{"one case of a quiet unit, 5 months late", func(add func(time.Time)) {
			add(arrived.AddDate(0, -5, 0))
		}, false},
		{"a commune's 12 forgotten pages, 8 months late", func(add func(time.Time)) {
			for i := 0; i < 12; i++ {
				add(arrived.AddDate(0, -8, -i))
			}
		}, false},
		{"rows dated after the file (typing errors)", func(add func(time.Time)) {
			for i := 0; i < 30; i++ {
				add(arrived.AddDate(0, 0, i))
			}
		}, false},
		{"a year of history loaded at once", func(add func(time.Time)) {
			for i := 0; i < 365; i++ {
				add(arrived.AddDate(0, 0, -i))
			}
		}, true},
		{"one month from two years ago", func(add func(time.Time)) {
			for i := 0; i < 30; i++ { // BackfillMinRows or more
				add(arrived.AddDate(-2, 0, -i))
			}
		}, true},
		{"40 weeks of recent records", func(add func(time.Time)) {
			for i := 0; i < 280; i++ {
				add(arrived.AddDate(0, 0, -i))
			}
		}, true},
		{"20 weeks of recent records", func(add func(time.Time)) {
			for i := 0; i < 140; i++ {
				add(arrived.AddDate(0, 0, -i))
			}
		}, false},
	}
	for _, f := range files {
		var r ReceivedDates
		f.rows(r.Add)
		if got := r.Backfill(arrived); got != f.want {
			t.Errorf("%s (%d rows): backfill %v, want %v", f.name, r.Len(), got, f.want)
		}
	}
}
