package analysis_test

import (
	"fmt"

	"github.com/canhbao/canhbao/analysis"
	"github.com/canhbao/canhbao/models"
)

// A unit whose logbooks arrive one or two weeks late: 10 cases a week, of
// which 20% arrive in the week itself, 50% a week later, 30% two weeks later.
// As of the end of week 12, week 12 shows 2 cases and week 11 shows 7; the
// nowcast puts both back at 10, with the uncertainty of what is still to come.
func ExampleNowcastPanel() {
	start := models.Week{Year: 2026, Num: 1}
	now := start.Add(11)
	var cells []analysis.DelayCell
	seen := make([]float64, 12)
	for t := 0; t < 12; t++ {
		for d, n := range []float64{2, 5, 3} {
			if t+d <= 11 {
				cells = append(cells, analysis.DelayCell{Unit: "00004", Received: start.Add(t), Delay: d, N: n})
				seen[t] += n
			}
		}
	}
	set, _ := analysis.BuildTriangles(cells, start, now, 4, nil)
	dd, _ := analysis.EstimateDelay(set.Pooled, analysis.DelayConfig{MaxDelay: 4, Window: 52, Kappa: 0.1})
	cfg := analysis.DefaultNowcastConfig()
	cfg.Weeks = 3
	nc, err := analysis.NowcastPanel(analysis.NowcastInput{Units: []string{"00004"}, Start: start,
		Counts: [][]float64{seen}, Now: now, Pooled: dd}, cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, w := range nc.Units[0].Weeks {
		fmt.Printf("%s: seen %.0f (%.0f%% reported), nowcast %.1f, 90%% interval %.0f-%.0f\n",
			w.Week, w.Observed, 100*w.Reported, w.Mean, w.Lower, w.Upper)
	}
	// Output:
	// 2026-W10: seen 10 (100% reported), nowcast 10.0, 90% interval 10-10
	// 2026-W11: seen 7 (70% reported), nowcast 10.0, 90% interval 7-13
	// 2026-W12: seen 2 (20% reported), nowcast 10.0, 90% interval 5-16
}
