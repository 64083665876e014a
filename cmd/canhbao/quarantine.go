package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/canhbao/canhbao/warehouse"
)

// Columns the export adds after the row's own cells. Their labels are not
// logbook labels, so ingesting the corrected file again ignores them.
var quarantineExtra = []string{"Lỗi ở trường", "Lý do", "Tệp gốc", "Dòng gốc", "Lô nhập"}

// runQuarantine handles "quarantine export --db F --out FILE.csv|.xlsx [--batch ID]".
func (m *Main) runQuarantine(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "export" {
		return &usageError{"quarantine: want \"quarantine export --out FILE.csv|FILE.xlsx [--db F] [--batch ID]\""}
	}
	fs := m.newFlags("quarantine export")
	db := dbFlag(fs)
	out := fs.String("out", "", "file to write: .csv (UTF-8 with BOM, opens in Excel) or .xlsx")
	batch := fs.String("batch", "", "only this batch (default: every batch)")
	if help, err := parse(fs, args[1:]); help || err != nil {
		return err
	}
	ext := strings.ToLower(filepath.Ext(*out))
	if *out == "" || (ext != ".csv" && ext != ".xlsx") {
		return &usageError{"quarantine export: --out FILE.csv or FILE.xlsx is required"}
	}
	w, err := warehouse.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer w.Close()
	rows, err := w.Quarantined(ctx, *batch)
	if err != nil {
		return err
	}
	// Columns: every cell label in order of first appearance, then the reasons.
	var header []string
	col := map[string]int{}
	table := make([][]string, len(rows))
	for i, q := range rows {
		var cells []struct{ Label, Value string }
		if q.Cells != "" {
			if err := json.Unmarshal([]byte(q.Cells), &cells); err != nil {
				return fmt.Errorf("quarantine: batch %s row %d: cells: %w", q.BatchID, q.Row, err)
			}
		}
		rec := map[int]string{}
		for _, c := range cells {
			j, ok := col[c.Label]
			if !ok {
				j = len(header)
				col[c.Label] = j
				header = append(header, c.Label)
			}
			rec[j] = c.Value
		}
		if len(cells) == 0 && q.Raw != "" { // rows stored before cells were kept
			j, ok := col["raw"]
			if !ok {
				j = len(header)
				col["raw"] = j
				header = append(header, "raw")
			}
			rec[j] = q.Raw
		}
		row := make([]string, 0, len(header))
		for j := range header {
			row = append(row, rec[j])
		}
		table[i] = append(row, q.Field, q.Reason, q.File, strconv.Itoa(q.Row), q.BatchID)
	}
	full := append(append([]string(nil), header...), quarantineExtra...)
	for i, row := range table { // pad rows written before later labels appeared
		n := len(row) - len(quarantineExtra)
		pad := make([]string, len(header)-n)
		table[i] = append(append(row[:n:n], pad...), row[n:]...)
	}
	if ext == ".xlsx" {
		err = writeXLSX(*out, full, table)
	} else {
		err = writeCSV(*out, full, table)
	}
	if err != nil {
		return fmt.Errorf("quarantine: %s: %w", *out, err)
	}
	fmt.Fprintf(m.Stdout, "quarantine: wrote %d rows to %s\n", len(table), *out)
	return nil
}

func writeCSV(path string, header []string, rows [][]string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o640)
	if err != nil {
		return err
	}
	f.WriteString("\ufeff")
	cw := csv.NewWriter(f)
	cw.Write(header)
	cw.WriteAll(rows)
	if err := cw.Error(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func writeXLSX(path string, header []string, rows [][]string) error {
	x := excelize.NewFile()
	defer x.Close()
	sheet := "Quarantine"
	x.SetSheetName("Sheet1", sheet)
	sw, err := x.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	put := func(r int, cells []string) error {
		vals := make([]any, len(cells))
		for i, c := range cells {
			vals[i] = c
		}
		cell, _ := excelize.CoordinatesToCellName(1, r)
		return sw.SetRow(cell, vals)
	}
	if err := put(1, header); err != nil {
		return err
	}
	for i, row := range rows {
		if err := put(i+2, row); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return x.SaveAs(path)
}
