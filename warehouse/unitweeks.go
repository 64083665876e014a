package warehouse

import (
	"context"
	"database/sql/driver"
	"fmt"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/marcboeker/go-duckdb"

	"github.com/canhbao/canhbao/models"
)

// scanUnitWeeks runs q through Arrow on a pinned connection and calls fn for
// every result row that falls in the weeks from..to. Each row must start
// with unit_code (VARCHAR) and a week index (BIGINT, models.Week.Index); fn
// gets the record, the row number in it, the unit's position in units and
// the week's column (0 = from). A unit that is not in units is an error: the
// cases reference a unit the geography does not have. q's placeholders are
// filled with args.
func (w *Warehouse) scanUnitWeeks(ctx context.Context, units []string, from, to models.Week, q string, args []any,
	fn func(rec arrow.Record, i, unit, week int) error) error {
	row := make(map[string]int, len(units))
	for i, u := range units {
		row[u] = i
	}
	n := to.Sub(from) + 1
	first := from.Index()
	conn, err := w.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		ar, err := duckdb.NewArrowFromConn(dc.(driver.Conn))
		if err != nil {
			return err
		}
		rdr, err := ar.QueryContext(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rdr.Release()
		for rdr.Next() {
			rec := rdr.Record()
			codes, ok1 := rec.Column(0).(*array.String)
			wks, ok2 := rec.Column(1).(*array.Int64)
			if !ok1 || !ok2 {
				return fmt.Errorf("unexpected Arrow schema %s", rec.Schema())
			}
			for i := 0; i < int(rec.NumRows()); i++ {
				r, ok := row[codes.Value(i)]
				if !ok {
					return fmt.Errorf("cases reference unit %s, which is not a current unit", codes.Value(i))
				}
				c := int(wks.Value(i)) - first
				if c < 0 || c >= n {
					continue
				}
				if err := fn(rec, i, r, c); err != nil {
					return err
				}
			}
		}
		return rdr.Err()
	})
}
