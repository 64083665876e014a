package warehouse

import (
	"context"
	"fmt"
)

// QuarantinedRow is one stored quarantined row.
type QuarantinedRow struct {
	BatchID, File, Field, Reason, Raw string
	Row                               int
	Cells                             string // JSON [{"label","value"}], "" for rows stored before 002_ingest
}

// Quarantined lists the quarantined rows of one batch (batch "" = all), in
// batch then file order.
func (w *Warehouse) Quarantined(ctx context.Context, batch string) ([]QuarantinedRow, error) {
	rows, err := w.db.QueryContext(ctx, `SELECT q.batch_id, q.file, q.row_num, q.field, q.reason, q.raw,
		coalesce(q.cells, '') FROM quarantine q LEFT JOIN ingest_batches b USING (batch_id)
		WHERE ? = '' OR q.batch_id = ? ORDER BY b.started_at, q.batch_id, q.file, q.row_num`, batch, batch)
	if err != nil {
		return nil, fmt.Errorf("warehouse: quarantine: %w", err)
	}
	defer rows.Close()
	var out []QuarantinedRow
	for rows.Next() {
		var q QuarantinedRow
		if err := rows.Scan(&q.BatchID, &q.File, &q.Row, &q.Field, &q.Reason, &q.Raw, &q.Cells); err != nil {
			return nil, fmt.Errorf("warehouse: quarantine: %w", err)
		}
		out = append(out, q)
	}
	return out, rows.Err()
}
