package scorecard_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/canhbao/canhbao/geo"
	"github.com/canhbao/canhbao/models"
	"github.com/canhbao/canhbao/warehouse"
)

// genSpec describes synthetic logbooks with known team-level settled rates,
// independent of simulate/ (which gives every team the same rate).
type genSpec struct {
	Seed       uint64
	From, To   time.Time // received dates
	Teams      int       // teams per unit
	PerTeam    int       // mean cases per team over the span (uniform ±50%)
	BaseRate   float64   // settled share among decided cases of ordinary teams
	InProgress float64   // share of cases still open
	// Planted gives the settled rate of every team of these units.
	Planted map[string]float64
	// Tiny lists units with exactly one case, not settled.
	Tiny []string
	// Spread, when > 0, draws each ordinary team's rate uniformly from
	// BaseRate ± Spread (over-dispersion between teams).
	Spread float64
}

// generate builds the cases of spec for the given unit codes.
func generate(spec genSpec, units []string) []models.Case {
	r := rand.New(rand.NewPCG(spec.Seed, 7))
	days := int(spec.To.Sub(spec.From).Hours()/24) + 1
	tiny := map[string]bool{}
	for _, u := range spec.Tiny {
		tiny[u] = true
	}
	var out []models.Case
	cats := models.Categories
	for _, u := range units {
		if tiny[u] {
			out = append(out, models.Case{Key: "id:" + u + "-tiny", ReceivedDate: spec.From.AddDate(0, 0, days/2),
				ClosedDate: spec.From.AddDate(0, 0, days/2+10), UnitCode: u, SourceUnitCode: u, Team: "Tổ hòa giải số 1",
				Category: models.CategoryOther, Subtopic: models.SubtopicNoise, Outcome: models.OutcomeNotSettled, PartiesHash: "p-tiny"})
			continue
		}
		for tm := 1; tm <= spec.Teams; tm++ {
			rate := spec.BaseRate
			if p, ok := spec.Planted[u]; ok {
				rate = p
			} else if spec.Spread > 0 {
				rate += spec.Spread * (2*r.Float64() - 1)
			}
			n := spec.PerTeam/2 + r.IntN(spec.PerTeam+1)
			for i := 0; i < n; i++ {
				recv := spec.From.AddDate(0, 0, r.IntN(days))
				c := models.Case{Key: fmt.Sprintf("id:%s-%d-%d", u, tm, i), ReceivedDate: recv, UnitCode: u,
					SourceUnitCode: u, Team: fmt.Sprintf("Tổ hòa giải số %d", tm), Category: cats[r.IntN(3)],
					Subtopic: models.SubtopicOther, PartiesHash: fmt.Sprintf("p-%s-%d", u, r.IntN(4*n+1))}
				switch {
				case r.Float64() < spec.InProgress:
					c.Outcome = models.OutcomeInProgress
				case r.Float64() < rate:
					c.Outcome = models.OutcomeSettled
					c.ClosedDate = recv.AddDate(0, 0, 1+r.IntN(20))
				default:
					c.Outcome = models.OutcomeNotSettled
					c.ClosedDate = recv.AddDate(0, 0, 1+r.IntN(40))
					c.ViolenceRisk = r.Float64() < 0.2
				}
				out = append(out, c)
			}
		}
	}
	return out
}

// openWarehouse opens a temp-file warehouse holding the given cases (the
// scorecard queries need no geography).
func openWarehouse(t *testing.T, cases []models.Case) *warehouse.Warehouse {
	t.Helper()
	ctx := context.Background()
	w, err := warehouse.Open(ctx, filepath.Join(t.TempDir(), "sc.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	if len(cases) > 0 {
		b := &warehouse.Batch{File: "gen.csv", SHA256: "0123456789abcdef0123", Read: len(cases), StartedAt: time.Now()}
		if err := w.IngestBatch(ctx, b, cases, nil); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// currentCodes lists the current unit codes of Hanoi.
func currentCodes(t *testing.T) []string {
	t.Helper()
	g, err := geo.LoadDir(filepath.Join("..", "..", "shared", "data", "hanoi"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, u := range g.Current() {
		out = append(out, u.Code)
	}
	return out
}

func day(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
