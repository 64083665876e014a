package ingest

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParseCSV checks that no input makes ParseCSV panic, that every row
// is counted exactly once, that every record holds exactly one of a valid
// Case or a RowError, and that redacted cells stay redacted.
func FuzzParseCSV(f *testing.F) {
	_, r := testGeo(f)
	files, _ := filepath.Glob(filepath.Join("testdata", "*.csv"))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("STT,Ngày nhận,Xã/Phường,Loại,Kết quả\n1,05/08/2025,Phường Ba Đình,Khác,Hòa giải thành\n"))
	f.Add([]byte("STT;Ngay nhan;Ma DVHC;Loai;Hoa giai thanh;Hoa giai khong thanh\n1;1/1/2024;1;HNGD;x;\n"))
	f.Add([]byte("\xef\xbb\xbf\"STT\",\"Mã vụ việc\n\",\"Ngày nhận\"\n"))
	opt := Options{Key: testKey, Resolver: r}
	f.Fuzz(func(t *testing.T, b []byte) {
		n := 0
		st, err := ParseCSV("fuzz.csv", bytes.NewReader(b), opt, func(rec Record) error {
			n++
			if (rec.Case == nil) == (rec.Err == nil) {
				t.Fatalf("row %d: want exactly one of Case and Err", rec.Row)
			}
			if rec.Case != nil {
				if err := rec.Case.Validate(); err != nil {
					t.Fatalf("row %d: invalid case: %v", rec.Row, err)
				}
			} else if rec.Err.File != "fuzz.csv" || rec.Err.Row < 1 {
				t.Fatalf("row error at %s:%d", rec.Err.File, rec.Err.Row)
			}
			return nil
		})
		if st.Read != st.Emitted+st.Quarantined+st.Ignored {
			t.Fatalf("%+v breaks Read == Emitted+Quarantined+Ignored", st)
		}
		if n != st.Emitted+st.Quarantined {
			t.Fatalf("%d records emitted, stats %+v", n, st)
		}
		if err != nil && !strings.Contains(err.Error(), "fuzz.csv") {
			t.Fatalf("error %q does not name the file", err)
		}
	})
}
