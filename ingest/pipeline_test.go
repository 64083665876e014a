package ingest

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// manyRows repeats the data rows of clean.csv (quarantined and ignored
// rows among them) k times under its header rows, so that the pipeline
// spans many chunks.
func manyRows(t *testing.T, k int) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "clean.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(strings.TrimRight(string(b), "\n")+"\n", "\n")
	var out bytes.Buffer
	out.WriteString(lines[0])
	for i := 0; i < k; i++ {
		for _, l := range lines[1:] {
			out.WriteString(l)
		}
		if i%7 == 3 {
			out.WriteString(",,,,,,,,,,,,,,,\n")                                                // ignored
			out.WriteString("x,X,31/02/2025,,,Phường Không Có,,,\"A B, 1\",y,Khác,Thành,,,,\n") // quarantined
		}
	}
	return out.Bytes()
}

// TestPipelineOrderAndStop checks, over many chunks, that records come out
// in file order, that each one equals the record of the same row parsed on
// its own, and that an emit error stops Parse with that row not counted.
func TestPipelineOrderAndStop(t *testing.T) {
	_, r := testGeo(t)
	opt := Options{Key: testKey, Resolver: r}
	data := manyRows(t, 400)
	var all []Record
	st, err := ParseCSV("many.csv", bytes.NewReader(data), opt, func(rec Record) error {
		all = append(all, rec)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if st.Read != st.Emitted+st.Quarantined+st.Ignored || len(all) != st.Emitted+st.Quarantined || st.Ignored == 0 || st.Quarantined == 0 {
		t.Fatalf("stats %+v, %d records", st, len(all))
	}
	lines := strings.SplitAfter(string(data), "\n")
	for i, rec := range all {
		if i > 0 && rec.Row <= all[i-1].Row {
			t.Fatalf("record %d: row %d after row %d", i, rec.Row, all[i-1].Row)
		}
		if i%97 != 0 {
			continue
		}
		var one []Record
		if _, err := ParseCSV("many.csv", strings.NewReader(lines[0]+lines[rec.Row-1]), opt, func(r Record) error {
			one = append(one, r)
			return nil
		}); err != nil || len(one) != 1 {
			t.Fatalf("row %d alone: %v, %d records", rec.Row, err, len(one))
		}
		one[0].Row = rec.Row
		if one[0].Err != nil {
			one[0].Err.Row = rec.Row
		}
		if !reflect.DeepEqual(one[0], rec) {
			t.Fatalf("row %d: pipeline %+v, alone %+v", rec.Row, rec, one[0])
		}
	}
	for _, stopAt := range []int{1, 511, 512, 513, 1500} {
		n := 0
		stop := errors.New("stop")
		st, err := ParseCSV("many.csv", bytes.NewReader(data), opt, func(Record) error {
			n++
			if n == stopAt {
				return stop
			}
			return nil
		})
		if err != stop || st.Emitted+st.Quarantined != stopAt-1 || st.Read != st.Emitted+st.Quarantined+st.Ignored {
			t.Fatalf("stop at %d: %v, %+v", stopAt, err, st)
		}
	}
	// a read error after many rows: the rows before it are emitted first
	n := 0
	broken := io.MultiReader(bytes.NewReader(data), failingReader{})
	st, err = ParseCSV("many.csv", broken, opt, func(Record) error { n++; return nil })
	if err == nil || !strings.Contains(err.Error(), "many.csv") || n < len(all)-1 || st.Emitted+st.Quarantined != n {
		t.Fatalf("with a read error: %d of %d records, %+v, %v", n, len(all), st, err)
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }
