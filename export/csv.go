package export

import (
	"encoding/csv"
)

// writeCSV writes alerts.csv: UTF-8 with a BOM (so spreadsheet programs
// read the Vietnamese headers right), comma-separated.
func writeCSV(path string, alerts []Alert, d *Data) error {
	f, err := create(path)
	if err != nil {
		return err
	}
	if _, err := f.WriteString("\uFEFF"); err != nil {
		f.Close()
		return err
	}
	w := csv.NewWriter(f)
	w.Write(alertHeaders)
	for _, a := range alerts {
		w.Write(a.cells(d.Public, d.Week))
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
