package warehouse

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/canhbao/canhbao/models"
)

// Batch is the accounting of one ingested file:
// Read = Loaded + Updated + Duplicate + Quarantined + Ignored.
type Batch struct {
	BatchID     string `json:"batch_id"`
	File        string `json:"file"`
	SHA256      string `json:"sha256"`
	SizeBytes   int64  `json:"size_bytes"`
	Read        int    `json:"read"`
	Loaded      int    `json:"loaded"`
	Updated     int    `json:"updated"`
	Duplicate   int    `json:"duplicate"`
	Quarantined int    `json:"quarantined"`
	Ignored     int    `json:"ignored"`
	// AlreadyIngested is set when a file with the same SHA-256 was loaded
	// before: nothing is written and every row counts as a duplicate.
	AlreadyIngested bool      `json:"already_ingested"`
	Format          string    `json:"format,omitempty"`   // csv, xlsx, json, parquet, arrow
	Encoding        string    `json:"encoding,omitempty"` // text formats: the encoding read
	StartedAt       time.Time `json:"started_at"`
	FinishedAt      time.Time `json:"finished_at"`
	// Arrived is the day the file reached the system (UTC date; zero means
	// the day of the ingest). A case's reporting delay is the arrival of the
	// batch that first loaded it minus its received date.
	Arrived time.Time `json:"arrived"`
	// Backfill marks a file of past records loaded at once: its delays are
	// not reporting delays and stay out of the reporting triangle.
	Backfill bool `json:"backfill"`
}

// BatchBySHA returns the loaded batch of a file with this content, if any.
func (w *Warehouse) BatchBySHA(ctx context.Context, sha string) (*Batch, error) {
	b := &Batch{}
	err := w.db.QueryRowContext(ctx, `SELECT batch_id, file, sha256, size_bytes, rows_read, loaded, updated,
		duplicate, quarantined, ignored, started_at, finished_at,
		coalesce(arrived_date, CAST(finished_at AS DATE)), coalesce(backfill, false) FROM ingest_batches
		WHERE sha256 = ? AND status = 'loaded' ORDER BY started_at LIMIT 1`, sha).Scan(
		&b.BatchID, &b.File, &b.SHA256, &b.SizeBytes, &b.Read, &b.Loaded, &b.Updated, &b.Duplicate,
		&b.Quarantined, &b.Ignored, &b.StartedAt, &b.FinishedAt, &b.Arrived, &b.Backfill)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("warehouse: %w", err)
	}
	return b, nil
}

// caseColumns is the staging/cases column order written by the appender.
// tension (migration 011) comes last in the Arrow record but after
// batch_id and updated_batch_id in the table, so every INSERT INTO cases
// names its columns (caseInsert).
const caseColumns = `case_key, source_case_id, seq, received_date, closed_date, unit_code, source_unit_code,
	apportioned, village, team, parties_hash, summary_hash, category, subtopic, outcome, violence_risk,
	crime_signs, referred_to, tension`

// caseInsert is the head of an INSERT of caseColumns, batch_id and
// updated_batch_id into cases.
const caseInsert = `INSERT INTO cases (` + caseColumns + `, batch_id, updated_batch_id) `

// changed is true when a staged case differs from the stored one in a field
// that a re-sent logbook may update.
const changed = `(s.closed_date IS DISTINCT FROM c.closed_date OR s.outcome <> c.outcome
	OR s.violence_risk <> c.violence_risk OR s.crime_signs <> c.crime_signs OR s.referred_to <> c.referred_to
	OR s.category <> c.category OR s.subtopic <> c.subtopic OR s.unit_code <> c.unit_code
	OR s.village IS DISTINCT FROM c.village OR s.team IS DISTINCT FROM c.team
	OR s.tension IS DISTINCT FROM c.tension)`

// IngestBatch stores one file's cases and quarantined rows in a single
// transaction through a BatchWriter (see there).
func (w *Warehouse) IngestBatch(ctx context.Context, b *Batch, cases []models.Case, bad []*models.RowError) error {
	bw, err := w.BeginBatch(ctx, b)
	if err != nil {
		return err
	}
	defer bw.Close()
	for i := range cases {
		if err := bw.AddCase(&cases[i]); err != nil {
			return err
		}
	}
	for _, e := range bad {
		if err := bw.AddRowError(e, ""); err != nil {
			return err
		}
	}
	return bw.Commit()
}
