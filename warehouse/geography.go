package warehouse

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/canhbao/canhbao/models"
)

// SaveGeography replaces the stored geography with g, in one transaction.
//
// The new rows are written to TEMP tables first; then, per table, stored
// rows whose key is not in the new set are deleted and the new rows are
// upserted (INSERT OR REPLACE). Deleting every row and inserting them again
// in one transaction, as this did before, fails in DuckDB 1.1 as soon as a
// key comes back (its primary-key index still holds the deleted key until
// the commit), so loading a geography over an existing one failed.
func (w *Warehouse) SaveGeography(ctx context.Context, g *models.Geography) error {
	conn, err := w.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("warehouse: %w", err)
	}
	defer conn.Close()
	tables := []struct{ name, key string }{
		{"units", "vintage, code"},
		{"crosswalk", "old_vintage, old_code, new_code"},
		{"neighbours", "a, b"},
		{"maps", "name"},
	}
	for _, t := range tables {
		if _, err := conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE new_`+t.name+` AS SELECT * FROM `+t.name+` LIMIT 0`); err != nil {
			return fmt.Errorf("warehouse: %w", err)
		}
		defer conn.ExecContext(context.Background(), `DROP TABLE IF EXISTS temp.new_`+t.name)
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("warehouse: %w", err)
	}
	defer tx.Rollback()
	st, err := tx.PrepareContext(ctx, `INSERT INTO new_units VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)`)
	if err != nil {
		return fmt.Errorf("warehouse: %w", err)
	}
	for _, u := range g.Units {
		if _, err := st.ExecContext(ctx, u.Vintage, u.Code, u.Name, u.FullName, u.Type, u.NameEn,
			u.DistrictCode, u.DistrictName, u.Population, u.AreaKm2, u.LabelLon, u.LabelLat,
			nullDate(u.ValidFrom), nullDate(u.ValidTo)); err != nil {
			return fmt.Errorf("warehouse: unit %s/%s: %w", u.Vintage, u.Code, err)
		}
	}
	st.Close()
	st, err = tx.PrepareContext(ctx, `INSERT INTO new_crosswalk VALUES (?,?,?,?,?)`)
	if err != nil {
		return fmt.Errorf("warehouse: %w", err)
	}
	for _, l := range g.Crosswalk {
		if _, err := st.ExecContext(ctx, l.OldVintage, l.OldCode, l.NewCode, l.Partial, l.Weight); err != nil {
			return fmt.Errorf("warehouse: crosswalk %s/%s->%s: %w", l.OldVintage, l.OldCode, l.NewCode, err)
		}
	}
	st.Close()
	st, err = tx.PrepareContext(ctx, `INSERT INTO new_neighbours VALUES (?,?,?)`)
	if err != nil {
		return fmt.Errorf("warehouse: %w", err)
	}
	for _, n := range g.Neighbours {
		if _, err := st.ExecContext(ctx, n.A, n.B, n.SharedBorderM); err != nil {
			return fmt.Errorf("warehouse: neighbours %s-%s: %w", n.A, n.B, err)
		}
	}
	st.Close()
	if len(g.MapGeoJSON) > 0 {
		if _, err := tx.ExecContext(ctx, `INSERT INTO new_maps VALUES ('current', ?, ?)`, string(g.MapGeoJSON), time.Now().UTC()); err != nil {
			return fmt.Errorf("warehouse: map: %w", err)
		}
	}
	for _, t := range tables {
		for _, q := range []string{
			`DELETE FROM ` + t.name + ` WHERE (` + t.key + `) NOT IN (SELECT (` + t.key + `) FROM new_` + t.name + `)`,
			`INSERT OR REPLACE INTO ` + t.name + ` SELECT * FROM new_` + t.name,
		} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("warehouse: %s: %w", t.name, err)
			}
		}
	}
	return tx.Commit()
}

// Geography reads back what SaveGeography stored. It returns an error when no
// geography has been loaded.
func (w *Warehouse) Geography(ctx context.Context) (*models.Geography, error) {
	g := &models.Geography{}
	rows, err := w.db.QueryContext(ctx, `SELECT vintage, code, name, full_name, coalesce(type,''), coalesce(name_en,''),
		coalesce(district_code,''), coalesce(district_name,''), coalesce(population,0), coalesce(area_km2,0),
		coalesce(label_lon,0), coalesce(label_lat,0), valid_from, valid_to
		FROM units ORDER BY vintage = 'current', vintage, code`)
	if err != nil {
		return nil, fmt.Errorf("warehouse: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var u models.Unit
		var from, to sql.NullTime
		if err := rows.Scan(&u.Vintage, &u.Code, &u.Name, &u.FullName, &u.Type, &u.NameEn, &u.DistrictCode,
			&u.DistrictName, &u.Population, &u.AreaKm2, &u.LabelLon, &u.LabelLat, &from, &to); err != nil {
			return nil, fmt.Errorf("warehouse: %w", err)
		}
		if from.Valid {
			u.ValidFrom = from.Time.UTC()
		}
		if to.Valid {
			u.ValidTo = to.Time.UTC()
		}
		g.Units = append(g.Units, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("warehouse: %w", err)
	}
	if len(g.Current()) == 0 {
		return nil, fmt.Errorf("warehouse: no geography loaded: run `canhbao units load DIR` first")
	}
	xr, err := w.db.QueryContext(ctx, `SELECT old_vintage, old_code, new_code, partial, weight FROM crosswalk ORDER BY 1, 2, 3`)
	if err != nil {
		return nil, fmt.Errorf("warehouse: %w", err)
	}
	defer xr.Close()
	for xr.Next() {
		var l models.CrosswalkLink
		if err := xr.Scan(&l.OldVintage, &l.OldCode, &l.NewCode, &l.Partial, &l.Weight); err != nil {
			return nil, fmt.Errorf("warehouse: %w", err)
		}
		g.Crosswalk = append(g.Crosswalk, l)
	}
	nr, err := w.db.QueryContext(ctx, `SELECT a, b, coalesce(shared_border_m, 0) FROM neighbours ORDER BY 1, 2`)
	if err != nil {
		return nil, fmt.Errorf("warehouse: %w", err)
	}
	defer nr.Close()
	for nr.Next() {
		var n models.Neighbour
		if err := nr.Scan(&n.A, &n.B, &n.SharedBorderM); err != nil {
			return nil, fmt.Errorf("warehouse: %w", err)
		}
		g.Neighbours = append(g.Neighbours, n)
	}
	var gj sql.NullString
	err = w.db.QueryRowContext(ctx, `SELECT geojson FROM maps WHERE name = 'current'`).Scan(&gj)
	if err != nil && err != sql.ErrNoRows {
		return nil, fmt.Errorf("warehouse: %w", err)
	}
	if gj.Valid {
		g.MapGeoJSON = []byte(gj.String)
	}
	return g, nil
}
