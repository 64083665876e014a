package warehouse

import (
	"context"
	"crypto/rand"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"fmt"
	"hash/maphash"
	"slices"
	"strings"
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

// BatchWriter stores one file's rows in a single transaction, so a file is
// either wholly loaded or not at all. The transaction is opened by
// BeginBatch with the batch id known, and every chunk of cases is written
// straight into cases (as an Arrow record inserted through a registered
// view) while the parse goes on: each row is written once, not staged and
// copied (BENCHMARKS.md "Ingest", session 3). Quarantined rows go to a TEMP
// table (the DuckDB Appender; few rows) and into quarantine at Commit. A
// killed process leaves an uncommitted transaction, which DuckDB discards:
// a rerun finds no loaded batch for the file's SHA-256 and does it all
// again.
//
// Cases with a key already stored are duplicates when nothing changed,
// updates (old values kept in case_history) otherwise. Within the file, a
// repeated key keeps its last version: a repeat identical to the version
// before it counts as a duplicate, a changed one as an update. Commit finds
// such keys with two set-based queries; only their rows are taken back out
// of cases into a TEMP table and merged the old way (see settle), so a file
// of new cases costs one write of each row.
//
// The writer holds the warehouse's writer lock from BeginBatch until
// Commit or Close: cases has no key index, and two batches of one process
// must not interleave their inserts and their existence tests.
type BatchWriter struct {
	w      *Warehouse
	ctx    context.Context
	conn   *sql.Conn
	b      *Batch
	cases  []models.Case
	bad    []badRow
	staged int64 // cases handed to DuckDB so far
	badOrd int64
	done   bool // committed or rolled back; the writer lock released
	// keyHashes holds a 64-bit hash of every case key added (8 bytes a
	// row): when they are all distinct, the file repeats no key and
	// Commit skips the SQL test for repeats (a hash aggregate over every
	// row of the file, ~3 s at 5M rows). Equal hashes send it to the
	// exact SQL test.
	keyHashes []uint64
	seed      maphash.Seed
	nBad      int
	views     int // Arrow views registered so far (each chunk has its own name)

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
	if b.BatchID == "" {
		b.BatchID = batchID(b)
	}
	conn, err := w.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("warehouse: %w", err)
	}
	w.writeMu.Lock()
	bw := &BatchWriter{w: w, ctx: ctx, conn: conn, b: b, seed: maphash.MakeSeed()}
	for _, q := range []string{
		`CREATE OR REPLACE TEMP TABLE stage_bad (ord BIGINT, file VARCHAR, row_num INTEGER, field VARCHAR,
			reason VARCHAR, raw VARCHAR, cells VARCHAR)`,
		`BEGIN TRANSACTION`,
	} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			bw.Close()
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

// batchID names a batch by its start time and 12 hex digits: the file's
// SHA-256 prefix when that is known before the parse (a file read at
// random, or one whose size matched a loaded batch), else random ones. A
// CSV hashed while it is parsed has its SHA-256 only at Commit, after its
// rows were written with the batch id; its SHA-256 is in
// ingest_batches.sha256 either way. (Random, not derived from the file:
// two runs with the same clock, as in tests, must not collide.)
func batchID(b *Batch) string {
	suffix := b.SHA256
	if len(suffix) < 12 {
		var r [6]byte
		rand.Read(r[:])
		suffix = hex.EncodeToString(r[:])
	}
	return "b-" + b.StartedAt.UTC().Format("20060102T150405.000000000Z") + "-" + suffix[:12]
}

// AddCase adds a case (copied).
func (bw *BatchWriter) AddCase(c *models.Case) error {
	if bw.err != nil {
		return bw.err
	}
	bw.cases = append(bw.cases, *c)
	bw.keyHashes = append(bw.keyHashes, maphash.String(bw.seed, c.Key))
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
	full := bw.cases
	bw.staged += int64(len(full))
	bw.inflight, bw.cases, bw.spare = full, bw.spare[:0], nil
	done := make(chan error, 1)
	bw.pending = done
	go func() {
		done <- bw.conn.Raw(func(dc any) error { return bw.appendCases(dc.(driver.Conn), full) })
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

// flush writes the buffered cases and quarantined rows, after the chunk
// in flight.
func (bw *BatchWriter) flush() error {
	if err := bw.wait(); err != nil {
		return err
	}
	cases := bw.cases
	bw.staged += int64(len(cases))
	err := bw.conn.Raw(func(dc any) error {
		if len(cases) > 0 {
			if err := bw.appendCases(dc.(driver.Conn), cases); err != nil {
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
	bw.cases, bw.bad = bw.cases[:0], bw.bad[:0] // the Appender and the INSERT copied them
	if err != nil && bw.err == nil {
		bw.err = err
	}
	return err
}

// caseSchema is caseColumns as Arrow columns.
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
	{Name: "tension", Type: arrow.FixedWidthTypes.Boolean},
}, nil)

func date32(t time.Time) arrow.Date32 { return arrow.Date32(t.Unix() / 86400) }

// appendCases writes cases into the cases table, inside the batch's
// transaction, as one Arrow record read by DuckDB through a registered view
// in one INSERT (much faster than the Appender, which crosses cgo once per
// value). The view can be read once only, so it is materialised at once,
// and released only after the INSERT is done. The rows' order in the file
// is their rowid order, which settle relies on.
func (bw *BatchWriter) appendCases(dc driver.Conn, cases []models.Case) error {
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
		boolean(18).Append(c.Tension)
	}
	rdr := &onceReader{rec: b.NewRecord()}
	rdr.refs.Store(1)
	defer rdr.Release()
	ar, err := duckdb.NewArrowFromConn(dc)
	if err != nil {
		return fmt.Errorf("warehouse: arrow: %w", err)
	}
	bw.views++
	view := fmt.Sprintf("batch_cases_arrow_%d", bw.views)
	release, err := ar.RegisterView(rdr, view)
	if err != nil {
		return fmt.Errorf("warehouse: writing cases: %w", err)
	}
	ex := dc.(driver.ExecerContext)
	_, err = ex.ExecContext(bw.ctx, caseInsert+`SELECT *, `+sqlString(bw.b.BatchID)+`, NULL FROM `+view, nil)
	if _, derr := ex.ExecContext(bw.ctx, `DROP VIEW IF EXISTS `+view, nil); err == nil && derr != nil {
		err = derr
	}
	release() // only now: the INSERT has read the whole view
	if err != nil {
		return fmt.Errorf("warehouse: writing cases: %w", err)
	}
	return nil
}

// sqlString quotes s as an SQL string literal.
func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

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

// Commit settles repeated and already stored keys, stores the quarantined
// rows, records the batch and commits the transaction.
func (bw *BatchWriter) Commit() error {
	ctx, conn, b := bw.ctx, bw.conn, bw.b
	if bw.done {
		return fmt.Errorf("warehouse: batch %s: already committed or closed", b.File)
	}
	if err := bw.flush(); err != nil {
		return err
	}
	if b.SHA256 == "" {
		return fmt.Errorf("warehouse: batch %s: no SHA-256", b.File)
	}
	dup, upd, err := bw.settle()
	if err != nil {
		return err
	}
	if bw.nBad > 0 {
		if _, err := conn.ExecContext(ctx, `INSERT INTO quarantine (batch_id, file, row_num, field, reason, raw, cells)
			SELECT ?, file, row_num, field, reason, raw, cells FROM stage_bad ORDER BY ord`, b.BatchID); err != nil {
			return fmt.Errorf("warehouse: quarantine %s: %w", b.File, err)
		}
	}
	b.Duplicate, b.Updated = dup, upd
	b.Loaded = int(bw.staged) - dup - upd
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
	if _, err := conn.ExecContext(ctx, `INSERT INTO ingest_batches (batch_id, file, sha256, size_bytes, status,
		rows_read, loaded, updated, duplicate, quarantined, ignored, started_at, finished_at, format, encoding,
		arrived_date, backfill)
		VALUES (?,?,?,?,'loaded',?,?,?,?,?,?,?,?,?,?,?,?)`,
		b.BatchID, b.File, b.SHA256, b.SizeBytes, b.Read, b.Loaded, b.Updated, b.Duplicate, b.Quarantined,
		b.Ignored, b.StartedAt.UTC(), b.FinishedAt, nullString(b.Format), nullString(b.Encoding),
		b.Arrived, b.Backfill); err != nil {
		return fmt.Errorf("warehouse: batch %s: %w", b.File, err)
	}
	if _, err := conn.ExecContext(ctx, `COMMIT`); err != nil {
		return fmt.Errorf("warehouse: commit %s: %w", b.File, err)
	}
	bw.release()
	return nil
}

// settle finds the keys of this batch that the file repeats or that an
// earlier batch stored, takes only their rows back out of cases and merges
// them: in-file repeats keep the file's last version, a stored key that
// changed is updated (old values to case_history), an unchanged one is a
// duplicate. It returns the duplicate and updated counts. A file of new
// cases costs two aggregate queries here and nothing else.
func (bw *BatchWriter) settle() (dup, upd int, err error) {
	ctx, conn, b := bw.ctx, bw.conn, bw.b
	id := sqlString(b.BatchID)
	fail := func(err error) (int, int, error) { return 0, 0, fmt.Errorf("warehouse: merge %s: %w", b.File, err) }
	if bw.staged == 0 {
		return 0, 0, nil
	}
	// The rows are written: the joins below may use every thread again
	// (on a warehouse of 20M cases the stored-key join is the dearest
	// statement of a file).
	if n := bw.w.fullThreads.Load(); n > 1 {
		if _, err := conn.ExecContext(ctx, fmt.Sprintf(`SET threads = %d`, n)); err != nil {
			return fail(err)
		}
		defer conn.ExecContext(ctx, `SET threads = 1`)
	}
	repeats := false
	slices.Sort(bw.keyHashes)
	for i := 1; i < len(bw.keyHashes); i++ {
		if bw.keyHashes[i] == bw.keyHashes[i-1] {
			repeats = true // or two keys with one hash: the SQL test below says which
			break
		}
	}
	bw.keyHashes = nil
	distinct := bw.staged
	if repeats {
		if err := conn.QueryRowContext(ctx, `SELECT count(DISTINCT case_key) FROM cases WHERE batch_id = `+id).Scan(
			&distinct); err != nil {
			return fail(err)
		}
	}
	// Keys stored by earlier batches (none when cases held nothing
	// before): the join's build side is this batch's keys when the file
	// is the smaller side, as it is weekly.
	var earlier bool
	var stored int64
	if err := conn.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM cases WHERE batch_id <> `+id+`)`).Scan(&earlier); err != nil {
		return fail(err)
	}
	if earlier {
		if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT DISTINCT case_key FROM cases WHERE batch_id = `+id+`) n
		WHERE EXISTS (SELECT 1 FROM cases o WHERE o.case_key = n.case_key AND o.batch_id <> `+id+`)`).Scan(&stored); err != nil {
			return fail(err)
		}
	}
	if distinct == bw.staged && stored == 0 {
		return 0, 0, nil
	}
	// Take the rows of the keys to settle out of cases, in file order.
	steps := []string{
		`CREATE OR REPLACE TEMP TABLE settle_keys AS
			SELECT case_key FROM cases WHERE batch_id = ` + id + ` GROUP BY case_key HAVING count(*) > 1
			UNION
			SELECT n.case_key FROM (SELECT DISTINCT case_key FROM cases WHERE batch_id = ` + id + `) n
			WHERE EXISTS (SELECT 1 FROM cases o WHERE o.case_key = n.case_key AND o.batch_id <> ` + id + `)`,
		`CREATE OR REPLACE TEMP TABLE stage_cases AS SELECT ` + caseColumns + `, rowid AS ord FROM cases
			WHERE batch_id = ` + id + ` AND case_key IN (SELECT case_key FROM settle_keys)`,
		`DELETE FROM cases WHERE batch_id = ` + id + ` AND case_key IN (SELECT case_key FROM settle_keys)`,
	}
	for _, q := range steps {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return fail(err)
		}
	}
	// Repeats inside the file: each repeat compared with the version before it.
	var inFileDup, inFileUpd int
	if distinct < bw.staged {
		if err := conn.QueryRowContext(ctx, `SELECT
			coalesce(sum(CASE WHEN prev IS NOT NULL AND prev = cur THEN 1 ELSE 0 END), 0),
			coalesce(sum(CASE WHEN prev IS NOT NULL AND prev <> cur THEN 1 ELSE 0 END), 0)
		FROM (SELECT lag(cur) OVER (PARTITION BY case_key ORDER BY ord) AS prev, cur
		      FROM (SELECT case_key, ord, row(`+caseColumns+`) AS cur FROM stage_cases))`).Scan(
			&inFileDup, &inFileUpd); err != nil {
			return fail(err)
		}
	}
	if _, err := conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE stage_last AS SELECT `+caseColumns+`
		FROM stage_cases QUALIFY row_number() OVER (PARTITION BY case_key ORDER BY ord DESC) = 1`); err != nil {
		return fail(err)
	}
	if err := conn.QueryRowContext(ctx, `SELECT coalesce(sum(CASE WHEN `+changed+` THEN 0 ELSE 1 END), 0),
		coalesce(sum(CASE WHEN `+changed+` THEN 1 ELSE 0 END), 0)
		FROM stage_last s JOIN cases c USING (case_key)`).Scan(&dup, &upd); err != nil {
		return fail(err)
	}
	merge := []struct {
		q    string
		args []any
	}{
		{`INSERT INTO case_history SELECT c.case_key, ?, c.closed_date, c.outcome, c.violence_risk, c.crime_signs,
			c.referred_to, c.category, c.subtopic, c.unit_code, c.tension
			FROM stage_last s JOIN cases c USING (case_key) WHERE ` + changed, []any{b.BatchID}},
		{`UPDATE cases c SET closed_date = s.closed_date, outcome = s.outcome, violence_risk = s.violence_risk,
			crime_signs = s.crime_signs, referred_to = s.referred_to, category = s.category, subtopic = s.subtopic,
			unit_code = s.unit_code, village = s.village, team = s.team, tension = s.tension, updated_batch_id = ?
			FROM stage_last s WHERE s.case_key = c.case_key AND ` + changed, []any{b.BatchID}},
		{caseInsert + `SELECT ` + caseColumns + `, ?, NULL FROM stage_last s
			WHERE NOT EXISTS (SELECT 1 FROM cases c WHERE c.case_key = s.case_key)`, []any{b.BatchID}},
	}
	if upd == 0 {
		merge = merge[2:] // nothing changed: no history, no update
	}
	for _, m := range merge {
		if _, err := conn.ExecContext(ctx, m.q, m.args...); err != nil {
			return fail(err)
		}
	}
	return dup + inFileDup, upd + inFileUpd, nil
}

// release ends the batch: the writer lock is given back once.
func (bw *BatchWriter) release() {
	if !bw.done {
		bw.done = true
		bw.w.writeMu.Unlock()
	}
}

// Close rolls back what was not committed, drops the staging tables and
// releases the connection and the writer lock; after a failed or missing
// Commit nothing of the batch is stored.
func (bw *BatchWriter) Close() error {
	if bw.conn == nil {
		return nil
	}
	bw.wait() // the chunk in flight holds the connection; its error is already reported or moot
	ctx := context.Background()
	if !bw.done {
		bw.conn.ExecContext(ctx, `ROLLBACK`) // fails harmlessly when no transaction is open
	}
	for _, t := range []string{"stage_cases", "stage_bad", "stage_last", "settle_keys"} {
		bw.conn.ExecContext(ctx, `DROP TABLE IF EXISTS temp.`+t)
	}
	err := bw.conn.Close()
	bw.conn = nil
	bw.release()
	return err
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}
