package charts

import (
	"fmt"
	"html/template"
	"sort"

	"github.com/canhbao/canhbao/models"
)

// overviewPage is index.html: headline figures, the risk map, the flagged
// list sorted by risk, the units cleared this week and the city trend.
func (r *renderer) overviewPage(geo []byte) (*pageSpec, error) {
	d, l := r.d, r.l
	mapOpt, err := optionJSON(newMapChart(d, l, r))
	if err != nil {
		return nil, err
	}
	trendOpt, err := trendOptionJSON(d, l)
	if err != nil {
		return nil, err
	}
	pg := &pageSpec{Title: l.title(d.Week), GeoJSON: template.JS(geo)}
	pg.Sections = append(pg.Sections,
		section{ID: "headline", Heading: l.Headline, Figures: r.headline()},
		section{ID: "map", Heading: l.MapHeading, Note: l.MapNote, Key: tierKey(l),
			Charts: []chartView{{ID: MapChartID, Height: 640, Option: template.JS(mapOpt)}}},
		section{ID: "flagged", Heading: l.TableHeading, Table: r.flaggedTable()},
	)
	if cl := r.clearedList(); len(cl) > 0 {
		pg.Sections = append(pg.Sections, section{ID: "cleared", Heading: l.P.ClearedHeading, List: cl})
	}
	pg.Sections = append(pg.Sections, section{ID: "trend", Heading: l.TrendHeading,
		Note:   cityNowcastNote(d),
		Charts: []chartView{{ID: TrendChartID, Height: 380, Option: template.JS(trendOpt)}}})
	return pg, nil
}

// headline: cases of the week and of the window against the same weeks a
// year earlier, the settled share, and units flagged with what changed.
func (r *renderer) headline() []figure {
	d, l := r.d, r.l
	var obs, exp, ser float64
	flagged := 0
	for _, ind := range d.Indicators {
		obs += ind.Observed
		exp += ind.Expected
		ser += ind.Serious
		if ind.Flagged {
			flagged++
		}
	}
	week, lastYearWeek, okWeek := cityWindow(d.CityTrend, d.Week, 1)
	win, lastYearWin, okWin := cityWindow(d.CityTrend, d.Week, d.Window)
	figs := []figure{}
	if okWeek {
		figs = append(figs, figure{Label: l.P.CasesWeek, Value: r.cnt(week), Sub: r.vsLastYear(week, lastYearWeek)})
	}
	f := figure{Label: fmt.Sprintf(l.CasesWindow, d.Window), Value: r.cnt(obs)}
	if okWin {
		f.Sub = r.vsLastYear(win, lastYearWin)
	}
	figs = append(figs, f,
		figure{Label: l.ExpectedTotal, Value: l.num(exp, 1)},
		figure{Label: fmt.Sprintf(l.SeriousWindow, d.Window), Value: r.cnt(ser)})
	if len(d.Settled) > 0 {
		var s, dec float64
		for _, v := range d.Settled {
			s += v.Settled
			dec += v.Decided
		}
		if dec > 0 {
			figs = append(figs, figure{Label: fmt.Sprintf(l.P.SettledShare, d.SettledWeeks), Value: l.pct(s / dec),
				Sub: fmt.Sprintf(l.P.SettledOf, r.cnt(s), r.cnt(dec))})
		}
	}
	ff := figure{Label: l.FlaggedUnits, Value: fmt.Sprintf(l.FlaggedOf, l.num(float64(flagged), 0), l.num(float64(len(d.Units)), 0))}
	counts := map[models.Change]int{}
	known := false
	for _, u := range d.Units {
		c := r.change(u.Code)
		counts[c]++
		if c != models.ChangeNone {
			known = true
		}
	}
	if known || r.prev != nil {
		ff.Sub = fmt.Sprintf(l.P.ChangeCounts, counts[models.ChangeNew]+counts[models.ChangeEscalated],
			counts[models.ChangePersisting], counts[models.ChangeCleared])
	} else {
		ff.Sub = l.P.NoPrevious
	}
	return append(figs, ff)
}

// cityWindow sums the n weeks ending at wk and the same weeks 52 weeks
// earlier; ok is false when the trend does not reach back that far.
func cityWindow(trend []WeekTotal, wk models.Week, n int) (now, lastYear float64, ok bool) {
	by := make(map[models.Week]float64, len(trend))
	for _, t := range trend {
		by[t.Week] = t.Cases
	}
	for i := 0; i < n; i++ {
		a, okA := by[wk.Add(-i)]
		b, okB := by[wk.Add(-i-52)]
		if !okA || !okB {
			return 0, 0, false
		}
		now += a
		lastYear += b
	}
	return now, lastYear, true
}

func (r *renderer) vsLastYear(now, before float64) string {
	if before == 0 {
		return fmt.Sprintf(r.l.P.VsLastYearNone, r.cnt(before))
	}
	return fmt.Sprintf(r.l.P.VsLastYear, r.cnt(before), r.l.signedPct(now/before-1))
}

// flaggedTable lists the flagged units, most at risk first (ties by code).
func (r *renderer) flaggedTable() *tableView {
	l := r.l
	var flagged []*models.Indicator
	hasProb := false
	for i := range r.d.Indicators {
		if ind := &r.d.Indicators[i]; ind.Flagged {
			flagged = append(flagged, ind)
			hasProb = hasProb || ind.Probability >= 0
		}
	}
	sort.SliceStable(flagged, func(i, j int) bool {
		a, b := riskKey(flagged[i]), riskKey(flagged[j])
		if a != b {
			return a > b
		}
		return flagged[i].UnitCode < flagged[j].UnitCode
	})
	t := &tableView{Empty: l.TableNone,
		Head: []string{l.ColRank, l.ColTier, l.ColUnit, l.P.ColChange}}
	if hasProb {
		t.Head = append(t.Head, l.P.ColProbability)
	}
	t.Head = append(t.Head, l.ColScore, l.ColObserved, l.ColExpected, l.ColRatio, l.ColSerious, l.ColQ, l.ColReasons)
	for i, ind := range flagged {
		row := []cell{
			{Text: fmt.Sprint(i + 1), Class: "n"},
			{Text: l.Tiers[ind.Tier], Class: "tier tier-" + string(ind.Tier)},
			{Text: r.unitName(ind.UnitCode), Sub: ind.UnitCode, Href: unitLink("", ind.UnitCode)},
			{Text: l.P.Changes[r.change(ind.UnitCode)]},
		}
		if hasProb {
			row = append(row, cell{Text: l.probability(ind.Probability), Class: "n"})
		}
		row = append(row,
			cell{Text: l.num(ind.Score, 2), Class: "n"},
			cell{Text: r.cnt(ind.Observed), Class: "n"},
			cell{Text: l.num(ind.Expected, 1), Class: "n"},
			cell{Text: l.num(ind.Ratio, 1), Class: "n"},
			cell{Text: fmt.Sprintf(l.SeriousCell, r.cnt(ind.Serious), l.pct(ind.SeriousShare)), Class: "n"},
			cell{Text: l.prob(ind.QValue), Class: "n"},
			cell{List: r.drivers(ind)},
		)
		t.Rows = append(t.Rows, row)
	}
	return t
}

// clearedList names the units flagged last week and not this week.
func (r *renderer) clearedList() []string {
	var out []string
	for _, u := range sortedUnits(r.d.Units) {
		if r.change(u.Code) == models.ChangeCleared {
			out = append(out, unitName(u)+" ("+u.Code+")")
		}
	}
	return out
}
