// Command gen writes the binary and re-encoded fixtures of ingest/testdata
// from clean.csv, so that their provenance is this program:
//
//	go run ./ingest/testdata/gen
//
// Every fixture holds the same 5 cases as clean.csv; the tests check that
// each parses to exactly the cases clean.csv gives.
package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode"

	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/ipc"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/arrow/go/v17/parquet/pqarrow"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
	xunicode "golang.org/x/text/encoding/unicode"
	"golang.org/x/text/unicode/norm"
)

const dir = "ingest/testdata"

func main() {
	f, err := os.Open(filepath.Join(dir, "clean.csv"))
	check(err)
	rows, err := csv.NewReader(f).ReadAll()
	check(err)
	head, data := rows[0], rows[1:]

	// UTF-8 with BOM, semicolons.
	write("clean_bom_semicolon.csv", append([]byte("\ufeff"), csvText(rows, ';')...))
	// Excel "Unicode text": UTF-16 LE with BOM, tabs, CRLF.
	u16, err := xunicode.UTF16(xunicode.LittleEndian, xunicode.UseBOM).NewEncoder().Bytes(
		[]byte(strings.ReplaceAll(string(csvText(rows, '\t')), "\n", "\r\n")))
	check(err)
	write("clean_utf16le.txt", u16)
	// Windows-1258 with a title row, tone marks as combining characters.
	write("clean_cp1258.csv", cp1258("SỔ THEO DÕI HOẠT ĐỘNG HÒA GIẢI Ở CƠ SỞ\n"+string(csvText(rows, ','))))

	// JSON array and NDJSON with canonical keys.
	keys := []string{"seq", "case_id", "received_date", "closed_date", "district_name", "unit_name", "village",
		"team", "parties", "summary", "category", "outcome", "violence_risk", "crime_signs", "referred_to", "notes"}
	var objs []map[string]any
	for _, r := range data {
		o := map[string]any{}
		for i, k := range keys {
			if r[i] == "" {
				o[k] = nil
				continue
			}
			o[k] = r[i]
		}
		o["violence_risk"] = r[12] == "Có"
		objs = append(objs, o)
	}
	b, err := json.MarshalIndent(objs, "", "  ")
	check(err)
	write("clean.json", b)
	var nd bytes.Buffer
	for _, o := range objs {
		b, _ := json.Marshal(o)
		nd.Write(append(b, '\n'))
	}
	write("clean.ndjson", nd.Bytes())

	// Arrow IPC file and Parquet: dates as date32, the rest as strings.
	fields := make([]arrow.Field, len(keys))
	for i, k := range keys {
		fields[i] = arrow.Field{Name: k, Type: arrow.BinaryTypes.String, Nullable: true}
		if k == "received_date" || k == "closed_date" {
			fields[i].Type = arrow.FixedWidthTypes.Date32
		}
	}
	schema := arrow.NewSchema(fields, nil)
	bld := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	for _, r := range data {
		for i := range keys {
			switch fb := bld.Field(i).(type) {
			case *array.Date32Builder:
				if r[i] == "" {
					fb.AppendNull()
				} else {
					t, err := time.Parse("02/01/2006", r[i])
					check(err)
					fb.Append(arrow.Date32FromTime(t))
				}
			case *array.StringBuilder:
				if r[i] == "" {
					fb.AppendNull()
				} else {
					fb.Append(r[i])
				}
			}
		}
	}
	rec := bld.NewRecord()
	af, err := os.Create(filepath.Join(dir, "clean.arrow"))
	check(err)
	aw, err := ipc.NewFileWriter(af, ipc.WithSchema(schema))
	check(err)
	check(aw.Write(rec))
	check(aw.Close())
	check(af.Close())
	var pb bytes.Buffer
	tbl := array.NewTableFromRecords(schema, []arrow.Record{rec})
	check(pqarrow.WriteTable(tbl, &pb, 1024, nil, pqarrow.DefaultWriterProps()))
	write("clean.parquet", pb.Bytes())

	writeXLSX(head, data)
}

// writeXLSX writes the official form: a notes sheet without a header, then
// a sheet with title rows, a two-row header ("Kết quả hòa giải" merged over
// "Hòa giải thành" and "Hòa giải không thành", the other labels merged
// over both rows), dates as Excel dates (serial numbers with a date format)
// except one typed as text, and a trailing total row.
func writeXLSX(head []string, data [][]string) {
	x := excelize.NewFile()
	x.SetSheetName("Sheet1", "Hướng dẫn")
	x.SetCellValue("Hướng dẫn", "A1", "Sổ này ghi theo mẫu của Bộ Tư pháp. Không sửa tiêu đề cột.")
	s := "Sổ hòa giải"
	_, err := x.NewSheet(s)
	check(err)
	x.SetCellValue(s, "A1", "UBND QUẬN BA ĐÌNH")
	x.SetCellValue(s, "A2", "SỔ THEO DÕI HOẠT ĐỘNG HÒA GIẢI Ở CƠ SỞ NĂM 2024-2025")
	check(x.MergeCell(s, "A2", "H2"))
	// Columns: the 11 before the outcome, then the two outcome columns, then the rest.
	cols := append(append(append([]string{}, head[:11]...), "Hòa giải thành", "Hòa giải không thành"), head[12:]...)
	for i, h := range cols {
		c1, _ := excelize.CoordinatesToCellName(i+1, 4)
		c2, _ := excelize.CoordinatesToCellName(i+1, 5)
		switch {
		case i == 11:
			x.SetCellValue(s, c1, "Kết quả hòa giải")
			x.SetCellValue(s, c2, h)
			c3, _ := excelize.CoordinatesToCellName(i+2, 4)
			check(x.MergeCell(s, c1, c3))
		case i == 12:
			x.SetCellValue(s, c2, h)
		default:
			x.SetCellValue(s, c1, h)
			check(x.MergeCell(s, c1, c2))
		}
	}
	dateStyle, err := x.NewStyle(&excelize.Style{NumFmt: 14})
	check(err)
	for r, row := range data {
		out := append(append(append([]string{}, row[:11]...), "", ""), row[12:]...)
		switch row[11] {
		case "Hòa giải thành":
			out[11] = "x"
		case "Hòa giải không thành":
			out[12] = "x"
		}
		for i, v := range out {
			cell, _ := excelize.CoordinatesToCellName(i+1, r+6)
			if (i == 2 || i == 3) && v != "" && r != 2 { // row 3 keeps a text date
				t, err := time.Parse("02/01/2006", v)
				check(err)
				check(x.SetCellValue(s, cell, t))
				check(x.SetCellStyle(s, cell, cell, dateStyle))
				continue
			}
			if i == 0 {
				x.SetCellValue(s, cell, r+1)
				continue
			}
			x.SetCellValue(s, cell, v)
		}
	}
	tot, _ := excelize.CoordinatesToCellName(1, len(data)+6)
	x.SetCellValue(s, tot, "Tổng cộng")
	tot2, _ := excelize.CoordinatesToCellName(12, len(data)+6)
	x.SetCellValue(s, tot2, 2)
	check(x.SaveAs(filepath.Join(dir, "clean.xlsx")))
}

func csvText(rows [][]string, comma rune) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Comma = comma
	check(w.WriteAll(rows))
	return b.Bytes()
}

// cp1258 encodes s in Windows-1258 the way Vietnamese Windows did: a base
// letter from the code page followed by a combining tone mark.
func cp1258(s string) []byte {
	enc := charmap.Windows1258.NewEncoder()
	var out []byte
	for _, r := range s {
		if b, err := enc.Bytes([]byte(string(r))); err == nil {
			out = append(out, b...)
			continue
		}
		d := norm.NFD.String(string(r))
		var base, tones []rune
		for _, x := range d {
			if unicode.Is(unicode.Mn, x) && strings.ContainsRune("\u0300\u0301\u0303\u0309\u0323", x) {
				tones = append(tones, x)
			} else {
				base = append(base, x)
			}
		}
		b, err := enc.Bytes([]byte(norm.NFC.String(string(base)) + string(tones)))
		check(err)
		out = append(out, b...)
	}
	return out
}

func write(name string, b []byte) { check(os.WriteFile(filepath.Join(dir, name), b, 0o644)) }

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
