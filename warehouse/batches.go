package warehouse

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"time"

	"github.com/marcboeker/go-duckdb"

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
	StartedAt       time.Time `json:"started_at"`
	FinishedAt      time.Time `json:"finished_at"`
}

// BatchBySHA returns the loaded batch of a file with this content, if any.
func (w *Warehouse) BatchBySHA(ctx context.Context, sha string) (*Batch, error) {
	b := &Batch{}
	err := w.db.QueryRowContext(ctx, `SELECT batch_id, file, sha256, size_bytes, rows_read, loaded, updated,
		duplicate, quarantined, ignored, started_at, finished_at FROM ingest_batches
		WHERE sha256 = ? AND status = 'loaded' ORDER BY started_at LIMIT 1`, sha).Scan(
		&b.BatchID, &b.File, &b.SHA256, &b.SizeBytes, &b.Read, &b.Loaded, &b.Updated, &b.Duplicate,
		&b.Quarantined, &b.Ignored, &b.StartedAt, &b.FinishedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("warehouse: %w", err)
	}
	return b, nil
}

// caseColumns is the staging/cases column order written by the appender.
const caseColumns = `case_key, source_case_id, seq, received_date, closed_date, unit_code, source_unit_code,
	apportioned, village, team, parties_hash, summary_hash, category, subtopic, outcome, violence_risk,
	crime_signs, referred_to`

// changed is true when a staged case differs from the stored one in a field
// that a re-sent logbook may update.
const changed = `(s.closed_date IS DISTINCT FROM c.closed_date OR s.outcome <> c.outcome
	OR s.violence_risk <> c.violence_risk OR s.crime_signs <> c.crime_signs OR s.referred_to <> c.referred_to
	OR s.category <> c.category OR s.subtopic <> c.subtopic OR s.unit_code <> c.unit_code
	OR s.village IS DISTINCT FROM c.village OR s.team IS DISTINCT FROM c.team)`

// IngestBatch stores one file's cases and quarantined rows in a single
// transaction, so a file is either wholly loaded or not at all. b carries
// File, SHA256, SizeBytes, Read, Ignored and StartedAt; IngestBatch fills in
// the rest. Cases with a key already stored are duplicates when nothing
// changed, updates (old values kept in case_history) otherwise. Within the
// file, a repeated key keeps its last version.
func (w *Warehouse) IngestBatch(ctx context.Context, b *Batch, cases []models.Case, bad []*models.RowError) error {
	if b.BatchID == "" {
		b.BatchID = fmt.Sprintf("b-%s-%s", b.StartedAt.UTC().Format("20060102T150405.000000000Z"), b.SHA256[:12])
	}
	// Collapse repeats inside the file: the last version wins, identical
	// repeats count as duplicates and changed ones as updates.
	last := make(map[string]int, len(cases))
	uniq := cases[:0:0]
	inFileDup, inFileUpd := 0, 0
	for _, c := range cases {
		if i, ok := last[c.Key]; ok {
			if uniq[i] == c {
				inFileDup++
			} else {
				inFileUpd++
				uniq[i] = c
			}
			continue
		}
		last[c.Key] = len(uniq)
		uniq = append(uniq, c)
	}

	conn, err := w.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("warehouse: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE stage_cases AS
		SELECT `+caseColumns+` FROM cases LIMIT 0`); err != nil {
		return fmt.Errorf("warehouse: staging: %w", err)
	}
	if err := appendCases(conn, uniq); err != nil {
		return err
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("warehouse: %w", err)
	}
	defer tx.Rollback()
	count := func(q string) (int, error) {
		var n int
		err := tx.QueryRowContext(ctx, q).Scan(&n)
		return n, err
	}
	dup, err := count(`SELECT count(*) FROM stage_cases s JOIN cases c USING (case_key) WHERE NOT ` + changed)
	if err != nil {
		return fmt.Errorf("warehouse: %w", err)
	}
	upd, err := count(`SELECT count(*) FROM stage_cases s JOIN cases c USING (case_key) WHERE ` + changed)
	if err != nil {
		return fmt.Errorf("warehouse: %w", err)
	}
	steps := []struct {
		q    string
		args []any
	}{
		{`INSERT INTO case_history SELECT c.case_key, ?, c.closed_date, c.outcome, c.violence_risk, c.crime_signs,
			c.referred_to, c.category, c.subtopic, c.unit_code
			FROM stage_cases s JOIN cases c USING (case_key) WHERE ` + changed, []any{b.BatchID}},
		{`UPDATE cases c SET closed_date = s.closed_date, outcome = s.outcome, violence_risk = s.violence_risk,
			crime_signs = s.crime_signs, referred_to = s.referred_to, category = s.category, subtopic = s.subtopic,
			unit_code = s.unit_code, village = s.village, team = s.team, updated_batch_id = ?
			FROM stage_cases s WHERE s.case_key = c.case_key AND ` + changed, []any{b.BatchID}},
		{`INSERT INTO cases SELECT ` + caseColumns + `, ?, NULL FROM stage_cases s
			WHERE NOT EXISTS (SELECT 1 FROM cases c WHERE c.case_key = s.case_key)`, []any{b.BatchID}},
	}
	for _, s := range steps {
		if _, err := tx.ExecContext(ctx, s.q, s.args...); err != nil {
			return fmt.Errorf("warehouse: merge %s: %w", b.File, err)
		}
	}
	if len(bad) > 0 {
		st, err := tx.PrepareContext(ctx, `INSERT INTO quarantine VALUES (?,?,?,?,?,?)`)
		if err != nil {
			return fmt.Errorf("warehouse: %w", err)
		}
		for _, e := range bad {
			if _, err := st.ExecContext(ctx, b.BatchID, e.File, e.Row, e.Field, e.Reason, e.Raw); err != nil {
				return fmt.Errorf("warehouse: quarantine %s row %d: %w", e.File, e.Row, err)
			}
		}
		st.Close()
	}
	b.Duplicate = dup + inFileDup
	b.Updated = upd + inFileUpd
	b.Loaded = len(uniq) - dup - upd
	b.Quarantined = len(bad)
	b.FinishedAt = time.Now().UTC()
	if got := b.Loaded + b.Updated + b.Duplicate + b.Quarantined + b.Ignored; got != b.Read {
		return fmt.Errorf("warehouse: %s: accounting mismatch: read %d but loaded+updated+duplicate+quarantined+ignored = %d",
			b.File, b.Read, got)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO ingest_batches VALUES (?,?,?,?,'loaded',?,?,?,?,?,?,?,?)`,
		b.BatchID, b.File, b.SHA256, b.SizeBytes, b.Read, b.Loaded, b.Updated, b.Duplicate, b.Quarantined,
		b.Ignored, b.StartedAt.UTC(), b.FinishedAt); err != nil {
		return fmt.Errorf("warehouse: batch %s: %w", b.File, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("warehouse: commit %s: %w", b.File, err)
	}
	return nil
}

func appendCases(conn *sql.Conn, cases []models.Case) error {
	return conn.Raw(func(dc any) error {
		app, err := duckdb.NewAppenderFromConn(dc.(driver.Conn), "", "stage_cases")
		if err != nil {
			return fmt.Errorf("warehouse: appender: %w", err)
		}
		for i := range cases {
			c := &cases[i]
			var closed driver.Value
			if !c.ClosedDate.IsZero() {
				closed = c.ClosedDate
			}
			if err := app.AppendRow(c.Key, c.SourceCaseID, int32(c.Seq), c.ReceivedDate, closed, c.UnitCode,
				c.SourceUnitCode, c.Apportioned, c.Village, c.Team, c.PartiesHash, c.SummaryHash,
				string(c.Category), string(c.Subtopic), string(c.Outcome), c.ViolenceRisk, c.CrimeSigns,
				string(c.ReferredTo)); err != nil {
				app.Close()
				return fmt.Errorf("warehouse: append case %s: %w", c.Key, err)
			}
		}
		if err := app.Close(); err != nil {
			return fmt.Errorf("warehouse: appender: %w", err)
		}
		return nil
	})
}
