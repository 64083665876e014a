package ingest

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

// XLSXReader reads every sheet of an Excel workbook, in workbook order.
// Cells are read raw (no number format), so a date cell gives its serial
// number (Row.ExcelDates is set) and a text date its text. A merged range
// repeats its top-left value in every cell it covers, so a header label
// spanning two columns ("Kết quả hòa giải" over "Hòa giải thành" and "Hòa
// giải không thành") or two rows names each of them.
type XLSXReader struct {
	file   string
	f      *excelize.File
	sheets []string
	i      int // current sheet
	rows   *excelize.Rows
	num    int                  // current row number in the sheet
	merged map[int][]mergedCell // row -> cells covered by a merged range
}

// NewXLSXReader opens a workbook. The whole workbook is read into memory
// by excelize (logbook workbooks are small); rows are then streamed.
func NewXLSXReader(file string, r io.Reader) (xr *XLSXReader, err error) {
	defer func() {
		if p := recover(); p != nil { // excelize on a corrupt archive
			xr, err = nil, fmt.Errorf("ingest: %s: unreadable XLSX: %v", file, p)
		}
	}()
	f, err := excelize.OpenReader(r, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, fmt.Errorf("ingest: %s: unreadable XLSX: %w", file, err)
	}
	return &XLSXReader{file: file, f: f, sheets: f.GetSheetList(), i: -1}, nil
}

// Next returns the next row of the current sheet, moving on to the next
// sheet at the end of one.
func (x *XLSXReader) Next() (row Row, err error) {
	defer func() {
		if p := recover(); p != nil {
			row, err = Row{}, fmt.Errorf("ingest: %s: unreadable XLSX: %v", x.file, p)
		}
	}()
	for {
		if x.rows == nil {
			x.i++
			if x.i >= len(x.sheets) {
				return Row{}, io.EOF
			}
			if err := x.openSheet(); err != nil {
				return Row{}, err
			}
		}
		if !x.rows.Next() {
			err := x.rows.Error()
			x.rows.Close()
			x.rows = nil
			if err != nil {
				return Row{}, fmt.Errorf("ingest: %s [%s]: unreadable sheet: %w", x.file, x.sheets[x.i], err)
			}
			continue
		}
		x.num++
		cells, err := x.rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return Row{}, fmt.Errorf("ingest: %s [%s]: row %d: %w", x.file, x.sheets[x.i], x.num, err)
		}
		for _, m := range x.merged[x.num] {
			for len(cells) < m.col {
				cells = append(cells, "")
			}
			if cells[m.col-1] == "" {
				cells[m.col-1] = m.value
			}
		}
		return Row{Sheet: x.sheets[x.i], Num: x.num, Cells: cells, ExcelDates: true}, nil
	}
}

func (x *XLSXReader) openSheet() error {
	sheet := x.sheets[x.i]
	rows, err := x.f.Rows(sheet)
	if err != nil {
		return fmt.Errorf("ingest: %s [%s]: %w", x.file, sheet, err)
	}
	x.rows, x.num = rows, 0
	x.merged = map[int][]mergedCell{}
	mcs, err := x.f.GetMergeCells(sheet)
	if err != nil {
		return fmt.Errorf("ingest: %s [%s]: merged cells: %w", x.file, sheet, err)
	}
	for _, mc := range mcs {
		c1, r1, err1 := excelize.CellNameToCoordinates(mc.GetStartAxis())
		c2, r2, err2 := excelize.CellNameToCoordinates(mc.GetEndAxis())
		if err1 != nil || err2 != nil || (r2-r1+1)*(c2-c1+1) > 1<<16 {
			continue // a malformed or huge range: leave its cells as they are
		}
		v, err := x.f.GetCellValue(sheet, mc.GetStartAxis(), excelize.Options{RawCellValue: true})
		if err != nil || v == "" {
			continue
		}
		for r := r1; r <= r2; r++ {
			for c := c1; c <= c2; c++ {
				x.merged[r] = append(x.merged[r], mergedCell{c, v})
			}
		}
	}
	return nil
}

// Close releases the workbook.
func (x *XLSXReader) Close() error {
	if x.rows != nil {
		x.rows.Close()
	}
	return x.f.Close()
}

type mergedCell struct {
	col   int // 1-based
	value string
}
