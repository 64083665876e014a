package ingest

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/canhbao/canhbao/models"
)

// parseFile parses a testdata file and checks the invariants every parse
// must keep: the accounting identity, one of Case or Err per record, and
// a valid Case.
func parseFile(t *testing.T, name string) (map[int]Record, Stats) {
	t.Helper()
	_, r := testGeo(t)
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs := map[int]Record{}
	st, err := ParseCSV(name, f, Options{Key: testKey, Resolver: r}, func(rec Record) error {
		if (rec.Case == nil) == (rec.Err == nil) {
			t.Errorf("row %d: want exactly one of Case and Err", rec.Row)
		}
		if rec.Case != nil {
			if err := rec.Case.Validate(); err != nil {
				t.Errorf("row %d: emitted an invalid case: %v", rec.Row, err)
			}
		}
		if _, dup := recs[rec.Row]; dup {
			t.Errorf("row %d emitted twice", rec.Row)
		}
		recs[rec.Row] = rec
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if st.Read != st.Emitted+st.Quarantined+st.Ignored {
		t.Errorf("%+v: Read != Emitted+Quarantined+Ignored", st)
	}
	if n := st.Emitted + st.Quarantined; n != len(recs) {
		t.Errorf("%+v: %d records emitted", st, len(recs))
	}
	checkNoNames(t, name, recs)
	return recs, st
}

// checkNoNames fails if a party name of the file appears in any field of an
// emitted case or in a row error.
func checkNoNames(t *testing.T, file string, recs map[int]Record) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	// Every party in the testdata files is written "Name, age ..." with a
	// two- or three-part Vietnamese name; collect the names.
	var names []string
	for _, line := range strings.Split(string(b), "\n") {
		for _, cell := range strings.FieldsFunc(line, func(r rune) bool { return r == ';' || r == '"' || r == ',' }) {
			cell = strings.TrimSpace(cell)
			if w := strings.Fields(cell); len(w) >= 3 && len(w) <= 5 && strings.Contains(line, cell+", ") && isName(w) {
				names = append(names, cell, fold(cell, true))
			}
		}
	}
	if len(names) < 5 {
		t.Fatalf("%s: found only %d party names to look for: %q", file, len(names), names)
	}
	for row, rec := range recs {
		var text string
		if rec.Case != nil {
			text = fmt.Sprintf("%+v", *rec.Case)
		} else {
			text = rec.Err.Error() + " " + rec.Err.Raw
		}
		for _, n := range names {
			if strings.Contains(strings.ToLower(text), strings.ToLower(n)) {
				t.Errorf("row %d: party name %q leaked: %s", row, n, text)
			}
		}
	}
}

// isName: capitalised words, the middle one a typical middle name.
func isName(w []string) bool {
	for _, x := range w {
		if strings.ToUpper(x[:1]) != x[:1] {
			return false
		}
	}
	m := fold(w[len(w)-2], true)
	return m == "van" || m == "thi"
}

func TestParseCSVClean(t *testing.T) {
	recs, st := parseFile(t, "clean.csv")
	if want := (Stats{Read: 5, Emitted: 5}); st != want {
		t.Fatalf("stats %+v, want %+v", st, want)
	}
	for _, rec := range recs {
		if rec.Err != nil {
			t.Fatalf("unexpected row error: %v (raw %s)", rec.Err, rec.Err.Raw)
		}
	}
	c := recs[2].Case
	want := models.Case{
		Key: "id:BD-2025-001", SourceCaseID: "BD-2025-001", Seq: 1,
		ReceivedDate: day(2025, 8, 5), ClosedDate: day(2025, 8, 12),
		UnitCode: "00004", SourceUnitCode: "00004",
		Village: "Tổ dân phố số 3", Team: "Tổ hòa giải số 1",
		PartiesHash: PartiesHash(testKey, "Trần Thị Bình; Nguyễn Văn An"),
		SummaryHash: SummaryHash("tranh chap ranh gioi dat giua hai ho lien ke"),
		Category:    models.CategoryCivil, Subtopic: models.SubtopicBoundary, Outcome: models.OutcomeSettled,
	}
	if !reflect.DeepEqual(*c, want) {
		t.Errorf("row 2:\n got %+v\nwant %+v", *c, want)
	}
	for _, x := range []struct {
		row             int
		source, current string
		apportioned     bool
		sub             models.Subtopic
		outcome         models.Outcome
		violence, crime bool
		ref             models.Referral
		cat             models.Category
		keyPrefix       string
	}{
		{3, "00001", "00097", false, models.SubtopicSpouse, models.OutcomeNotSettled, true, false, models.ReferralCourt, models.CategoryFamily, "id:"},
		{4, "00028", "", true, models.SubtopicNoise, models.OutcomeInProgress, false, false, models.ReferralNone, models.CategoryOther, "id:"},
		{5, "00004", "00004", false, models.SubtopicDebt, models.OutcomeSettled, false, true, models.ReferralPolice, models.CategoryCivil, "id:"},
		{6, "", "", false, models.SubtopicEnvironment, models.OutcomeInProgress, false, false, models.ReferralCommune, models.CategoryOther, "c:"},
	} {
		c := recs[x.row].Case
		if c == nil {
			t.Errorf("row %d: no case", x.row)
			continue
		}
		if (x.source != "" && c.SourceUnitCode != x.source) || (x.current != "" && c.UnitCode != x.current) ||
			c.Apportioned != x.apportioned || c.Subtopic != x.sub || c.Outcome != x.outcome ||
			c.ViolenceRisk != x.violence || c.CrimeSigns != x.crime || c.ReferredTo != x.ref ||
			c.Category != x.cat || !strings.HasPrefix(c.Key, x.keyPrefix) {
			t.Errorf("row %d: got %+v, want %+v", x.row, *c, x)
		}
	}
	if c := recs[6].Case; c != nil && c.Seq != 5 {
		t.Errorf("row 6: Seq %d, want 5", c.Seq)
	}
}

func TestParseCSVMessy(t *testing.T) {
	recs, st := parseFile(t, "messy.csv")
	// 3 title rows, the column numbers, 15 data rows, 2 rows of empty
	// cells and the total row; the header is not counted.
	if want := (Stats{Read: 22, Emitted: 6, Quarantined: 9, Ignored: 7}); st != want {
		t.Errorf("stats %+v, want %+v", st, want)
	}
	type want struct {
		source   string // emitted case: source unit
		outcome  models.Outcome
		field    string // quarantined row: field
		inReason string
	}
	wants := map[int]want{
		6:  {source: "00175", outcome: models.OutcomeSettled},    // tone variant Trung Hòa, 2024, split
		7:  {source: "10051", outcome: models.OutcomeInProgress}, // no diacritics, neither outcome marked
		8:  {source: "00214", outcome: models.OutcomeNotSettled}, // P. Quang Trung told apart by district; parties span two lines
		10: {field: "unit_name", inReason: "ambiguous"},          // Phường Quang Trung without district
		11: {field: "received_date", inReason: `"31/02/2024"`},   // impossible date
		12: {field: "closed_date", inReason: `"10/03/2024"`},     // closed before received
		13: {field: "unit_name", inReason: `unknown unit name "Phường Không Tồn Tại"`},
		15: {source: "00460", outcome: models.OutcomeNotSettled}, // Thụy Lâm written for Thuỵ Lâm
		16: {field: "unit_name", inReason: "missing"},            // no unit
		17: {field: "category", inReason: `"Hình sự"`},           // unknown category
		18: {field: "received_date", inReason: "missing"},        // no received date
		19: {field: "outcome", inReason: "both"},                 // both outcome columns marked
		20: {source: "00175", outcome: models.OutcomeInProgress}, // 2025-08 date, old name: falls back to 202501
		21: {source: "00214", outcome: models.OutcomeNotSettled}, // d-m-yyyy dates, quoted parties with ";"
		22: {field: "violence_risk", inReason: "not shown"},      // a party's name in a flag column
	}
	for row, w := range wants {
		rec, ok := recs[row]
		switch {
		case !ok:
			t.Errorf("line %d: no record", row)
		case w.field == "" && rec.Err != nil:
			t.Errorf("line %d: unexpected error %v", row, rec.Err)
		case w.field == "" && (rec.Case.SourceUnitCode != w.source || rec.Case.Outcome != w.outcome):
			t.Errorf("line %d: source %s outcome %s, want %s %s", row, rec.Case.SourceUnitCode, rec.Case.Outcome, w.source, w.outcome)
		case w.field != "" && rec.Err == nil:
			t.Errorf("line %d: emitted %+v, want an error in %s", row, *rec.Case, w.field)
		case w.field != "" && (rec.Err.Field != w.field || !strings.Contains(rec.Err.Reason, w.inReason)):
			t.Errorf("line %d: error %v, want field %s with %q", row, rec.Err, w.field, w.inReason)
		case w.field != "" && (rec.Err.File != "messy.csv" || rec.Err.Row != row):
			t.Errorf("line %d: error at %s:%d", row, rec.Err.File, rec.Err.Row)
		}
	}
	if len(recs) != len(wants) {
		t.Errorf("%d records, want %d", len(recs), len(wants))
	}
	// Line 8: violence flag "có", subtopic domestic (husband beating wife).
	if c := recs[8].Case; c != nil && (!c.ViolenceRisk || c.Subtopic != models.SubtopicDomestic || c.Category != models.CategoryFamily) {
		t.Errorf("line 8: %+v", *c)
	}
	// Line 21: two parties with words of address give the same hash without them.
	if c := recs[21].Case; c != nil && c.PartiesHash != PartiesHash(testKey, "Mạc Thị Vân; Tôn Văn Uy") {
		t.Errorf("line 21: parties hash does not ignore words of address")
	}
	// Raw keeps dates and units but hides parties and summaries.
	raw := recs[11].Err.Raw
	for _, s := range []string{"Ngay nhan vu viec: 31/02/2024", "Xa/Phuong: Phường Yên Hoà", "Ho ten, tuoi, dia chi cua cac ben: [đã ẩn]", "Noi dung vu viec: [đã ẩn]"} {
		if !strings.Contains(raw, s) {
			t.Errorf("line 11: raw %q lacks %q", raw, s)
		}
	}
}

func TestParseCSVDelimiterAndHeaderShapes(t *testing.T) {
	_, r := testGeo(t)
	opt := Options{Key: testKey, Resolver: r}
	const row = "1\t05/08/2025\tPhường Ba Đình\tDân sự\tHòa giải thành\n"
	for _, c := range []struct {
		name, in string
		emitted  int
		err      error
	}{
		{"tab", "STT\tNgày tiếp nhận\tĐơn vị\tLĩnh vực\tKết quả\n" + row, 1, nil},
		{"english labels", "seq,received_date,unit_code,category,outcome\n1,2025-08-05,4,civil,settled\n", 1, nil},
		{"official two-row header", "STT,Ngày nhận,Xã/Phường,Loại vụ việc,Kết quả hòa giải,\n,,,,Hòa giải thành,Hòa giải không thành\n1,05/08/2025,Phường Ba Đình,Khác,,x\n", 1, nil},
		{"repeated header", "STT,Ngày nhận,Xã/Phường,Loại,Kết quả\nSTT,Ngày nhận,Xã/Phường,Loại,Kết quả\n1,05/08/2025,Phường Ba Đình,Khác,Hòa giải thành\n", 1, nil},
		{"no header", "a,b,c\n1,2,3\n", 0, ErrNoHeader},
		{"empty", "", 0, ErrNoHeader},
	} {
		t.Run(c.name, func(t *testing.T) {
			var got []Record
			st, err := ParseCSV("f.csv", strings.NewReader(c.in), opt, func(r Record) error { got = append(got, r); return nil })
			if !errors.Is(err, c.err) {
				t.Fatalf("err = %v, want %v", err, c.err)
			}
			if err != nil && !strings.Contains(err.Error(), "f.csv") {
				t.Errorf("error %q does not name the file", err)
			}
			if st.Emitted != c.emitted {
				for _, r := range got {
					if r.Err != nil {
						t.Log(r.Err)
					}
				}
				t.Fatalf("stats %+v, want %d emitted", st, c.emitted)
			}
			if st.Read != st.Emitted+st.Quarantined+st.Ignored {
				t.Errorf("%+v breaks the identity", st)
			}
		})
	}
}

func TestParseCSVMissingColumns(t *testing.T) {
	_, r := testGeo(t)
	_, err := ParseCSV("f.csv", strings.NewReader("STT,Ghi chú,Tổ hòa giải,Xã/Phường\n1,,,Phường Ba Đình\n"),
		Options{Key: testKey, Resolver: r}, func(Record) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "received date") || !strings.Contains(err.Error(), "f.csv") {
		t.Fatalf("err = %v, want a missing received date column naming the file", err)
	}
}

func TestParseCSVEmitError(t *testing.T) {
	_, r := testGeo(t)
	f, err := os.Open(filepath.Join("testdata", "clean.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	stop := errors.New("stop")
	n := 0
	st, err := ParseCSV("clean.csv", f, Options{Key: testKey, Resolver: r}, func(Record) error {
		n++
		if n == 2 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || st.Emitted != 1 || st.Read != 1 {
		t.Fatalf("err %v stats %+v, want stop after one counted row", err, st)
	}
}

func TestParseDate(t *testing.T) {
	for _, c := range []struct {
		in   string
		want string // yyyy-mm-dd, or "" for an error
	}{
		{"05/03/2024", "2024-03-05"},
		{"5/3/2024", "2024-03-05"},
		{"05-03-2024", "2024-03-05"},
		{"05.03.2024", "2024-03-05"},
		{"2024-03-05", "2024-03-05"},
		{"2024-03-05 00:00:00", "2024-03-05"},
		{"29/02/2024", "2024-02-29"},
		{"29/02/2023", ""},
		{"31/04/2024", ""},
		{"00/01/2024", ""},
		{"12/13/2024", ""},
		{"05/03/24", ""},
		{"45352", ""},
		{"hôm qua", ""},
	} {
		d, err := parseDate(c.in)
		switch {
		case c.want == "" && err == nil:
			t.Errorf("parseDate(%q) = %s, want an error", c.in, d.Format("2006-01-02"))
		case c.want == "" && !strings.Contains(err.Error(), c.in):
			t.Errorf("parseDate(%q): error %q does not quote the value", c.in, err)
		case c.want != "" && err != nil:
			t.Errorf("parseDate(%q): %v", c.in, err)
		case c.want != "" && d.Format("2006-01-02") != c.want:
			t.Errorf("parseDate(%q) = %s, want %s", c.in, d.Format("2006-01-02"), c.want)
		}
	}
}

func TestCodedValues(t *testing.T) {
	for in, want := range map[string]models.Category{
		"Dân sự": models.CategoryCivil, "dan su": models.CategoryCivil, "Tranh chấp dân sự": models.CategoryCivil, "civil": models.CategoryCivil,
		"Hôn nhân và gia đình": models.CategoryFamily, "HNGĐ": models.CategoryFamily, "hon nhan va gia dinh": models.CategoryFamily, "family": models.CategoryFamily,
		"Khác": models.CategoryOther, "other": models.CategoryOther, "Mâu thuẫn, xích mích": models.CategoryOther,
	} {
		if got, err := parseCategory(in); err != nil || got != want {
			t.Errorf("parseCategory(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for in, want := range map[string]models.Outcome{
		"Hòa giải thành": models.OutcomeSettled, "Hoà giải thành": models.OutcomeSettled, "settled": models.OutcomeSettled,
		"Hòa giải không thành": models.OutcomeNotSettled, "not_settled": models.OutcomeNotSettled,
		"Đang giải quyết": models.OutcomeInProgress, "in_progress": models.OutcomeInProgress,
	} {
		if got, err := parseOutcome(in); err != nil || got != want {
			t.Errorf("parseOutcome(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for in, want := range map[string]bool{"Có": true, "x": true, "1": true, "true": true, "yes": true, "": false, "Không": false, "0": false, "false": false} {
		if got, err := parseFlag(in); err != nil || got != want {
			t.Errorf("parseFlag(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	if _, err := parseFlag("có lẽ"); err != nil {
		t.Errorf("parseFlag(có lẽ): %v", err)
	}
	if _, err := parseFlag("chưa rõ"); err == nil {
		t.Error("parseFlag(chưa rõ) accepted")
	}
	for in, want := range map[string]models.Referral{
		"Công an": models.ReferralPolice, "Công an phường": models.ReferralPolice, "Tòa án": models.ReferralCourt,
		"Toà án nhân dân huyện": models.ReferralCourt, "UBND xã": models.ReferralCommune, "UBND phường": models.ReferralCommune,
		"UBND": models.ReferralCommune, "Ủy ban nhân dân xã": models.ReferralCommune, "Hội phụ nữ": models.ReferralOther,
		"": models.ReferralNone, "Không": models.ReferralNone, "-": models.ReferralNone,
	} {
		if got := parseReferral(in); got != want {
			t.Errorf("parseReferral(%q) = %q, want %q", in, got, want)
		}
	}
}
