package scorecard

import (
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Sheet names of the workbook.
const (
	SheetResults  = "Kết quả"          // the table to hand in (estimates when projected)
	SheetObserved = "Thực tế đến ngày" // the observed figures, only when projected
)

// TableHeaders are the column headers of the official table, in order.
var TableHeaders = []string{
	"STT", "Mã đơn vị", "Đơn vị (xã, phường)", "Số tổ hòa giải",
	"Tổng số vụ, việc tiếp nhận", "Hòa giải thành", "Hòa giải không thành", "Đang giải quyết",
	"Tỷ lệ hòa giải thành (%)",
	"Tranh chấp phát sinh từ quan hệ dân sự", "Hôn nhân và gia đình", "Mâu thuẫn, xích mích, tranh chấp khác",
}

// CityName labels the city total row.
const CityName = "Toàn thành phố"

// periodName is the period in words for the title.
func periodName(p Period) string {
	y := p.From.Year()
	switch p.Kind {
	case Year:
		return fmt.Sprintf("năm %d", y)
	case Half:
		if p.From.Month() == 1 {
			return fmt.Sprintf("6 tháng đầu năm %d", y)
		}
		return fmt.Sprintf("6 tháng cuối năm %d", y)
	case Quarter:
		return fmt.Sprintf("quý %d năm %d", (int(p.From.Month())-1)/3+1, y)
	default:
		return fmt.Sprintf("tháng %d năm %d", int(p.From.Month()), y)
	}
}

// WriteXLSX writes the table as an Excel workbook with Vietnamese headers.
// When the table is projected, the first sheet holds the whole-period
// estimates, every estimated cell shaded and its header marked "(ước
// tính)", and a second sheet holds the observed figures to the as-of date.
func WriteXLSX(w io.Writer, t *Table) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", SheetResults); err != nil {
		return fmt.Errorf("scorecard: xlsx: %w", err)
	}
	rows, city := t.Rows, t.City
	if t.Projected {
		rows, city = t.Estimate, t.EstimateCity
	}
	if err := writeSheet(f, SheetResults, t, rows, city, t.Projected); err != nil {
		return err
	}
	if t.Projected {
		if _, err := f.NewSheet(SheetObserved); err != nil {
			return fmt.Errorf("scorecard: xlsx: %w", err)
		}
		if err := writeSheet(f, SheetObserved, t, t.Rows, t.City, false); err != nil {
			return err
		}
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("scorecard: xlsx: %w", err)
	}
	return nil
}

// ProjectedMark is appended to headers of estimated columns.
const ProjectedMark = " (ước tính)"

func writeSheet(f *excelize.File, sheet string, t *Table, rows []TableRow, city TableRow, estimate bool) error {
	set := func(col, row int, v any) error {
		cell, err := excelize.CoordinatesToCellName(col, row)
		if err != nil {
			return err
		}
		return f.SetCellValue(sheet, cell, v)
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return fmt.Errorf("scorecard: xlsx: %w", err)
	}
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Alignment: &excelize.Alignment{WrapText: true, Vertical: "center", Horizontal: "center"},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"#D9E1F2"}},
		Border:    borders()})
	if err != nil {
		return fmt.Errorf("scorecard: xlsx: %w", err)
	}
	est, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Italic: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"#FFF2CC"}}, Border: borders()})
	if err != nil {
		return fmt.Errorf("scorecard: xlsx: %w", err)
	}
	plain, err := f.NewStyle(&excelize.Style{Border: borders()})
	if err != nil {
		return fmt.Errorf("scorecard: xlsx: %w", err)
	}
	title := fmt.Sprintf("BIỂU TỔNG HỢP KẾT QUẢ HÒA GIẢI Ở CƠ SỞ %s", strings.ToUpper(periodName(t.Period)))
	sub := fmt.Sprintf("Kỳ báo cáo: từ %s đến %s", t.Period.From.Format("02/01/2006"), t.Period.To.Format("02/01/2006"))
	note := fmt.Sprintf("Số liệu thực tế tính đến ngày %s.", t.AsOf.Format("02/01/2006"))
	if estimate {
		how := "theo tỷ lệ cùng kỳ năm trước"
		if t.Method == ProjectLinear {
			how = "theo nhịp độ tiếp nhận bình quân từ đầu kỳ"
		}
		note = fmt.Sprintf("Số liệu ƯỚC TÍNH cả kỳ: thực tế đến ngày %s, phần còn lại ước tính %s (hệ số %.3f). Các ô tô màu là số ước tính.",
			t.AsOf.Format("02/01/2006"), how, t.Factor)
	}
	for i, s := range []string{title, sub, note} {
		if err := set(1, i+1, s); err != nil {
			return fmt.Errorf("scorecard: xlsx: %w", err)
		}
	}
	f.SetCellStyle(sheet, "A1", "A1", bold)
	const hr = 5 // header row
	for i, h := range TableHeaders {
		if estimate && i >= 4 {
			h += ProjectedMark
		}
		if err := set(i+1, hr, h); err != nil {
			return fmt.Errorf("scorecard: xlsx: %w", err)
		}
	}
	last, _ := excelize.CoordinatesToCellName(len(TableHeaders), hr)
	f.SetCellStyle(sheet, "A5", last, head)
	f.SetRowHeight(sheet, hr, 48)
	f.SetColWidth(sheet, "A", "B", 8)
	f.SetColWidth(sheet, "C", "C", 28)
	f.SetColWidth(sheet, "D", "L", 14)
	all := append(append([]TableRow(nil), rows...), city)
	for i, r := range all {
		row := hr + 1 + i
		stt, code, name := any(i+1), any(r.UnitCode), any(r.Name)
		if i == len(all)-1 {
			stt, code, name = "", "", CityName
		}
		vals := []any{stt, code, name, r.Teams, r.Received, r.Settled, r.NotSettled, r.InProgress,
			rateCell(r.SettledRate()), r.ByCategory[0], r.ByCategory[1], r.ByCategory[2]}
		for j, v := range vals {
			if err := set(j+1, row, v); err != nil {
				return fmt.Errorf("scorecard: xlsx: %w", err)
			}
		}
		a, _ := excelize.CoordinatesToCellName(1, row)
		d, _ := excelize.CoordinatesToCellName(4, row)
		e, _ := excelize.CoordinatesToCellName(5, row)
		z, _ := excelize.CoordinatesToCellName(len(TableHeaders), row)
		f.SetCellStyle(sheet, a, d, plain)
		if estimate {
			f.SetCellStyle(sheet, e, z, est)
		} else {
			f.SetCellStyle(sheet, e, z, plain)
		}
	}
	f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: hr, TopLeftCell: "A6", ActivePane: "bottomLeft"})
	return nil
}

// rateCell is a percentage with one decimal, or "" when undefined.
func rateCell(v float64) any {
	if math.IsNaN(v) {
		return ""
	}
	return math.Round(v*1000) / 10
}

func borders() []excelize.Border {
	var b []excelize.Border
	for _, s := range []string{"left", "right", "top", "bottom"} {
		b = append(b, excelize.Border{Type: s, Color: "#999999", Style: 1})
	}
	return b
}
