package models

import (
	"fmt"
	"strconv"
	"time"
)

// Week is an ISO 8601 week (Monday to Sunday), written YYYY-Www.
type Week struct {
	Year int
	Num  int
}

// WeekOf returns the ISO week that contains t (calendar date, time of day ignored).
func WeekOf(t time.Time) Week {
	y, w := t.ISOWeek()
	return Week{Year: y, Num: w}
}

// ParseWeek parses "YYYY-Www" (also accepts "YYYYWww" and "YYYY-ww").
func ParseWeek(s string) (Week, error) {
	bad := fmt.Errorf("models: week %q: want YYYY-Www", s)
	var ys, ws string
	switch {
	case len(s) == 8 && s[4] == '-' && (s[5] == 'W' || s[5] == 'w'):
		ys, ws = s[:4], s[6:]
	case len(s) == 7 && (s[4] == 'W' || s[4] == 'w' || s[4] == '-'):
		ys, ws = s[:4], s[5:]
	default:
		return Week{}, bad
	}
	y, err1 := strconv.Atoi(ys)
	w, err2 := strconv.Atoi(ws)
	if err1 != nil || err2 != nil || ws[0] == '+' || ws[0] == '-' {
		return Week{}, bad
	}
	wk := Week{Year: y, Num: w}
	if err := wk.Validate(); err != nil {
		return Week{}, err
	}
	return wk, nil
}

// Validate reports whether the week exists in its ISO year.
func (w Week) Validate() error {
	if w.Year < 1900 || w.Year > 2999 || w.Num < 1 || w.Num > 53 {
		return fmt.Errorf("models: week %04d-W%02d out of range", w.Year, w.Num)
	}
	if WeekOf(w.Monday()) != w {
		return fmt.Errorf("models: year %d has no week %d", w.Year, w.Num)
	}
	return nil
}

// Monday returns the first day of the week (UTC midnight).
func (w Week) Monday() time.Time {
	// 4 January is always in ISO week 1.
	jan4 := time.Date(w.Year, 1, 4, 0, 0, 0, 0, time.UTC)
	off := (int(jan4.Weekday()) + 6) % 7 // days since Monday
	return jan4.AddDate(0, 0, -off+(w.Num-1)*7)
}

// Sunday returns the last day of the week (UTC midnight).
func (w Week) Sunday() time.Time { return w.Monday().AddDate(0, 0, 6) }

// Add returns the week n weeks later (n may be negative).
func (w Week) Add(n int) Week { return WeekOf(w.Monday().AddDate(0, 0, 7*n)) }

// Sub returns the number of weeks from v to w (w - v).
func (w Week) Sub(v Week) int {
	// Both are UTC Mondays, so the difference is an exact number of days.
	days := (w.Monday().Unix() - v.Monday().Unix()) / 86400
	return int(days / 7)
}

// Before reports whether w is earlier than v.
func (w Week) Before(v Week) bool {
	return w.Year < v.Year || (w.Year == v.Year && w.Num < v.Num)
}

// String formats the week as YYYY-Www.
func (w Week) String() string { return fmt.Sprintf("%04d-W%02d", w.Year, w.Num) }

// Index is a dense week number (weeks since Monday 1970-01-05), handy as a key.
func (w Week) Index() int { return w.Sub(Week{1970, 2}) }

// WeekFromIndex is the inverse of Index.
func WeekFromIndex(i int) Week { return Week{1970, 2}.Add(i) }

// LastCompleteWeek returns the last ISO week that ended before now, with now
// read in the given location (Asia/Ho_Chi_Minh for the weekly batch).
func LastCompleteWeek(now time.Time, loc *time.Location) Week {
	if loc != nil {
		now = now.In(loc)
	}
	d := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	return WeekOf(d).Add(-1)
}
