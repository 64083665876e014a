package warehouse

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/marcboeker/go-duckdb"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Warehouse is an open canhbao database.
type Warehouse struct {
	db   *sql.DB
	path string
	// writeMu serialises BatchWriters, held from BeginBatch to Commit or
	// Close: the cases table has no key index (migration 008), so a
	// case_key stays unique only because one batch's inserts and
	// existence tests never interleave with another's. Other processes
	// are kept out by DuckDB's file lock.
	writeMu sync.Mutex
	// fullThreads is DuckDB's thread count before TuneForIngest set it to
	// 1 (0 when not tuned): a batch's settle queries, which run after the
	// parse, use them all again.
	fullThreads atomic.Int64
}

// ErrBusy means another process holds the database file.
var ErrBusy = errors.New("warehouse: database is in use by another process")

// Open opens (creating if needed) the DuckDB file at path and applies any
// pending migrations. path "" opens an in-memory database.
func Open(ctx context.Context, file string) (*Warehouse, error) {
	connector, err := duckdb.NewConnector(file, nil)
	if err != nil {
		if strings.Contains(err.Error(), "lock") {
			return nil, fmt.Errorf("%w: %s: %v", ErrBusy, file, err)
		}
		return nil, fmt.Errorf("warehouse: open %s: %w", file, err)
	}
	db := sql.OpenDB(connector)
	w := &Warehouse{db: db, path: file}
	if err := w.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return w, nil
}

// Close closes the database.
func (w *Warehouse) Close() error { return w.db.Close() }

// DB exposes the handle for read-only queries by tests and tools.
func (w *Warehouse) DB() *sql.DB { return w.db }

func (w *Warehouse) migrate(ctx context.Context) error {
	if _, err := w.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		name VARCHAR PRIMARY KEY, applied_at TIMESTAMP NOT NULL)`); err != nil {
		return fmt.Errorf("warehouse: migrations table: %w", err)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, n := range names {
		base := path.Base(n)
		var done int
		if err := w.db.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE name = ?`, base).Scan(&done); err != nil {
			return fmt.Errorf("warehouse: %w", err)
		}
		if done > 0 {
			continue
		}
		body, err := migrations.ReadFile(n)
		if err != nil {
			return err
		}
		tx, err := w.db.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("warehouse: %w", err)
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			tx.Rollback()
			return fmt.Errorf("warehouse: migration %s: %w", base, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations VALUES (?, ?)`, base, time.Now().UTC()); err != nil {
			tx.Rollback()
			return fmt.Errorf("warehouse: migration %s: %w", base, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("warehouse: migration %s: %w", base, err)
		}
	}
	return nil
}

// nullDate turns a zero time into NULL.
func nullDate(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}
