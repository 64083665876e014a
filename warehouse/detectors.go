package warehouse

import (
	"context"
	"database/sql/driver"
	"fmt"
	"math"

	"github.com/marcboeker/go-duckdb"

	"github.com/canhbao/canhbao/models"
)

// DetectorResult is one detector's verdict on one unit and week of a run.
// NaN numbers are stored as NULL and read back as NaN.
type DetectorResult struct {
	UnitCode   string
	Week       models.Week
	Detector   string // escalation, farrington, noufaily, cusum, glrnb, ears-c1, ...
	Observed   float64
	Expected   float64
	UpperBound float64
	Alarm      bool
	PValue     float64
	Settings   string // JSON; "{}" when empty
}

// DetectorBound is the alarm bound of the detector analyze chose for a unit
// (noufaily or ears-c3) in one week of the locality chart (table
// detector_bounds, migration 010). NaN is stored as NULL and read back as NaN.
type DetectorBound struct {
	UnitCode   string
	Week       models.Week
	Detector   string
	Observed   float64
	UpperBound float64
	Alarm      bool
}

// SpatialResult holds the spatial and trend statistics of one unit and week
// of a run. NaN numbers are stored as NULL and read back as NaN.
type SpatialResult struct {
	UnitCode     string
	Week         models.Week
	Value        float64 // the value the statistics were computed on
	GiZ          float64 // Getis–Ord Gi* z-score
	GiP, GiQ     float64 // two-sided p-value and BH q-value across units
	MoranI       float64 // local Moran's I
	MoranP       float64
	MoranQ       float64
	Quadrant     string // High-High, Low-Low, High-Low, Low-High or ""
	HotSpotClass string // analysis.HotSpotClass.String(), "no pattern" when none
	MKTau, MKP   float64
	Settings     string // JSON; "{}" when empty
}

// SaveDetectorResults appends a run's detector results through the DuckDB
// Appender (millions of rows for a national panel). When appending fails
// the run's rows already written are removed.
func (w *Warehouse) SaveDetectorResults(ctx context.Context, runID string, rs []DetectorResult) error {
	return w.appendRows(ctx, "detector_results", runID, len(rs), func(i int) []driver.Value {
		r := rs[i]
		return []driver.Value{runID, r.UnitCode, r.Week.String(), r.Detector, nullNaN(r.Observed), nullNaN(r.Expected),
			nullNaN(r.UpperBound), r.Alarm, nullNaN(r.PValue), jsonOrEmpty(r.Settings)}
	})
}

// SaveSpatialResults appends a run's spatial results (see SaveDetectorResults).
func (w *Warehouse) SaveSpatialResults(ctx context.Context, runID string, rs []SpatialResult) error {
	return w.appendRows(ctx, "spatial_results", runID, len(rs), func(i int) []driver.Value {
		r := rs[i]
		return []driver.Value{runID, r.UnitCode, r.Week.String(), nullNaN(r.Value), nullNaN(r.GiZ), nullNaN(r.GiP),
			nullNaN(r.GiQ), nullNaN(r.MoranI), nullNaN(r.MoranP), nullNaN(r.MoranQ), r.Quadrant, r.HotSpotClass,
			nullNaN(r.MKTau), nullNaN(r.MKP), jsonOrEmpty(r.Settings)}
	})
}

// SaveDetectorBounds appends a run's per-week detector bounds (see
// SaveDetectorResults).
func (w *Warehouse) SaveDetectorBounds(ctx context.Context, runID string, bs []DetectorBound) error {
	return w.appendRows(ctx, "detector_bounds", runID, len(bs), func(i int) []driver.Value {
		b := bs[i]
		return []driver.Value{runID, b.UnitCode, b.Week.String(), b.Detector, nullNaN(b.Observed),
			nullNaN(b.UpperBound), b.Alarm}
	})
}

// DetectorBounds returns a run's per-week detector bounds ordered by unit and
// week; none for a run analysed before migration 010.
func (w *Warehouse) DetectorBounds(ctx context.Context, runID string) ([]DetectorBound, error) {
	rows, err := w.db.QueryContext(ctx, `SELECT unit_code, week, detector, coalesce(observed, 'NaN'::DOUBLE),
		coalesce(upperbound, 'NaN'::DOUBLE), alarm FROM detector_bounds WHERE run_id = ? ORDER BY unit_code, week`, runID)
	if err != nil {
		return nil, fmt.Errorf("warehouse: %w", err)
	}
	defer rows.Close()
	var out []DetectorBound
	for rows.Next() {
		var b DetectorBound
		var week string
		if err := rows.Scan(&b.UnitCode, &week, &b.Detector, &b.Observed, &b.UpperBound, &b.Alarm); err != nil {
			return nil, fmt.Errorf("warehouse: %w", err)
		}
		if b.Week, err = models.ParseWeek(week); err != nil {
			return nil, fmt.Errorf("warehouse: detector bound of %s: %w", b.UnitCode, err)
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// appendRows writes n rows of table (an identifier from this file only).
func (w *Warehouse) appendRows(ctx context.Context, table, runID string, n int, row func(i int) []driver.Value) error {
	if n == 0 {
		return nil
	}
	conn, err := w.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("warehouse: %w", err)
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		ap, err := duckdb.NewAppenderFromConn(dc.(driver.Conn), "", table)
		if err != nil {
			return err
		}
		for i := 0; i < n; i++ {
			if err := ap.AppendRow(row(i)...); err != nil {
				ap.Close()
				return err
			}
		}
		return ap.Close()
	})
	if err != nil {
		// Remove what was flushed before the failure so the run is all or nothing.
		w.db.ExecContext(ctx, `DELETE FROM `+table+` WHERE run_id = ?`, runID)
		return fmt.Errorf("warehouse: %s of run %s: %w", table, runID, err)
	}
	return nil
}

// DetectorResults returns a run's detector results ordered by unit, week
// and detector; detector "" means all detectors.
func (w *Warehouse) DetectorResults(ctx context.Context, runID, detector string) ([]DetectorResult, error) {
	rows, err := w.db.QueryContext(ctx, `SELECT unit_code, week, detector, coalesce(observed, 'NaN'::DOUBLE),
		coalesce(expected, 'NaN'::DOUBLE), coalesce(upperbound, 'NaN'::DOUBLE), alarm, coalesce(pvalue, 'NaN'::DOUBLE), settings
		FROM detector_results WHERE run_id = ? AND (? = '' OR detector = ?) ORDER BY unit_code, week, detector`,
		runID, detector, detector)
	if err != nil {
		return nil, fmt.Errorf("warehouse: %w", err)
	}
	defer rows.Close()
	var out []DetectorResult
	for rows.Next() {
		var r DetectorResult
		var week string
		if err := rows.Scan(&r.UnitCode, &week, &r.Detector, &r.Observed, &r.Expected, &r.UpperBound, &r.Alarm,
			&r.PValue, &r.Settings); err != nil {
			return nil, fmt.Errorf("warehouse: %w", err)
		}
		if r.Week, err = models.ParseWeek(week); err != nil {
			return nil, fmt.Errorf("warehouse: detector result of %s: %w", r.UnitCode, err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// SpatialResults returns a run's spatial results ordered by unit and week.
func (w *Warehouse) SpatialResults(ctx context.Context, runID string) ([]SpatialResult, error) {
	nan := func(c string) string { return "coalesce(" + c + ", 'NaN'::DOUBLE)" }
	rows, err := w.db.QueryContext(ctx, `SELECT unit_code, week, `+nan("value")+`, `+nan("gi_z")+`, `+nan("gi_p")+`, `+
		nan("gi_q")+`, `+nan("moran_i")+`, `+nan("moran_p")+`, `+nan("moran_q")+`, quadrant, hotspot_class, `+
		nan("mk_tau")+`, `+nan("mk_p")+`, settings FROM spatial_results WHERE run_id = ? ORDER BY unit_code, week`, runID)
	if err != nil {
		return nil, fmt.Errorf("warehouse: %w", err)
	}
	defer rows.Close()
	var out []SpatialResult
	for rows.Next() {
		var r SpatialResult
		var week string
		if err := rows.Scan(&r.UnitCode, &week, &r.Value, &r.GiZ, &r.GiP, &r.GiQ, &r.MoranI, &r.MoranP, &r.MoranQ,
			&r.Quadrant, &r.HotSpotClass, &r.MKTau, &r.MKP, &r.Settings); err != nil {
			return nil, fmt.Errorf("warehouse: %w", err)
		}
		if r.Week, err = models.ParseWeek(week); err != nil {
			return nil, fmt.Errorf("warehouse: spatial result of %s: %w", r.UnitCode, err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// nullNaN stores NaN and ±Inf as NULL.
func nullNaN(v float64) driver.Value {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return v
}

func jsonOrEmpty(s string) string {
	if s == "" {
		return "{}"
	}
	return s
}
