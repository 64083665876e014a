package export

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/marcboeker/go-duckdb"
	"github.com/xuri/excelize/v2"

	"github.com/canhbao/canhbao/models"
)

const hostile = `<img src=x onerror=alert(1)>`

func testData() *Data {
	wk := models.Week{Year: 2026, Num: 47}
	inds := []models.Indicator{
		{RunID: "r47", UnitCode: "00004", Week: wk, Observed: 12, Expected: 3.5, Ratio: 12 / 3.5, QValue: 0.001, Serious: 5, Score: 6.2,
			Tier: models.TierHigh, Flagged: true, Reasons: []string{"excess", "serious"}, Probability: -1},
		{RunID: "r47", UnitCode: "00008", Week: wk, Observed: 6, Expected: 2, Ratio: 3, QValue: 0.02, Serious: 1, Score: 3.1,
			Tier: models.TierElevated, Flagged: true, Reasons: []string{"excess"}, Probability: -1},
		{RunID: "r47", UnitCode: "00025", Week: wk, Observed: 1, Expected: 1.1, Ratio: 0.9, QValue: 1, Score: 0.1,
			Tier: models.TierNone, Probability: -1},
	}
	all := append([]models.Indicator{{RunID: "r46", UnitCode: "00004", Week: wk.Add(-1), Observed: 9, Expected: 3.4,
		Tier: models.TierWatch, Probability: 0.25}}, inds...)
	return &Data{Week: wk, Window: 4,
		Units:      []models.Unit{{Code: "00004", FullName: "Phường Ba Đình"}, {Code: "00008", FullName: hostile}, {Code: "00025", FullName: "Xã Tân Lập"}},
		Indicators: inds, Previous: []models.Indicator{{UnitCode: "00004", Flagged: true}}, All: all,
		GeoJSON: []byte(`{"type":"FeatureCollection","features":[` +
			`{"type":"Feature","properties":{"code":"00004","name":"Ba Đình"},"geometry":{"type":"Point","coordinates":[105.8,21.0]}},` +
			`{"type":"Feature","properties":{"code":"00008","name":"x"},"geometry":{"type":"Point","coordinates":[105.9,21.0]}},` +
			`{"type":"Feature","properties":{"code":"00025","name":"y"},"geometry":{"type":"Point","coordinates":[105.7,21.1]}}]}`)}
}

func TestWriteAll(t *testing.T) {
	dir := t.TempDir()
	if err := WriteAll(dir, testData()); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{AlertsCSV, AlertsXLSX, RiskGeoJSON, IndicatorsFile} {
		st, err := os.Stat(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o640 || st.Size() == 0 {
			t.Errorf("%s: mode %v size %d", f, st.Mode().Perm(), st.Size())
		}
	}
	// alerts.csv: BOM, Vietnamese headers, flagged units by score, change vs last week.
	b, _ := os.ReadFile(filepath.Join(dir, AlertsCSV))
	if !bytes.HasPrefix(b, []byte("\uFEFFHạng,Mã đơn vị,Tên đơn vị,Mức cảnh báo")) {
		t.Errorf("csv header: %q", b[:60])
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\uFEFF")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 || recs[1][1] != "00004" || recs[1][3] != "Cao" || recs[1][4] != "tiếp diễn" || recs[1][7] != "12" ||
		recs[2][1] != "00008" || recs[2][2] != hostile || recs[2][4] != "mới" {
		t.Errorf("csv rows %q", recs)
	}
	// alerts.xlsx: same rows, numbers as numbers.
	x, err := excelize.OpenFile(filepath.Join(dir, AlertsXLSX))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, err := x.GetRows("Cảnh báo")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[0][0] != "Hạng" || rows[1][1] != "00004" || rows[1][7] != "12" || rows[2][2] != hostile {
		t.Errorf("xlsx rows %q", rows)
	}
	if typ, _ := x.GetCellType("Cảnh báo", "H2"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("H2 cell type %v, want number", typ)
	}
	// risk.geojson: tier, score and drivers per unit.
	var fc struct {
		Features []struct{ Properties map[string]any }
	}
	gb, _ := os.ReadFile(filepath.Join(dir, RiskGeoJSON))
	if err := json.Unmarshal(gb, &fc); err != nil {
		t.Fatal(err)
	}
	p := fc.Features[0].Properties
	if len(fc.Features) != 3 || p["tier"] != "high" || p["drivers"] != "excess,serious" || p["observed"] != 12.0 || p["probability"] != nil {
		t.Errorf("geojson properties %v", p)
	}
	// indicators.parquet read back with DuckDB.
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	var obs, prob float64
	var flagged bool
	q := `SELECT count(*) OVER (), observed, flagged, coalesce(probability, -1) FROM read_parquet(?) ORDER BY week, unit_code LIMIT 1`
	if err := db.QueryRowContext(context.Background(), q, filepath.Join(dir, IndicatorsFile)).Scan(&n, &obs, &flagged, &prob); err != nil {
		t.Fatal(err)
	}
	if n != 4 || obs != 9 || flagged || prob != 0.25 {
		t.Errorf("parquet: %d rows, first observed %v flagged %v probability %v", n, obs, flagged, prob)
	}
	var nullProb int
	db.QueryRow(`SELECT count(*) FROM read_parquet(?) WHERE probability IS NULL AND week = '2026-W47'`, filepath.Join(dir, IndicatorsFile)).Scan(&nullProb)
	if nullProb != 3 {
		t.Errorf("%d null probabilities in 2026-W47, want 3", nullProb)
	}
}

func TestWriteAllPublic(t *testing.T) {
	d := testData()
	d.Public = true
	dir := t.TempDir()
	if err := WriteAll(dir, d); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, IndicatorsFile)); !os.IsNotExist(err) {
		t.Error("public variant wrote indicators.parquet")
	}
	b, _ := os.ReadFile(filepath.Join(dir, AlertsCSV))
	recs, _ := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\uFEFF")))).ReadAll()
	if recs[2][10] != "<3" {
		t.Errorf("serious count of 00008 %q, want <3", recs[2][10])
	}
}
