package ingest

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

// foldAlphabet mixes ASCII, Vietnamese letters in both cases (precomposed
// and with combining marks), punctuation, spaces and invalid bytes.
var foldAlphabet = []string{
	"a", "B", "z", "0", "9", " ", "  ", ",", ".", "/", "-", "(", ")", "\t", "\n", "\u00a0",
	"đ", "Đ", "ă", "Â", "ê", "ô", "ơ", "ư", "Ư", "à", "á", "ả", "ã", "ạ", "Ỳ", "ỹ", "ộ", "Ở", "ự",
	"o\u0300", "a\u0323\u0302", "\u0301", "\u0309", "–", "“", "”", "…", "✓", "ß", "İ", "ǅ", "Ω", "한",
	"\xff", "\xe1\xba", "\ufffd", "ﬁ", "½", "²", "Ⅻ",
}

func randomText(rng *rand.Rand) string {
	var b strings.Builder
	for n := rng.IntN(12); n > 0; n-- {
		b.WriteString(foldAlphabet[rng.IntN(len(foldAlphabet))])
	}
	return b.String()
}

// TestFoldFastPathsMatchSlow checks the table and ASCII paths of fold, and
// the no-op path of cleanText, against full normalisation.
func TestFoldFastPathsMatchSlow(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 200000; i++ {
		s := randomText(rng)
		for _, strip := range []bool{true, false} {
			if got, want := fold(s, strip), foldSlow(s, strip); got != want {
				t.Fatalf("fold(%q, %v) = %q, want %q", s, strip, got, want)
			}
		}
		if got, want := cleanText(s), strings.Join(strings.Fields(normNFC(s)), " "); got != want {
			t.Fatalf("cleanText(%q) = %q, want %q", s, got, want)
		}
	}
	// every rune of the table, alone and between letters
	for r := rune(0); r < foldTableSize+10; r++ {
		if !utf8.ValidRune(r) {
			continue
		}
		for _, s := range []string{string(r), "Ab" + string(r) + "c d", string(r) + string(r) + " x"} {
			for _, strip := range []bool{true, false} {
				if got, want := fold(s, strip), foldSlow(s, strip); got != want {
					t.Fatalf("fold(%q, %v) = %q, want %q", s, strip, got, want)
				}
			}
		}
	}
}

func TestParseDateFastPath(t *testing.T) {
	for _, s := range []string{"01/05/2026", "31/02/2025", "00/01/2025", "15/13/2025", "15/00/2025", "29/02/2024",
		"29/02/2023", "01/01/1899", "01/01/3000", "1/5/2026", "01/05/26", "0a/05/2026", "01-05-2026", "2026-05-01",
		"01/05/2026 10:00", " 01/05/2026 ", "01/05/2026T1", "31/12/2999", "01/01/1900"} {
		t1, e1 := parseDate(s)
		t2, e2 := parseDateSlow(s)
		if !t1.Equal(t2) || (e1 == nil) != (e2 == nil) || (e1 != nil && e1.Error() != e2.Error()) {
			t.Errorf("parseDate(%q) = %v, %v; slow path %v, %v", s, t1, e1, t2, e2)
		}
	}
}

func TestContainsWords(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	words := []string{"a", "ab", "b", " ", "  ", "ba"}
	for i := 0; i < 100000; i++ {
		var s, p strings.Builder
		for n := rng.IntN(8); n > 0; n-- {
			s.WriteString(words[rng.IntN(len(words))])
		}
		for n := 1 + rng.IntN(3); n > 0; n-- {
			p.WriteString(words[rng.IntN(len(words))])
		}
		if got, want := containsWords(s.String(), p.String()), strings.Contains(s.String(), " "+p.String()+" "); got != want {
			t.Fatalf("containsWords(%q, %q) = %v, want %v", s.String(), p.String(), got, want)
		}
	}
}
