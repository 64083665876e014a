package scorecard_test

import (
	"bytes"
	"context"
	"slices"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/canhbao/canhbao/scorecard"
)

// planted are units whose every team settles about half its cases, far
// below the city's ~88%; "00025" has a single case, not settled.
var planted = map[string]float64{"00004": 0.45, "00070": 0.50, "00091": 0.55, "00118": 0.40}

func h1Spec() genSpec {
	return genSpec{Seed: 42, From: day(2026, 1, 1), To: day(2026, 6, 30), Teams: 3, PerTeam: 16,
		BaseRate: 0.88, InProgress: 0.04, Planted: planted, Tiny: []string{"00025"}}
}

// TestWeakUnitsFound: on logbooks with known team-level settled rates the
// units planted far below the city are weak at 99.8%, no ordinary unit is,
// and the unit with one bad case is not (its lower limit is 0).
func TestWeakUnitsFound(t *testing.T) {
	ctx := context.Background()
	spec := h1Spec()
	units := currentCodes(t)
	w := openWarehouse(t, generate(spec, units))
	p, _ := scorecard.ParsePeriod("2026-H1")
	tallies, err := w.Scorecard(ctx, p.From, p.To, day(2026, 7, 31))
	if err != nil {
		t.Fatal(err)
	}
	card, err := scorecard.Build(tallies, scorecard.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"00004", "00070", "00091", "00118"}
	if got := card.WeakUnits(); !slices.Equal(got, want) {
		t.Errorf("weak units %v, want %v", got, want)
	}
	t.Logf("city settled rate %.3f, phi %.3f adjusted %v; teams phi %.3f adjusted %v",
		card.UnitSettled.Target, card.UnitSettled.Phi, card.UnitSettled.Adjusted, card.TeamSettled.Phi, card.TeamSettled.Adjusted)
	for _, u := range card.Units {
		if u.UnitCode == "00025" {
			if u.Weak || u.Decided() != 1 || u.Settled.Rate != 0 || !u.Below80 {
				t.Errorf("tiny unit: weak=%v decided=%d rate=%v below80=%v", u.Weak, u.Decided(), u.Settled.Rate, u.Below80)
			}
		}
	}
	// Teams: at 99.8% each ordinary team has about a 0.1% chance of falling
	// below the lower limit by chance, so about 0.4 of the ~370 ordinary
	// teams are expected there; allow 2. A planted team (rate 0.40–0.55 on
	// 8–24 cases) is below the limit with probability roughly 0.5–0.9, so at
	// least half of them must be found.
	falseTeams, plantedTeams := 0, 0
	for _, tm := range card.Teams {
		_, bad := planted[tm.UnitCode]
		switch {
		case tm.Weak && bad:
			plantedTeams++
		case tm.Weak:
			falseTeams++
			t.Logf("ordinary team %s/%s below the limit: %d/%d", tm.UnitCode, tm.Team, tm.Tally.Settled, tm.Decided())
		}
	}
	if falseTeams > 2 || plantedTeams < 3*len(planted)/2 {
		t.Errorf("weak teams: %d ordinary (want ≤ 2), %d of the %d planted (want ≥ %d)", falseTeams, plantedTeams,
			3*len(planted), 3*len(planted)/2)
	}
	// Over-dispersed teams (rates 0.88 ± 0.10) without planted units: φ > 1
	// is detected and widens the limits.
	spec2 := h1Spec()
	spec2.Planted, spec2.Spread, spec2.PerTeam, spec2.Seed = nil, 0.10, 60, 3
	w2 := openWarehouse(t, generate(spec2, units))
	tallies2, err := w2.Scorecard(ctx, p.From, p.To, day(2026, 7, 31))
	if err != nil {
		t.Fatal(err)
	}
	card2, err := scorecard.Build(tallies2, scorecard.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !card2.TeamSettled.Adjusted || card2.TeamSettled.Phi <= 1 {
		t.Errorf("team funnel with spread rates: phi %.3f adjusted %v, want adjusted", card2.TeamSettled.Phi, card2.TeamSettled.Adjusted)
	}
	t.Logf("over-dispersed: teams phi %.3f (chi2 p %.2g); units phi %.3f adjusted %v", card2.TeamSettled.Phi,
		card2.TeamSettled.ChiSqP, card2.UnitSettled.Phi, card2.UnitSettled.Adjusted)
}

// TestOfficialTableTotals: the table's city row equals the warehouse's own
// counts, the annual table drawn up on 31/10 is projected and marked, and
// the workbook reads back with the same totals.
func TestOfficialTableTotals(t *testing.T) {
	ctx := context.Background()
	units := currentCodes(t)
	spec := h1Spec()
	spec.From, spec.To = day(2025, 1, 1), day(2026, 10, 31)
	spec.PerTeam = 30
	w := openWarehouse(t, generate(spec, units))
	db := w.DB()

	p, _ := scorecard.ParsePeriod("2026-H1")
	asOf := day(2026, 12, 31) // after every closing date
	tallies, err := w.Scorecard(ctx, p.From, p.To, asOf)
	if err != nil {
		t.Fatal(err)
	}
	teams, err := w.TeamCounts(ctx, p.To)
	if err != nil {
		t.Fatal(err)
	}
	tab, err := scorecard.BuildTable(p, asOf, units, nil, teams, tallies, scorecard.LastYear{})
	if err != nil {
		t.Fatal(err)
	}
	var rec, set, not, inp, civ, fam, oth, nteams int
	db.QueryRow(`SELECT count(*), count(*) FILTER (WHERE outcome='settled'), count(*) FILTER (WHERE outcome='not_settled'),
		count(*) FILTER (WHERE outcome='in_progress'), count(*) FILTER (WHERE category='civil'),
		count(*) FILTER (WHERE category='family'), count(*) FILTER (WHERE category='other')
		FROM cases WHERE received_date BETWEEN DATE '2026-01-01' AND DATE '2026-06-30'`).Scan(&rec, &set, &not, &inp, &civ, &fam, &oth)
	db.QueryRow(`SELECT count(*) FROM (SELECT DISTINCT unit_code, team FROM cases WHERE received_date <= DATE '2026-06-30')`).Scan(&nteams)
	c := tab.City
	if rec == 0 || c.Received != rec || c.Settled != set || c.NotSettled != not || c.InProgress != inp ||
		c.ByCategory != [3]int{civ, fam, oth} || c.Teams != nteams {
		t.Errorf("city row %+v, warehouse received %d settled %d not %d in progress %d categories %d/%d/%d teams %d",
			c, rec, set, not, inp, civ, fam, oth, nteams)
	}
	if tab.Projected || len(tab.Rows) != 126 {
		t.Errorf("H1 table drawn after the period: projected %v, %d rows", tab.Projected, len(tab.Rows))
	}

	// Annual estimate on 31/10/2026: observed to date, projected by 2025's share.
	y, _ := scorecard.ParsePeriod("2026")
	asOf = day(2026, 10, 31)
	tallies, err = w.Scorecard(ctx, y.From, y.To, asOf)
	if err != nil {
		t.Fatal(err)
	}
	ly := y.YearEarlier()
	toDate, _ := w.CountReceived(ctx, ly.From, asOf.AddDate(-1, 0, 0))
	total, _ := w.CountReceived(ctx, ly.From, ly.To)
	est, err := scorecard.BuildTable(y, asOf, units, nil, teams, tallies, scorecard.LastYear{ToDate: toDate, Total: total})
	if err != nil {
		t.Fatal(err)
	}
	db.QueryRow(`SELECT count(*) FROM cases WHERE received_date BETWEEN DATE '2026-01-01' AND DATE '2026-10-31'`).Scan(&rec)
	if !est.Projected || est.Method != scorecard.ProjectLastYear || est.City.Received != rec {
		t.Fatalf("annual estimate: projected %v method %q observed %d (warehouse %d)", est.Projected, est.Method, est.City.Received, rec)
	}
	// Uniform received dates over 2025: the share by 31/10 is about 304/365.
	if est.Factor < 1.1 || est.Factor > 1.3 {
		t.Errorf("projection factor %v, want about 365/304 = 1.20", est.Factor)
	}
	sum := 0
	for _, r := range est.Estimate {
		sum += r.Received
		if r.Settled+r.NotSettled+r.InProgress != r.Received || r.ByCategory[0]+r.ByCategory[1]+r.ByCategory[2] != r.Received {
			t.Errorf("estimate row %s parts do not add up: %+v", r.UnitCode, r)
		}
	}
	if sum != est.EstimateCity.Received {
		t.Errorf("estimate rows sum %d, city %d", sum, est.EstimateCity.Received)
	}

	var buf bytes.Buffer
	if err := scorecard.WriteXLSX(&buf, est); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !slices.Equal(got, []string{scorecard.SheetResults, scorecard.SheetObserved}) {
		t.Errorf("sheets %v", got)
	}
	rows, _ := f.GetRows(scorecard.SheetResults)
	head := rows[4]
	if head[4] != "Tổng số vụ, việc tiếp nhận"+scorecard.ProjectedMark || head[9] != "Tranh chấp phát sinh từ quan hệ dân sự"+scorecard.ProjectedMark {
		t.Errorf("estimate headers %q", head)
	}
	last := rows[len(rows)-1]
	if last[2] != scorecard.CityName || last[4] != itoa(est.EstimateCity.Received) {
		t.Errorf("estimate city row %q, want received %d", last, est.EstimateCity.Received)
	}
	obs, _ := f.GetRows(scorecard.SheetObserved)
	if l := obs[len(obs)-1]; l[4] != itoa(rec) {
		t.Errorf("observed city row %q, want received %d", l, rec)
	}
}
