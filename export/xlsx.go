package export

import (
	"strconv"

	"github.com/xuri/excelize/v2"
)

// writeXLSX writes alerts.xlsx: one sheet "Cảnh báo", Vietnamese headers,
// numbers as numbers (a "<3" of the public variant stays text).
func writeXLSX(path string, alerts []Alert, d *Data) error {
	x := excelize.NewFile()
	defer x.Close()
	const sheet = "Cảnh báo"
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	put := func(col, row int, v string) error {
		ref, err := excelize.CoordinatesToCellName(col, row)
		if err != nil {
			return err
		}
		if f, err := strconv.ParseFloat(v, 64); err == nil && col != 2 {
			return x.SetCellValue(sheet, ref, f)
		}
		return x.SetCellStr(sheet, ref, v)
	}
	for i, h := range alertHeaders {
		if err := put(i+1, 1, h); err != nil {
			return err
		}
	}
	for r, a := range alerts {
		for i, v := range a.cells(d.Public, d.Week) {
			if err := put(i+1, r+2, v); err != nil {
				return err
			}
		}
	}
	f, err := create(path)
	if err != nil {
		return err
	}
	if _, err := x.WriteTo(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
