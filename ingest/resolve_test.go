package ingest

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/canhbao/canhbao/models"
)

func day(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }

func TestNormalizeName(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Phường Ba Đình", "ba dinh"},
		{"  P.Ba   Đình ", "ba dinh"},
		{"Xã Hoà Lạc", "hoa lac"},
		{"xa hòa lạc", "hoa lac"},
		{"Thị trấn Trâu Quỳ", "trau quy"},
		{"TT. Trâu Quỳ", "trau quy"},
		{"Thị xã Sơn Tây", "son tay"},
		{"Quận Hoàn Kiếm", "hoan kiem"},
		{"Huyện Đông Anh", "dong anh"},
		{"Quán Thánh", "quan thanh"}, // a bare name is not a prefix plus one word
		{"Phường Quán Thánh", "quan thanh"},
		{"Phường 1", "1"},
		{"Xã Thuỵ Lâm", "thuy lam"},
		{"Phường Văn Miếu - Quốc Tử Giám", "van mieu quoc tu giam"},
	} {
		if got := NormalizeName(c.in); got != c.want {
			t.Errorf("NormalizeName(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	// Tone-mark placement variants are equal even when diacritics are kept.
	for _, p := range [][2]string{{"Hoà", "Hòa"}, {"Thuỵ", "Thụy"}, {"Khoẻ", "Khỏe"}, {"Uý", "Úy"}} {
		if a, b := fold(p[0], false), fold(p[1], false); a != b {
			t.Errorf("fold(%q) = %q, fold(%q) = %q: want equal", p[0], a, p[1], b)
		}
	}
	// ... but different vowels are not.
	if fold("Việt Hưng", false) == fold("Việt Hùng", false) {
		t.Error("Việt Hưng and Việt Hùng must differ with diacritics kept")
	}
}

func TestResolve(t *testing.T) {
	_, r := testGeo(t)
	for _, c := range []struct {
		name                  string
		code, unit, district  string
		d                     time.Time
		current, source       string
		apportioned           bool
		errField, errContains string
	}{
		{name: "current name", unit: "Phường Ba Đình", d: day(2025, 8, 5), current: "00004", source: "00004"},
		{name: "current code", code: "00004", d: day(2025, 8, 5), current: "00004", source: "00004"},
		{name: "code lost leading zeros", code: "4", d: day(2025, 8, 5), current: "00004", source: "00004"},
		// Code 00004 was Phường Trúc Bạch before July 2025.
		{name: "old code on old date", code: "00004", d: day(2024, 5, 1), current: "00004", source: "00004"},
		{name: "code and name agree", code: "00004", unit: "Phường Trúc Bạch", d: day(2024, 5, 1), current: "00004", source: "00004"},
		{name: "code and name disagree", code: "00001", unit: "Phường Kim Mã", d: day(2024, 5, 1), errField: "unit_code", errContains: "Phúc Xá"},
		{name: "unknown code", code: "99999", d: day(2024, 5, 1), errField: "unit_code", errContains: "99999"},
		{name: "2024 name", unit: "Phường Phúc Xá", district: "Quận Ba Đình", d: day(2024, 3, 14), current: "00097", source: "00001"},
		{name: "no diacritics", unit: "phuong phuc xa", d: day(2024, 3, 14), current: "00097", source: "00001"},
		{name: "tone variant", unit: "Phường Trung Hòa", district: "Quận Cầu Giấy", d: day(2024, 3, 5), source: "00175", apportioned: true},
		{name: "type tells apart", unit: "Xã Trung Hoà", d: day(2024, 3, 5), current: "10030", source: "10051"},
		{name: "district tells apart", unit: "Phường Quang Trung", district: "Quận Hà Đông", d: day(2024, 3, 5), source: "09550", apportioned: true},
		{name: "district without diacritics", unit: "P Quang Trung", district: "quan ha dong", d: day(2024, 3, 5), source: "09550", apportioned: true},
		{name: "ambiguous", unit: "Phường Quang Trung", d: day(2024, 3, 5), errField: "unit_name", errContains: "00214"},
		{name: "ambiguous, district unknown", unit: "Phường Quang Trung", district: "Quận Mười", d: day(2024, 3, 5), errField: "unit_name", errContains: "Quận Mười"},
		{name: "unknown", unit: "Phường Phúc Xáá Xá", d: day(2024, 3, 5), errField: "unit_name", errContains: "Phúc Xá"},
		{name: "missing", d: day(2024, 3, 5), errField: "unit_name", errContains: "missing"},
		// An old name kept after the reform falls back to the latest vintage having it.
		{name: "old name after reform", unit: "Phường Trúc Bạch", d: day(2025, 9, 1), current: "00004", source: "00004"},
		// A 202501 unit on a 202501 date.
		{name: "202501 vintage", unit: "Phường Thụy Khuê", district: "Quận Tây Hồ", d: day(2025, 3, 1), source: "00112", apportioned: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			cur, src, app, err := r.Resolve(c.code, c.unit, c.district, c.d, "case-1")
			if c.errField != "" {
				var fe *models.FieldError
				if !errors.As(err, &fe) {
					t.Fatalf("err = %v, want a *models.FieldError", err)
				}
				if fe.Field != c.errField || !strings.Contains(fe.Reason, c.errContains) {
					t.Fatalf("err = %v, want field %s with %q", fe, c.errField, c.errContains)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if src != c.source || app != c.apportioned || (c.current != "" && cur != c.current) {
				t.Fatalf("got current %s source %s apportioned %v, want %s %s %v", cur, src, app, c.current, c.source, c.apportioned)
			}
		})
	}
}

func TestResolveSuggestsAtMostFive(t *testing.T) {
	_, r := testGeo(t)
	_, _, _, err := r.Resolve("", "Phường Quang Trung Mới", "", day(2024, 1, 2), "k")
	if err == nil {
		t.Fatal("want an error")
	}
	if n := len(regexp.MustCompile(`\(\d{5} `).FindAllString(err.Error(), -1)); n != maxSuggestions {
		t.Fatalf("%d candidates in %q, want %d", n, err, maxSuggestions)
	}
}

// TestResolveSplitShares checks that records of a split old unit are spread
// over its current units with shares near the crosswalk weights, that each
// record goes to one unit (counts conserved) and that the choice repeats.
func TestResolveSplitShares(t *testing.T) {
	g, r := testGeo(t)
	const old = "00019" // Phường Điện Biên (2024): split over 4 current units
	want := map[string]float64{}
	for _, l := range g.Crosswalk {
		if l.OldVintage == "2024" && l.OldCode == old {
			want[l.NewCode] += l.Weight
		}
	}
	if len(want) < 2 {
		t.Fatalf("%s is not split in the crosswalk: %v", old, want)
	}
	const n = 20000
	got := map[string]int{}
	for i := range n {
		key := fmt.Sprintf("id:DB-%d", i)
		cur, src, app, err := r.Resolve(old, "", "", day(2024, 6, 1), key)
		if err != nil {
			t.Fatal(err)
		}
		if src != old || !app {
			t.Fatalf("source %s apportioned %v, want %s true", src, app, old)
		}
		again, _, _, _ := r.Resolve("", "Phường Điện Biên", "Quận Ba Đình", day(2024, 6, 1), key)
		if again != cur {
			t.Fatalf("key %s: %s then %s: not deterministic", key, cur, again)
		}
		got[cur]++
	}
	total := 0
	for code, k := range got {
		if _, ok := want[code]; !ok {
			t.Errorf("record sent to %s, which is not a part of %s", code, old)
		}
		total += k
	}
	if total != n {
		t.Fatalf("%d records apportioned, want %d", total, n)
	}
	for code, w := range want {
		share := float64(got[code]) / n
		// 5 binomial standard errors.
		if tol := 5 * math.Sqrt(w*(1-w)/n); math.Abs(share-w) > tol {
			t.Errorf("%s: share %.4f, want %.4f ± %.4f", code, share, w, tol)
		}
	}
}
