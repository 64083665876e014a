package warehouse

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/marcboeker/go-duckdb"

	"github.com/canhbao/canhbao/models"
)

// chunkRows is how many rows a BatchWriter buffers before appending them to
// the staging tables: memory is bounded by it, not by the file's size.
const chunkRows = 1 << 15

// BatchWriter stages one file's rows and then stores them in a single
// transaction, so a file is either wholly loaded or not at all: rows are
// appended in chunks (cases as an Arrow record inserted through a
// registered view, quarantined rows with the DuckDB Appender) to TEMP
// staging tables, which a
// killed process leaves nowhere, and Commit merges them into cases,
// case_history and quarantine and records the batch in one transaction. A
// rerun finds no loaded batch for the file's SHA-256 and does it all again.
//
// Cases with a key already stored are duplicates when nothing changed,
// updates (old values kept in case_history) otherwise. Within the file, a
// repeated key keeps its last version: a repeat identical to the version
// before it counts as a duplicate, a changed one as an update.
type BatchWriter struct {
	w      *Warehouse
	ctx    context.Context
	conn   *sql.Conn
	b      *Batch
	cases  []models.Case
	bad    []badRow
	staged int64 // cases handed to the staging table so far (the ord of the next is staged+1)
	badOrd int64
	nBad   int
	views  int // Arrow views registered so far (each chunk has its own name)

	// One chunk of cases may be in flight, appended by a goroutine while
	// the caller parses the next one (see handOff); the connection is used
	// by nobody else until wait returns.
	pending  chan error
	inflight []models.Case // the chunk being appended
	spare    []models.Case // a drained chunk's buffer, reused
	err      error         // the first staging failure, returned from then on
}

type badRow struct {
	e     models.RowError
	cells string
}

// BeginBatch starts a batch. b carries File, SHA256, SizeBytes and
// StartedAt (Format and Encoding if known); Read and Ignored are set
// before Commit, which fills in the rest. Close the writer when done.
func (w *Warehouse) BeginBatch(ctx context.Context, b *Batch) (*BatchWriter, error) {
	if b.BatchID == "" && b.SHA256 != "" {
		b.BatchID = batchID(b)
	}
	conn, err := w.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("warehouse: %w", err)
	}
	bw := &BatchWriter{w: w, ctx: ctx, conn: conn, b: b}
	for _, q := range []string{
		`CREATE OR REPLACE TEMP TABLE stage_cases AS SELECT ` + caseColumns + `, 0::BIGINT AS ord FROM cases LIMIT 0`,
		`CREATE OR REPLACE TEMP TABLE stage_bad (ord BIGINT, file VARCHAR, row_num INTEGER, field VARCHAR,
			reason VARCHAR, raw VARCHAR, cells VARCHAR)`,
	} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			conn.Close()
			return nil, fmt.Errorf("warehouse: staging: %w", err)
		}
	}
	return bw, nil
}

// BatchSizeSeen reports whether a loaded batch had a file of this many
// bytes. A file of a size never seen cannot be one already ingested, so
// its SHA-256 can be taken while it is parsed instead of in a pass before
// (see ingest.NewHashingReader); only a file whose size matches is hashed
// first, to be skipped unparsed when its content matches too.
func (w *Warehouse) BatchSizeSeen(ctx context.Context, size int64) (bool, error) {
	var n int
	if err := w.db.QueryRowContext(ctx, `SELECT count(*) FROM ingest_batches WHERE size_bytes = ? AND status = 'loaded'`,
		size).Scan(&n); err != nil {
		return false, fmt.Errorf("warehouse: %w", err)
	}
	return n > 0, nil
}

// batchID names a batch by its start time and SHA-256. A file hashed while
// it is parsed has no SHA-256 at BeginBatch: Commit names its batch.
func batchID(b *Batch) string {
	sha := b.SHA256
	if len(sha) > 12 {
		sha = sha[:12]
	}
	return fmt.Sprintf("b-%s-%s", b.StartedAt.UTC().Format("20060102T150405.000000000Z"), sha)
}

// AddCase stages a case (copied).
func (bw *BatchWriter) AddCase(c *models.Case) error {
	if bw.err != nil {
		return bw.err
	}
	bw.cases = append(bw.cases, *c)
	if len(bw.cases) >= chunkRows {
		return bw.handOff()
	}
	return nil
}

// handOff appends the buffered chunk of cases in the background, so that
// building its Arrow record and DuckDB's INSERT overlap with the parse of
// the next chunk instead of stalling the parse pipeline (they used to take
// turns: ~30% of a 5M-row ingest). At most one chunk is in flight, which
// keeps memory bounded by two chunks.
func (bw *BatchWriter) handOff() error {
	if err := bw.wait(); err != nil {
		return err
	}
	full, base := bw.cases, bw.staged
	bw.staged += int64(len(full))
	bw.inflight, bw.cases, bw.spare = full, bw.spare[:0], nil
	done := make(chan error, 1)
	bw.pending = done
	go func() {
		done <- bw.conn.Raw(func(dc any) error { return bw.appendCases(dc.(driver.Conn), full, base) })
	}()
	return nil
}

// wait waits for the chunk in flight, if any, and returns the first
// staging failure.
func (bw *BatchWriter) wait() error {
	if bw.pending != nil {
		err := <-bw.pending
		bw.pending = nil
		bw.spare, bw.inflight = bw.inflight[:0], nil
		if err != nil && bw.err == nil {
			bw.err = err
		}
	}
	return bw.err
}

// AddRowError stages a quarantined row; cells is its JSON cell list (may
// be "").
func (bw *BatchWriter) AddRowError(e *models.RowError, cells string) error {
	if bw.err != nil {
		return bw.err
	}
	bw.bad = append(bw.bad, badRow{*e, cells})
	bw.nBad++
	if len(bw.bad) >= chunkRows {
		return bw.flush()
	}
	return nil
}

// flush appends the buffered rows to the staging tables, after the chunk
// in flight.
func (bw *BatchWriter) flush() error {
	if err := bw.wait(); err != nil {
		return err
	}
	cases, base := bw.cases, bw.staged
	bw.staged += int64(len(cases))
	err := bw.conn.Raw(func(dc any) error {
		if len(cases) > 0 {
			if err := bw.appendCases(dc.(driver.Conn), cases, base); err != nil {
				return err
			}
		}
		if len(bw.bad) > 0 {
			app, err := duckdb.NewAppenderFromConn(dc.(driver.Conn), "", "stage_bad")
			if err != nil {
				return fmt.Errorf("warehouse: appender: %w", err)
			}
			for i := range bw.bad {
				e := &bw.bad[i]
				bw.badOrd++
				var cells driver.Value
				if e.cells != "" {
					cells = e.cells
				}
				if err := app.AppendRow(bw.badOrd, e.e.File, int32(e.e.Row), e.e.Field, e.e.Reason, e.e.Raw, cells); err != nil {
					app.Close()
					return fmt.Errorf("warehouse: quarantine %s row %d: %w", e.e.File, e.e.Row, err)
				}
			}
			if err := app.Close(); err != nil {
				return fmt.Errorf("warehouse: appender: %w", err)
			}
		}
		return nil
	})
	bw.cases, bw.bad = bw.cases[:0], bw.bad[:0]
	if err != nil && bw.err == nil {
		bw.err = err
	}
	return err
}

// caseSchema is stage_cases as Arrow columns (caseColumns, then ord).
var caseSchema = arrow.NewSchema([]arrow.Field{
	{Name: "case_key", Type: arrow.BinaryTypes.String},
	{Name: "source_case_id", Type: arrow.BinaryTypes.String},
	{Name: "seq", Type: arrow.PrimitiveTypes.Int32},
	{Name: "received_date", Type: arrow.FixedWidthTypes.Date32},
	{Name: "closed_date", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
	{Name: "unit_code", Type: arrow.BinaryTypes.String},
	{Name: "source_unit_code", Type: arrow.BinaryTypes.String},
	{Name: "apportioned", Type: arrow.FixedWidthTypes.Boolean},
	{Name: "village", Type: arrow.BinaryTypes.String},
	{Name: "team", Type: arrow.BinaryTypes.String},
	{Name: "parties_hash", Type: arrow.BinaryTypes.String},
	{Name: "summary_hash", Type: arrow.BinaryTypes.String},
	{Name: "category", Type: arrow.BinaryTypes.String},
	{Name: "subtopic", Type: arrow.BinaryTypes.String},
	{Name: "outcome", Type: arrow.BinaryTypes.String},
	{Name: "violence_risk", Type: arrow.FixedWidthTypes.Boolean},
	{Name: "crime_signs", Type: arrow.FixedWidthTypes.Boolean},
	{Name: "referred_to", Type: arrow.BinaryTypes.String},
	{Name: "ord", Type: arrow.PrimitiveTypes.Int64},
}, nil)

func date32(t time.Time) arrow.Date32 { return arrow.Date32(t.Unix() / 86400) }

// appendCases stages cases (ord base+1, base+2, ...) as one Arrow record, read by DuckDB
// through a registered view in one INSERT (much faster than the Appender,
// which crosses cgo once per value). The view can be read once only, so
// it is materialised at once, and released only after the INSERT is done.
func (bw *BatchWriter) appendCases(dc driver.Conn, cases []models.Case, base int64) error {
	b := array.NewRecordBuilder(memory.DefaultAllocator, caseSchema)
	defer b.Release()
	b.Reserve(len(cases))
	str := func(i int) *array.StringBuilder { return b.Field(i).(*array.StringBuilder) }
	boolean := func(i int) *array.BooleanBuilder { return b.Field(i).(*array.BooleanBuilder) }
	for i := range cases {
		c := &cases[i]
		str(0).Append(c.Key)
		str(1).Append(c.SourceCaseID)
		b.Field(2).(*array.Int32Builder).Append(int32(c.Seq))
		b.Field(3).(*array.Date32Builder).Append(date32(c.ReceivedDate))
		if c.ClosedDate.IsZero() {
			b.Field(4).AppendNull()
		} else {
			b.Field(4).(*array.Date32Builder).Append(date32(c.ClosedDate))
		}
		str(5).Append(c.UnitCode)
		str(6).Append(c.SourceUnitCode)
		boolean(7).Append(c.Apportioned)
		str(8).Append(c.Village)
		str(9).Append(c.Team)
		str(10).Append(c.PartiesHash)
		str(11).Append(c.SummaryHash)
		str(12).Append(string(c.Category))
		str(13).Append(string(c.Subtopic))
		str(14).Append(string(c.Outcome))
		boolean(15).Append(c.ViolenceRisk)
		boolean(16).Append(c.CrimeSigns)
		str(17).Append(string(c.ReferredTo))
		b.Field(18).(*array.Int64Builder).Append(base + int64(i) + 1)
	}
	rdr := &onceReader{rec: b.NewRecord()}
	rdr.refs.Store(1)
	defer rdr.Release()
	ar, err := duckdb.NewArrowFromConn(dc)
	if err != nil {
		return fmt.Errorf("warehouse: arrow: %w", err)
	}
	bw.views++
	view := fmt.Sprintf("stage_cases_arrow_%d", bw.views)
	release, err := ar.RegisterView(rdr, view)
	if err != nil {
		return fmt.Errorf("warehouse: staging: %w", err)
	}
	ex := dc.(driver.ExecerContext)
	_, err = ex.ExecContext(bw.ctx, `INSERT INTO stage_cases SELECT * FROM `+view, nil)
	if _, derr := ex.ExecContext(bw.ctx, `DROP VIEW IF EXISTS `+view, nil); err == nil && derr != nil {
		err = derr
	}
	release() // only now: the INSERT has read the whole view
	if err != nil {
		return fmt.Errorf("warehouse: staging cases: %w", err)
	}
	return nil
}

// onceReader yields one record and drops it at the end of the stream. The
// stream exported to DuckDB by RegisterView is not released by DuckDB, so
// the reader stays referenced: dropping the record once read keeps it from
// holding every chunk's data until the process exits.
type onceReader struct {
	refs     atomic.Int64
	rec, cur arrow.Record
}

func (r *onceReader) Retain() { r.refs.Add(1) }

func (r *onceReader) Release() {
	if r.refs.Add(-1) == 0 {
		r.drop()
	}
}

func (r *onceReader) drop() {
	if r.rec != nil {
		r.rec.Release()
		r.rec = nil
	}
	r.cur = nil
}

func (r *onceReader) Schema() *arrow.Schema { return caseSchema }

func (r *onceReader) Next() bool {
	if r.rec != nil && r.cur == nil {
		r.cur = r.rec
		return true
	}
	r.drop()
	return false
}

func (r *onceReader) Record() arrow.Record { return r.cur }
func (r *onceReader) Err() error           { return nil }

// Commit merges the staged rows and records the batch, in one transaction.
func (bw *BatchWriter) Commit() error {
	ctx, conn, b := bw.ctx, bw.conn, bw.b
	if err := bw.flush(); err != nil {
		return err
	}
	// Repeats inside the file: each repeat compared with the version before
	// it. Most files repeat no key: a distinct count (a hash aggregate)
	// says so, and the staged rows are then merged as they are, sparing
	// the window sorts over every row.
	var staged, distinct, inFileDup, inFileUpd int
	if err := conn.QueryRowContext(ctx, `SELECT count(*), count(DISTINCT case_key) FROM stage_cases`).Scan(
		&staged, &distinct); err != nil {
		return fmt.Errorf("warehouse: staging %s: %w", b.File, err)
	}
	last := `(SELECT ` + caseColumns + ` FROM stage_cases)`
	if distinct < staged {
		if err := conn.QueryRowContext(ctx, `SELECT count(*),
			coalesce(sum(CASE WHEN prev IS NOT NULL AND prev = cur THEN 1 ELSE 0 END), 0),
			coalesce(sum(CASE WHEN prev IS NOT NULL AND prev <> cur THEN 1 ELSE 0 END), 0)
		FROM (SELECT lag(cur) OVER (PARTITION BY case_key ORDER BY ord) AS prev, cur
		      FROM (SELECT case_key, ord, row(`+caseColumns+`) AS cur FROM stage_cases))`).Scan(
			&staged, &inFileDup, &inFileUpd); err != nil {
			return fmt.Errorf("warehouse: staging %s: %w", b.File, err)
		}
		if _, err := conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE stage_last AS SELECT `+caseColumns+`
		FROM stage_cases QUALIFY row_number() OVER (PARTITION BY case_key ORDER BY ord DESC) = 1`); err != nil {
			return fmt.Errorf("warehouse: staging %s: %w", b.File, err)
		}
		last = `stage_last`
	}
	if b.BatchID == "" {
		if b.SHA256 == "" {
			return fmt.Errorf("warehouse: batch %s: no SHA-256", b.File)
		}
		b.BatchID = batchID(b)
	}
	// From the existence test to the commit no other batch may merge: the
	// cases table has no key index to refuse a second copy of a key.
	bw.w.writeMu.Lock()
	defer bw.w.writeMu.Unlock()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("warehouse: %w", err)
	}
	defer tx.Rollback()
	var dup, upd int
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(sum(CASE WHEN `+changed+` THEN 0 ELSE 1 END), 0),
		coalesce(sum(CASE WHEN `+changed+` THEN 1 ELSE 0 END), 0)
		FROM `+last+` s JOIN cases c USING (case_key)`).Scan(&dup, &upd); err != nil {
		return fmt.Errorf("warehouse: merge %s: %w", b.File, err)
	}
	// the anti-join is needed only when some staged key is stored already
	notStored := ``
	if dup+upd > 0 {
		notStored = ` WHERE NOT EXISTS (SELECT 1 FROM cases c WHERE c.case_key = s.case_key)`
	}
	steps := []struct {
		q    string
		args []any
	}{
		{`INSERT INTO case_history SELECT c.case_key, ?, c.closed_date, c.outcome, c.violence_risk, c.crime_signs,
			c.referred_to, c.category, c.subtopic, c.unit_code
			FROM ` + last + ` s JOIN cases c USING (case_key) WHERE ` + changed, []any{b.BatchID}},
		{`UPDATE cases c SET closed_date = s.closed_date, outcome = s.outcome, violence_risk = s.violence_risk,
			crime_signs = s.crime_signs, referred_to = s.referred_to, category = s.category, subtopic = s.subtopic,
			unit_code = s.unit_code, village = s.village, team = s.team, updated_batch_id = ?
			FROM ` + last + ` s WHERE s.case_key = c.case_key AND ` + changed, []any{b.BatchID}},
		{`INSERT INTO cases SELECT ` + caseColumns + `, ?, NULL FROM ` + last + ` s` + notStored, []any{b.BatchID}},
		{`INSERT INTO quarantine (batch_id, file, row_num, field, reason, raw, cells)
			SELECT ?, file, row_num, field, reason, raw, cells FROM stage_bad ORDER BY ord`, []any{b.BatchID}},
	}
	// Steps with nothing to do are skipped: a weekly file of new cases is
	// one INSERT, not four statements each joining the whole cases table.
	if upd == 0 {
		steps = steps[2:]
	}
	if bw.nBad == 0 {
		steps = steps[:len(steps)-1]
	}
	for _, s := range steps {
		if _, err := tx.ExecContext(ctx, s.q, s.args...); err != nil {
			return fmt.Errorf("warehouse: merge %s: %w", b.File, err)
		}
	}
	uniq := staged - inFileDup - inFileUpd
	b.Duplicate = dup + inFileDup
	b.Updated = upd + inFileUpd
	b.Loaded = uniq - dup - upd
	b.Quarantined = bw.nBad
	b.FinishedAt = time.Now().UTC()
	if got := b.Loaded + b.Updated + b.Duplicate + b.Quarantined + b.Ignored; got != b.Read {
		return fmt.Errorf("warehouse: %s: accounting mismatch: read %d but loaded+updated+duplicate+quarantined+ignored = %d",
			b.File, b.Read, got)
	}
	if b.Arrived.IsZero() {
		b.Arrived = b.FinishedAt // no arrival given: the file arrives as it is ingested
	}
	b.Arrived = utcDate(b.Arrived)
	if _, err := tx.ExecContext(ctx, `INSERT INTO ingest_batches (batch_id, file, sha256, size_bytes, status,
		rows_read, loaded, updated, duplicate, quarantined, ignored, started_at, finished_at, format, encoding,
		arrived_date, backfill)
		VALUES (?,?,?,?,'loaded',?,?,?,?,?,?,?,?,?,?,?,?)`,
		b.BatchID, b.File, b.SHA256, b.SizeBytes, b.Read, b.Loaded, b.Updated, b.Duplicate, b.Quarantined,
		b.Ignored, b.StartedAt.UTC(), b.FinishedAt, nullString(b.Format), nullString(b.Encoding),
		b.Arrived, b.Backfill); err != nil {
		return fmt.Errorf("warehouse: batch %s: %w", b.File, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("warehouse: commit %s: %w", b.File, err)
	}
	return nil
}

// Close drops the staging tables and releases the connection; after a
// failed or missing Commit nothing of the batch is stored.
func (bw *BatchWriter) Close() error {
	if bw.conn == nil {
		return nil
	}
	bw.wait() // the chunk in flight holds the connection; its error is already reported or moot
	ctx := context.Background()
	for _, t := range []string{"stage_cases", "stage_bad", "stage_last"} {
		bw.conn.ExecContext(ctx, `DROP TABLE IF EXISTS temp.`+t)
	}
	err := bw.conn.Close()
	bw.conn = nil
	return err
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}
