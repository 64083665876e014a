package warehouse

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// BatchRun is the record of one weekly batch run.
type BatchRun struct {
	RunID      string
	Week       string
	Status     string // running | ok | rejected | quality | failed | interrupted
	StartedAt  time.Time
	FinishedAt time.Time // zero while running
	Timings    string    // JSON
	Counts     string    // JSON
	Settings   string    // JSON
	Versions   string    // JSON
	Message    string
}

// StartBatchRun records a run that has just started (status "running").
func (w *Warehouse) StartBatchRun(ctx context.Context, r BatchRun) error {
	_, err := w.db.ExecContext(ctx, `INSERT INTO batch_runs VALUES (?,?,?,?,NULL,?,?,?,?,?)`,
		r.RunID, r.Week, r.Status, r.StartedAt.UTC(), jsonOr(r.Timings), jsonOr(r.Counts), jsonOr(r.Settings),
		jsonOr(r.Versions), r.Message)
	if err != nil {
		return fmt.Errorf("warehouse: batch run %s: %w", r.RunID, err)
	}
	return nil
}

// FinishBatchRun stores the outcome of a run started with StartBatchRun.
func (w *Warehouse) FinishBatchRun(ctx context.Context, r BatchRun) error {
	res, err := w.db.ExecContext(ctx, `UPDATE batch_runs SET status = ?, finished_at = ?, timings = ?, counts = ?,
		message = ? WHERE run_id = ?`, r.Status, r.FinishedAt.UTC(), jsonOr(r.Timings), jsonOr(r.Counts), r.Message, r.RunID)
	if err != nil {
		return fmt.Errorf("warehouse: batch run %s: %w", r.RunID, err)
	}
	if n, err := res.RowsAffected(); err == nil && n != 1 {
		return fmt.Errorf("warehouse: batch run %s: not found", r.RunID)
	}
	return nil
}

// MarkInterrupted sets status "interrupted" on every run still "running"
// other than keep; the caller must hold the run lock, so those runs died.
func (w *Warehouse) MarkInterrupted(ctx context.Context, keep string) (int, error) {
	res, err := w.db.ExecContext(ctx, `UPDATE batch_runs SET status = 'interrupted',
		message = 'the process ended before the run finished' WHERE status = 'running' AND run_id <> ?`, keep)
	if err != nil {
		return 0, fmt.Errorf("warehouse: %w", err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// BatchRuns returns the newest limit runs, newest first.
func (w *Warehouse) BatchRuns(ctx context.Context, limit int) ([]BatchRun, error) {
	rows, err := w.db.QueryContext(ctx, `SELECT run_id, week, status, started_at, finished_at, timings, counts,
		settings, versions, message FROM batch_runs ORDER BY started_at DESC, run_id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("warehouse: %w", err)
	}
	defer rows.Close()
	var out []BatchRun
	for rows.Next() {
		var r BatchRun
		var fin sql.NullTime
		if err := rows.Scan(&r.RunID, &r.Week, &r.Status, &r.StartedAt, &fin, &r.Timings, &r.Counts, &r.Settings,
			&r.Versions, &r.Message); err != nil {
			return nil, fmt.Errorf("warehouse: %w", err)
		}
		r.StartedAt = r.StartedAt.UTC()
		if fin.Valid {
			r.FinishedAt = fin.Time.UTC()
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// HasGeography reports whether current units have been loaded.
func (w *Warehouse) HasGeography(ctx context.Context) (bool, error) {
	var n int
	if err := w.db.QueryRowContext(ctx, `SELECT count(*) FROM units WHERE vintage = 'current'`).Scan(&n); err != nil {
		return false, fmt.Errorf("warehouse: %w", err)
	}
	return n > 0, nil
}

// EngineVersion returns the DuckDB version string.
func (w *Warehouse) EngineVersion(ctx context.Context) (string, error) {
	var v string
	if err := w.db.QueryRowContext(ctx, `SELECT version()`).Scan(&v); err != nil {
		return "", fmt.Errorf("warehouse: %w", err)
	}
	return v, nil
}

func jsonOr(s string) string {
	if s == "" {
		return "{}"
	}
	return s
}

// QuarantineShare returns the quarantined rows and the data rows (read minus
// ignored) of the batches that loaded or last updated a case received between
// from and to (inclusive): a measure of the quality of the logbooks behind a
// report window that depends on the warehouse content only.
func (w *Warehouse) QuarantineShare(ctx context.Context, from, to time.Time) (quarantined, rows int, err error) {
	err = w.db.QueryRowContext(ctx, `WITH b AS (
			SELECT batch_id FROM cases WHERE received_date BETWEEN ? AND ?
			UNION SELECT updated_batch_id FROM cases WHERE received_date BETWEEN ? AND ? AND updated_batch_id IS NOT NULL)
		SELECT CAST(coalesce(sum(quarantined), 0) AS BIGINT), CAST(coalesce(sum(rows_read - ignored), 0) AS BIGINT)
		FROM ingest_batches WHERE batch_id IN (SELECT batch_id FROM b)`, from, to, from, to).Scan(&quarantined, &rows)
	if err != nil {
		return 0, 0, fmt.Errorf("warehouse: %w", err)
	}
	return quarantined, rows, nil
}
