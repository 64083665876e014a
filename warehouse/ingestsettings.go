package warehouse

import (
	"context"
	"fmt"
)

// IngestMemoryLimit is DuckDB's memory cap while a file is ingested: with
// the Go side's few chunks in flight, peak RSS stays under 1 GB whatever
// the file's size (beyond the cap DuckDB spills to its temp directory
// beside the database).
const IngestMemoryLimit = "600MB"

// TuneForIngest sets DuckDB up for ingesting files and returns a function
// that puts the thread count back as it found it and memory_limit back to
// DuckDB's default (nothing else in canhbao sets it, and DuckDB shows it
// rounded, so the value read could not be set back exactly): a weekly run
// goes on to analyse with all cores and memory.
//
//   - memory_limit = IngestMemoryLimit (see there).
//   - threads = 1 while rows are written (a batch's settle queries at
//     Commit, after the parse, run with the threads found; see
//     BatchWriter.settle). The parse runs on Go's threads; DuckDB's work per chunk
//     is one INSERT from one Arrow record, which one thread runs. With
//     more threads, DuckDB 1.1's executor has the calling thread poll for
//     the workers' tasks (mutexes, the task queue) while they run: on 2
//     cores that took 25-30% of the ingest's CPU from the parse (1M-row
//     CSV: 15.2-17.7 s CPU with 2 threads, 11.5-12.0 s with 1;
//     BENCHMARKS.md "Ingest").
func (w *Warehouse) TuneForIngest(ctx context.Context) (restore func() error, err error) {
	var threads int
	if err := w.db.QueryRowContext(ctx, `SELECT current_setting('threads')`).Scan(&threads); err != nil {
		return nil, fmt.Errorf("warehouse: %w", err)
	}
	if _, err := w.db.ExecContext(ctx, `SET memory_limit = '`+IngestMemoryLimit+`'; SET threads = 1`); err != nil {
		return nil, fmt.Errorf("warehouse: %w", err)
	}
	w.fullThreads.Store(int64(threads))
	return func() error {
		w.fullThreads.Store(0)
		_, err := w.db.ExecContext(context.Background(), fmt.Sprintf(`RESET memory_limit; SET threads = %d`, threads))
		if err != nil {
			return fmt.Errorf("warehouse: %w", err)
		}
		return nil
	}, nil
}
