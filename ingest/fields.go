package ingest

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/canhbao/canhbao/models"
)

// Canonical field names: what header labels map to, and what RowError.Field
// holds.
const (
	fCaseID     = "case_id"
	fSeq        = "seq"
	fReceived   = "received_date"
	fClosed     = "closed_date"
	fUnitCode   = "unit_code"
	fUnitName   = "unit_name"
	fDistrict   = "district_name"
	fVillage    = "village"
	fTeam       = "team"
	fParties    = "parties"
	fSummary    = "summary"
	fCategory   = "category"
	fOutcome    = "outcome"
	fSettled    = "outcome_settled"     // official form, column 7: marked when settled
	fNotSettled = "outcome_not_settled" // official form, column 8: marked when not settled
	fViolence   = "violence_risk"
	fCrime      = "crime_signs"
	fReferred   = "referred_to"
	fNotes      = "notes"
	fMediators  = "mediators" // names of mediators: personal, never stored
	fAgreement  = "agreement" // what the parties agreed: free text, never stored
	fCount      = "count"     // cases a row stands for (aggregated sources: weekly counts per area)
)

// labels lists the header labels of each field. They are compared by
// labelKey, so case, diacritics, spacing, punctuation and parenthesised
// remarks do not matter.
var labels = map[string][]string{
	fCaseID:     {"Mã vụ việc", "Mã vụ, việc", "Mã hồ sơ", "Số hồ sơ", "case_id"},
	fSeq:        {"STT", "Số TT", "Số thứ tự", "TT", "seq"},
	fReceived:   {"Ngày, tháng, năm nhận vụ, việc hòa giải", "Ngày tháng năm nhận vụ việc", "Ngày nhận vụ việc", "Ngày nhận vụ, việc", "Ngày nhận", "Ngày tiếp nhận", "received_date"},
	fClosed:     {"Ngày kết thúc", "Ngày kết thúc hòa giải", "Ngày hòa giải xong", "closed_date"},
	fUnitCode:   {"Mã xã/phường", "Mã xã, phường, thị trấn", "Mã ĐVHC", "Mã đơn vị", "unit_code"},
	fUnitName:   {"Xã/Phường", "Phường/Xã", "Xã, phường, thị trấn", "Xã/Phường/Thị trấn", "Tên xã/phường", "Đơn vị", "Tên đơn vị", "unit_name"},
	fDistrict:   {"Quận/Huyện", "Quận, huyện, thị xã", "Quận/Huyện/Thị xã", "district", "district_name"},
	fVillage:    {"Thôn/Tổ dân phố", "Thôn, tổ dân phố", "Thôn/TDP", "village"},
	fTeam:       {"Tổ hòa giải", "team"},
	fParties:    {"Họ tên, tuổi, địa chỉ của các bên", "Họ tên các bên", "Các bên", "Các bên tranh chấp", "parties"},
	fSummary:    {"Nội dung chủ yếu của vụ, việc", "Nội dung vụ việc", "Nội dung vụ, việc", "Nội dung", "summary"},
	fCategory:   {"Loại vụ việc", "Loại vụ, việc", "Lĩnh vực", "Loại", "category"},
	fOutcome:    {"Kết quả hòa giải", "Kết quả", "outcome"},
	fSettled:    {"Hòa giải thành", "outcome_settled"},
	fNotSettled: {"Hòa giải không thành", "outcome_not_settled"},
	fViolence:   {"Nguy cơ bạo lực", "Có nguy cơ bạo lực", "violence_risk"},
	fCrime:      {"Dấu hiệu tội phạm", "Có dấu hiệu tội phạm", "crime_signs"},
	fReferred:   {"Chuyển cơ quan", "Chuyển cơ quan có thẩm quyền", "Chuyển đến", "referred_to"},
	fNotes:      {"Ghi chú", "notes"},
	fMediators:  {"Họ và tên hòa giải viên, người được mời tham gia", "Họ và tên hòa giải viên", "Hòa giải viên", "mediators"},
	fAgreement:  {"Thỏa thuận của các bên", "Thỏa thuận", "agreement"},
	fCount:      {"Số vụ việc", "Số vụ", "count", "case_count", "n_cases"},
}

// labelField maps labelKey(label) to its field.
var labelField = func() map[string]string {
	m := map[string]string{}
	for f, ls := range labels {
		for _, l := range ls {
			k := labelKey(l)
			if g, ok := m[k]; ok && g != f {
				panic("ingest: label " + l + " maps to both " + g + " and " + f)
			}
			m[k] = f
		}
	}
	return m
}()

// private fields are never copied into RowError.Raw: they hold names, ages,
// addresses or free text that may name people. Columns with no known label
// are treated the same way.
var private = map[string]bool{
	fParties: true, fMediators: true, fAgreement: true, fSummary: true, fNotes: true,
}

// redacted replaces private cells in RowError.Raw.
const redacted = "[đã ẩn]"

// parseDate reads dd/mm/yyyy, d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy and
// yyyy-mm-dd (a time of day after a space or T is ignored) as a UTC date.
func parseDate(s string) (time.Time, error) {
	// Fast path: exactly dd/mm/yyyy (the logbook form); the checks below
	// are those of parseDateSlow, with its messages.
	if len(s) == 10 && s[2] == '/' && s[5] == '/' {
		d0, d1, m0, m1 := s[0]-'0', s[1]-'0', s[3]-'0', s[4]-'0'
		y0, y1, y2, y3 := s[6]-'0', s[7]-'0', s[8]-'0', s[9]-'0'
		if d0 <= 9 && d1 <= 9 && m0 <= 9 && m1 <= 9 && y0 <= 9 && y1 <= 9 && y2 <= 9 && y3 <= 9 {
			di, mi := int(d0)*10+int(d1), int(m0)*10+int(m1)
			yi := int(y0)*1000 + int(y1)*100 + int(y2)*10 + int(y3)
			if yi >= 1900 && yi <= 2999 && mi >= 1 && mi <= 12 && di >= 1 && di <= daysIn(mi, yi) {
				return time.Date(yi, time.Month(mi), di, 0, 0, 0, 0, time.UTC), nil
			}
		}
	}
	return parseDateSlow(s)
}

func daysIn(m, y int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

var isoWeekDate = regexp.MustCompile(`^(\d{4})-?[Ww](\d{1,2})$`)

func parseDateSlow(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	// an ISO week ("2019-W05", "2019W05", "2019-W5"), as aggregated
	// sources write weekly counts: its Monday (weeks are what the analysis
	// counts by)
	if m := isoWeekDate.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[1])
		n, _ := strconv.Atoi(m[2])
		w := models.Week{Year: y, Num: n}
		if err := w.Validate(); err != nil {
			return time.Time{}, fmt.Errorf("%q is not an ISO week of its year", s)
		}
		return w.Monday(), nil
	}
	v := s
	if i := strings.IndexAny(v, " T"); i >= 0 {
		v = v[:i]
	}
	parts := strings.FieldsFunc(v, func(r rune) bool { return r == '/' || r == '-' || r == '.' })
	if len(parts) != 3 {
		return time.Time{}, fmt.Errorf("%q is not a date (want dd/mm/yyyy)", s)
	}
	var y, m, d string
	if len(parts[0]) == 4 {
		y, m, d = parts[0], parts[1], parts[2]
	} else {
		d, m, y = parts[0], parts[1], parts[2]
	}
	if !isDigits(y) || !isDigits(m) || !isDigits(d) || len(d) > 2 || len(m) > 2 {
		return time.Time{}, fmt.Errorf("%q is not a date (want dd/mm/yyyy)", s)
	}
	if len(y) != 4 {
		return time.Time{}, fmt.Errorf("%q has no four-digit year (want dd/mm/yyyy)", s)
	}
	yi, _ := strconv.Atoi(y)
	mi, _ := strconv.Atoi(m)
	di, _ := strconv.Atoi(d)
	if yi < 1900 || yi > 2999 {
		return time.Time{}, fmt.Errorf("%q: year %d is out of range", s, yi)
	}
	if mi < 1 || mi > 12 {
		return time.Time{}, fmt.Errorf("%q: there is no month %d", s, mi)
	}
	t := time.Date(yi, time.Month(mi), di, 0, 0, 0, 0, time.UTC)
	if di < 1 || t.Day() != di {
		return time.Time{}, fmt.Errorf("%q: month %d has no day %d", s, mi, di)
	}
	return t, nil
}

// categoryValues maps valueKey of a category cell to its category.
var categoryValues = map[string]models.Category{
	"dansu": models.CategoryCivil, "tranhchapdansu": models.CategoryCivil, "civil": models.CategoryCivil,
	"quanhedansu": models.CategoryCivil, "tranhchapphatsinhtuquanhedansu": models.CategoryCivil, "ds": models.CategoryCivil,
	"honnhanvagiadinh": models.CategoryFamily, "honnhangiadinh": models.CategoryFamily, "hngd": models.CategoryFamily,
	"family": models.CategoryFamily, "giadinh": models.CategoryFamily, "tranhchaphonnhanvagiadinh": models.CategoryFamily,
	"khac": models.CategoryOther, "other": models.CategoryOther, "tranhchapkhac": models.CategoryOther,
	"mauthuanxichmich": models.CategoryOther, "mauthuanxichmichtranhchapkhac": models.CategoryOther,
	"mauthuanxichmichkhac": models.CategoryOther,
}

func parseCategory(s string) (models.Category, error) {
	k := valueKey(s)
	if k == "" {
		return "", fmt.Errorf("missing")
	}
	if c, ok := categoryValues[k]; ok {
		return c, nil
	}
	return "", fmt.Errorf("unknown category %q (want Dân sự, Hôn nhân và gia đình or Khác)", s)
}

var outcomeValues = map[string]models.Outcome{
	"hoagiaithanh": models.OutcomeSettled, "thanh": models.OutcomeSettled, "thanhcong": models.OutcomeSettled,
	"settled": models.OutcomeSettled, "hgthanh": models.OutcomeSettled,
	"hoagiaikhongthanh": models.OutcomeNotSettled, "khongthanh": models.OutcomeNotSettled,
	"khongthanhcong": models.OutcomeNotSettled, "notsettled": models.OutcomeNotSettled, "hgkhongthanh": models.OutcomeNotSettled,
	"danggiaiquyet": models.OutcomeInProgress, "danghoagiai": models.OutcomeInProgress, "dangxuly": models.OutcomeInProgress,
	"chuaxong": models.OutcomeInProgress, "chuagiaiquyet": models.OutcomeInProgress, "inprogress": models.OutcomeInProgress,
}

func parseOutcome(s string) (models.Outcome, error) {
	if o, ok := outcomeValues[valueKey(s)]; ok {
		return o, nil
	}
	return "", fmt.Errorf("unknown outcome %q (want Hòa giải thành, Hòa giải không thành or Đang giải quyết)", s)
}

// parseFlag reads a yes/no cell: Có, x, 1, true, yes are yes; empty,
// Không, 0, false, no are no.
func parseFlag(s string) (bool, error) {
	k := valueKey(s)
	switch k {
	case "", "khong", "0", "false", "no", "n", "k":
		return false, nil
	case "co", "x", "1", "true", "yes", "y", "v":
		return true, nil
	}
	if strings.TrimSpace(s) == "✓" || strings.TrimSpace(s) == "✔" {
		return true, nil
	}
	if strings.HasPrefix(k, "khong") {
		return false, nil
	}
	if strings.HasPrefix(k, "co") {
		return true, nil
	}
	return false, fmt.Errorf("%q is not yes or no (want Có or empty)", s)
}

// parseMark reads one of the official form's outcome columns: empty, 0 or
// Không is unmarked; anything else (x, ✓, 1, Có, text) is marked.
func parseMark(s string) bool {
	switch valueKey(s) {
	case "", "0", "khong", "false", "no":
		return false
	}
	return true
}

func parseReferral(s string) models.Referral {
	k := valueKey(s)
	switch {
	case k == "" || k == "khong" || k == "0" || k == "no" || k == "none" || strings.Trim(s, " -–") == "":
		return models.ReferralNone
	case strings.Contains(k, "congan") || k == "police":
		return models.ReferralPolice
	case strings.Contains(k, "toaan") || k == "court":
		return models.ReferralCourt
	case strings.Contains(k, "ubnd") || strings.Contains(k, "uybannhandan") || k == "commune":
		return models.ReferralCommune
	}
	return models.ReferralOther
}

// parseSeq reads STT ("12", "12."); anything else is 0: STT is never an
// identity, so a bad one does not quarantine the row.
// maxRowCount bounds the cases one row of an aggregated source may stand
// for: a larger count is more likely a typo (or a total) than one area's
// week, and each case is a row in the warehouse.
const maxRowCount = 100_000

// parseCount reads the count cell of an aggregated source: a whole number
// from 0 to maxRowCount ("12", "12.0", " 12 ").
func parseCount(s string) (int, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, fmt.Errorf("missing (a row of an aggregated source needs its count)")
	}
	n, err := strconv.Atoi(t)
	if err != nil {
		f, ferr := strconv.ParseFloat(t, 64)
		if ferr != nil || f != float64(int64(f)) {
			return 0, fmt.Errorf("%q is not a whole number of cases", s)
		}
		n = int(f)
	}
	if n < 0 || n > maxRowCount {
		return 0, fmt.Errorf("%q is outside 0..%d", s, maxRowCount)
	}
	return n, nil
}

func parseSeq(s string) int {
	n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(s), "."))
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// excelSerial reads an Excel serial date (days since 1899-12-30 in the 1900
// date system, a fraction being the time of day) between 1900 and 2999.
func excelSerial(s string) (time.Time, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || f < 61 || f >= 401769 { // 01/03/1900 .. 01/01/3000
		return time.Time{}, false
	}
	return time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(f)), true
}
