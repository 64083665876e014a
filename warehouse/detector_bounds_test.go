package warehouse

import (
	"context"
	"math"
	"testing"

	"github.com/canhbao/canhbao/models"
)

// TestDetectorBounds stores per-week bounds of two units and reads them back
// ordered by unit and week, NaN as NULL; a duplicate unit-week fails and
// leaves none of the run's rows.
func TestDetectorBounds(t *testing.T) {
	ctx := context.Background()
	w := openTest(t)
	wk := models.Week{Year: 2026, Num: 10}
	bs := []DetectorBound{
		{UnitCode: "00008", Week: wk, Detector: "ears-c3", Observed: 4, UpperBound: 3.5, Alarm: true},
		{UnitCode: "00004", Week: wk, Detector: "noufaily", Observed: 1, UpperBound: math.NaN()},
		{UnitCode: "00004", Week: wk.Add(-1), Detector: "noufaily", Observed: 2, UpperBound: 6.25},
	}
	if err := w.SaveDetectorBounds(ctx, "run-a", bs); err != nil {
		t.Fatal(err)
	}
	got, err := w.DetectorBounds(ctx, "run-a")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0] != bs[2] || got[2] != bs[0] || got[1].Week != wk || !math.IsNaN(got[1].UpperBound) {
		t.Fatalf("DetectorBounds = %+v", got)
	}
	if err := w.SaveDetectorBounds(ctx, "run-b", []DetectorBound{bs[0], bs[0]}); err == nil {
		t.Error("duplicate bound accepted")
	}
	if b, _ := w.DetectorBounds(ctx, "run-b"); len(b) != 0 {
		t.Errorf("failed run left %d rows", len(b))
	}
	if b, err := w.DetectorBounds(ctx, "no-such-run"); err != nil || len(b) != 0 {
		t.Errorf("unknown run: %v, %d rows", err, len(b))
	}
}
