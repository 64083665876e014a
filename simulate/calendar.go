package simulate

import (
	"time"

	"github.com/canhbao/canhbao/models"
)

// tetDates holds the first day of the Vietnamese lunar year (UTC+7), which in
// 2030 falls a day before the Chinese new year.
var tetDates = map[int]time.Time{
	2015: date(2015, 2, 19), 2016: date(2016, 2, 8), 2017: date(2017, 1, 28),
	2018: date(2018, 2, 16), 2019: date(2019, 2, 5), 2020: date(2020, 1, 25),
	2021: date(2021, 2, 12), 2022: date(2022, 2, 1), 2023: date(2023, 1, 22),
	2024: date(2024, 2, 10), 2025: date(2025, 1, 29), 2026: date(2026, 2, 17),
	2027: date(2027, 2, 6), 2028: date(2028, 1, 26), 2029: date(2029, 2, 13),
	2030: date(2030, 2, 2), 2031: date(2031, 1, 23), 2032: date(2032, 2, 11),
	2033: date(2033, 1, 31), 2034: date(2034, 2, 19), 2035: date(2035, 2, 8),
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// tetFactors are the seasonal multipliers for the weeks from three before Tết
// week to one after it. Their excess over 1 sums to 0.1 week, which
// seasonNorm removes so the factors average 1 over a year.
var tetFactors = [...]float64{1.2, 1.3, 1.35, 0.45, 0.8}

const (
	weeksPerYear = 365.2425 / 7
	seasonNorm   = weeksPerYear / (weeksPerYear + 0.1)
)

// season returns the Tết multiplier of ISO week w (normalised).
func season(w models.Week) float64 {
	mon := w.Monday()
	f := 1.0
	for _, y := range []int{mon.Year(), mon.Year() + 1} {
		t, ok := tetDates[y]
		if !ok {
			continue
		}
		d := w.Index() - models.WeekOf(t).Index() // not Week.Sub, which truncates negative differences toward zero
		if d >= -3 && d <= 1 {
			f = tetFactors[d+3]
		}
	}
	return f * seasonNorm
}

// weekdayWeight is the relative intake on a weekday (Sunday fewest); the
// weights average 1 over a week.
func weekdayWeight(d time.Weekday) float64 {
	w := [7]float64{0.6, 1.1, 1.1, 1.1, 1.1, 1.05, 0.85} // Sunday..Saturday; sum 6.9
	return w[d] * 7 / 6.9
}
