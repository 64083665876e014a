package simulate

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/canhbao/canhbao/models"
)

// arrivalRow is one row of arrivals.csv.
type arrivalRow struct {
	id, unit, file    string
	received, arrived time.Time
}

func readArrivals(t *testing.T, dir string) []arrivalRow {
	t.Helper()
	recs := readCSV(t, filepath.Join(dir, "arrivals.csv"))
	if strings.Join(recs[0], ",") != strings.Join(ArrivalsHeader, ",") {
		t.Fatalf("arrivals.csv header %q", recs[0])
	}
	var out []arrivalRow
	for _, r := range recs[1:] {
		rec, err1 := time.Parse(time.DateOnly, r[2])
		arr, err2 := time.Parse(time.DateOnly, r[3])
		if err1 != nil || err2 != nil {
			t.Fatalf("arrivals.csv row %q", r)
		}
		out = append(out, arrivalRow{r[0], r[1], r[4], rec, arr})
	}
	return out
}

// delayWeeks is the reporting delay in whole ISO weeks, as the warehouse
// counts it (arrival week index - received week index).
func delayWeeks(a arrivalRow) int {
	return models.WeekOf(a.arrived).Index() - models.WeekOf(a.received).Index()
}

func quantile(x []int, p float64) int {
	s := append([]int(nil), x...)
	sort.Ints(s)
	return s[int(p*float64(len(s)-1))]
}

// TestArrivals checks the delay model (docs in arrivals.go): most cases
// within 2-4 weeks, a tail of months, habitually late units later than the
// others, deliveries on Fridays and never in Tết week.
func TestArrivals(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Deliveries = 52
	sc := run(t, cfg)
	arr := readArrivals(t, sc.dir)
	byUnit := map[string][]int{}
	var all []int
	for _, a := range arr {
		if a.arrived.Before(a.received) {
			t.Fatalf("%s arrived %s before it was received %s", a.id, a.arrived, a.received)
		}
		if a.arrived.Weekday() != time.Friday || isTetWeek(models.WeekOf(a.arrived)) {
			t.Fatalf("%s arrived on %s, not a delivery day", a.id, a.arrived.Format("Mon 2006-01-02"))
		}
		d := delayWeeks(a)
		all = append(all, d)
		byUnit[a.unit] = append(byUnit[a.unit], d)
	}
	within := func(w int) float64 {
		n := 0
		for _, d := range all {
			if d <= w {
				n++
			}
		}
		return float64(n) / float64(len(all))
	}
	q := func(p float64) int { return quantile(all, p) }
	t.Logf("delay in weeks over %d cases: p10 %d, p25 %d, median %d, p75 %d, p90 %d, p95 %d, p99 %d, max %d; "+
		"within 2 weeks %.3f, 4 weeks %.3f, 8 weeks %.3f; %d late units of %d",
		len(all), q(0.1), q(0.25), q(0.5), q(0.75), q(0.9), q(0.95), q(0.99), q(1), within(2), within(4), within(8),
		sc.manifest.LateUnits, sc.manifest.Units)
	if m := q(0.5); m < 1 || m > 3 {
		t.Errorf("median delay %d weeks, want 1..3", m)
	}
	if w := within(4); w < 0.75 || w > 0.92 {
		t.Errorf("%.3f of cases within 4 weeks, want most (0.75..0.92)", w)
	}
	if w := 1 - within(8); w < 0.04 || w > 0.15 {
		t.Errorf("%.3f of cases later than 8 weeks, want a tail of 0.04..0.15", w)
	}
	if q(0.995) < 26 {
		t.Errorf("p99.5 delay %d weeks, want a tail of months (>= 26)", q(0.995))
	}
	if sc.manifest.LateUnits < 5 || sc.manifest.LateUnits > 30 {
		t.Errorf("%d habitually late units of %d", sc.manifest.LateUnits, sc.manifest.Units)
	}
	// Habitually late units: the units with the highest median delay stand
	// out from the typical unit.
	var medians []int
	for _, ds := range byUnit {
		if len(ds) >= 20 {
			medians = append(medians, quantile(ds, 0.5))
		}
	}
	if hi, mid := quantile(medians, 0.95), quantile(medians, 0.5); hi < mid+2 {
		t.Errorf("unit median delays: 95th percentile %d weeks vs median %d, want late units to stand out", hi, mid)
	}
}

// TestDeliveriesLayout checks where each row went: rows arrived by the
// cutoff in the monthly history files, later ones (also after To) in the
// file of their delivery day; and that the layout changes no row's content.
func TestDeliveriesLayout(t *testing.T) {
	cfg := short(date(2024, 1, 1), date(2025, 11, 23))
	cfg.InvalidRate = 0.01
	flat := run(t, cfg)
	cfg.Deliveries = 12
	sc := run(t, cfg)
	cutoff := cfg.To.AddDate(0, 0, -7*cfg.Deliveries)
	arr := readArrivals(t, sc.dir)
	where := map[string]arrivalRow{}
	pending := 0
	for _, a := range arr {
		where[a.id] = a
		if a.arrived.After(cfg.To) {
			pending++
		}
		switch {
		case a.arrived.After(cutoff):
			if want := deliveryName(a.arrived); a.file != want {
				t.Fatalf("%s arrived %s: in %q, want %q", a.id, a.arrived, a.file, want)
			}
		default:
			if want := "logbook_" + a.received.Format("2006-01") + ".csv"; a.file != want {
				t.Fatalf("%s received %s, arrived %s: in %q, want %q", a.id, a.received, a.arrived, a.file, want)
			}
		}
	}
	if pending == 0 || pending != sc.manifest.Pending || pending != sc.sum.Pending {
		t.Errorf("%d pending cases, manifest %d, summary %d", pending, sc.manifest.Pending, sc.sum.Pending)
	}
	if len(sc.rows) != len(arr)+sc.manifest.Resent || len(sc.rows) != sc.manifest.Rows || len(flat.rows) != len(arr) ||
		sc.manifest.Resent != sc.sum.Resent || sc.manifest.Resent == 0 {
		t.Errorf("rows: %d written (%d re-sent), %d in arrivals.csv, manifest %d; flat layout %d",
			len(sc.rows), sc.manifest.Resent, len(arr), sc.manifest.Rows, len(flat.rows))
	}
	before := 0
	for i, d := range sc.sum.Deliveries {
		if !d.Date.After(cfg.To) {
			before++
		}
		if i > 0 && !sc.sum.Deliveries[i-1].Date.Before(d.Date) {
			t.Errorf("deliveries out of order: %s then %s", sc.sum.Deliveries[i-1].Date, d.Date)
		}
	}
	if before < cfg.Deliveries-1 || before > cfg.Deliveries || len(sc.sum.Deliveries) <= before {
		t.Errorf("%d deliveries in the %d weeks to To, %d in all", before, cfg.Deliveries, len(sc.sum.Deliveries))
	}
	// Every case is first in the file arrivals.csv names; its last row has
	// the same content as in the flat layout (STT apart); a case written
	// twice went out in progress and came back closed in a later delivery,
	// after its closing date. Rows are numbered 1.. per file.
	flatRow := map[string]string{}
	for _, r := range flat.rows {
		flatRow[r.fields[colID]] = strings.Join(r.fields[1:], "|")
	}
	stt := map[string]int{}
	invalidRows, resent := 0, 0
	last := map[string]logRow{}
	for _, r := range sc.rows {
		id := r.fields[colID]
		a, ok := where[id]
		if !ok {
			t.Fatalf("row %s in %s is not in arrivals.csv", id, r.file)
		}
		if prev, seen := last[id]; !seen {
			if filepath.Base(a.file) != r.file {
				t.Fatalf("row %s first in %s, arrivals.csv says %q", id, r.file, a.file)
			}
		} else {
			resent++
			closed, ok := parseDate(r.fields[colClosed])
			if prev.fields[colOutcome] != "Đang giải quyết" || prev.fields[colClosed] != "" || !ok ||
				r.file != filepath.Base(deliveryName(nextDelivery(closed))) {
				t.Fatalf("case %s: %s %q then %s %q closed %q", id, prev.file, prev.fields[colOutcome], r.file,
					r.fields[colOutcome], r.fields[colClosed])
			}
		}
		last[id] = r
		stt[r.file]++
		if r.fields[colSTT] != fmt.Sprint(stt[r.file]) {
			t.Fatalf("%s: STT %s, want %d", r.file, r.fields[colSTT], stt[r.file])
		}
		if invalid(r.fields) != "" {
			invalidRows++
		}
	}
	for id, r := range last {
		if got := strings.Join(r.fields[1:], "|"); got != flatRow[id] {
			t.Fatalf("row %s differs between layouts:\n%s\n%s", id, got, flatRow[id])
		}
	}
	if resent != sc.manifest.Resent {
		t.Errorf("%d cases written twice, manifest says %d re-sent", resent, sc.manifest.Resent)
	}
	if invalidRows != sc.manifest.Invalid {
		t.Errorf("%d invalid rows written, manifest %d", invalidRows, sc.manifest.Invalid)
	}
	total := 0
	for _, n := range sc.manifest.CasesByYear {
		total += n
	}
	if total != sc.manifest.Rows-sc.manifest.Resent {
		t.Errorf("cases by year sum to %d, rows %d - re-sent %d", total, sc.manifest.Rows, sc.manifest.Resent)
	}
	// Deliveries come in the shapes real files take; the reader above
	// decoded each one back to the same rows.
	for _, f := range []string{FormatCSV, FormatSemicolon, FormatCP1258} {
		if sc.manifest.DeliveryFormats[f] == 0 {
			t.Errorf("no delivery written as %s: %v", f, sc.manifest.DeliveryFormats)
		}
	}
	if len(sc.sum.History) == 0 || filepath.Base(sc.sum.History[len(sc.sum.History)-1]) != "logbook_"+cutoff.Format("2006-01")+".csv" {
		t.Errorf("history files %v end before the cutoff's month %s", sc.sum.History, cutoff.Format("2006-01"))
	}
}
