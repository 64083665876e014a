package charts

import (
	"fmt"
	"sort"

	"github.com/canhbao/canhbao/models"
)

// tableRow is one flagged unit in the table, every cell already formatted.
type tableRow struct {
	Rank                                int
	Tier, TierCode                      string
	Name, Code                          string
	Score, Observed, Expected, Ratio, Q string
	Serious                             string
	Reasons                             []string
}

// flaggedRows lists the flagged units by descending score (ties by code)
// with the numbers behind each flag and the reasons in words.
func flaggedRows(d *ReportData, l *locale) []tableRow {
	units := make(map[string]models.Unit, len(d.Units))
	for _, u := range d.Units {
		units[u.Code] = u
	}
	var flagged []*models.Indicator
	for i := range d.Indicators {
		if d.Indicators[i].Flagged {
			flagged = append(flagged, &d.Indicators[i])
		}
	}
	sort.SliceStable(flagged, func(i, j int) bool {
		a, b := flagged[i], flagged[j]
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		return a.UnitCode < b.UnitCode
	})
	rows := make([]tableRow, 0, len(flagged))
	for i, ind := range flagged {
		u, ok := units[ind.UnitCode]
		if !ok {
			u = models.Unit{Code: ind.UnitCode}
		}
		r := tableRow{
			Rank:     i + 1,
			Tier:     l.Tiers[ind.Tier],
			TierCode: string(ind.Tier),
			Name:     unitName(u),
			Code:     ind.UnitCode,
			Score:    l.num(ind.Score, 2),
			Observed: l.count(ind.Observed),
			Expected: l.num(ind.Expected, 1),
			Ratio:    l.num(ind.Ratio, 1),
			Serious:  fmt.Sprintf(l.SeriousCell, l.count(ind.Serious), l.pct(ind.SeriousShare)),
			Q:        l.prob(ind.QValue),
		}
		for _, code := range ind.Reasons {
			r.Reasons = append(r.Reasons, l.reason(code, ind, d.Window))
		}
		rows = append(rows, r)
	}
	return rows
}
