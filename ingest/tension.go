package ingest

import "strings"

// tensionCues are the phrases (diacritic-free, lower case, whole words) of a
// summary that describes a dispute turning more serious (DOMAIN.md "What
// escalating means"): threats, raised voices and insults, scuffles and
// violence, a tense or heated situation, and recurrence or a conflict that
// has gone on for long. The lexicon is written from how mediators describe
// such cases, not from any one data source; a summary that matches any cue,
// not negated (see negatedAt), sets models.Case.Tension. Only that flag is
// stored: the summary text itself never is.
var tensionCues = []string{
	// threats
	"de doa", "doa", "doa nat", "doa giet", "doa danh", "doa dot", "hu doa", "khung bo", "uy hiep", "thach thuc",
	"tra thu", "bao thu", "an thua du", "hung khi", "cam dao", "cam gay", "vu khi",
	// raised voices, insults
	"to tieng", "lon tieng", "qua tieng lai", "cai va", "cai nhau", "cai co", "chui boi", "chui rua", "chui nhau",
	"lang ma", "xuc pham", "nhuc ma", "ma ly", "la het", "quat thao", "gao thet", "noi lan",
	// scuffles, violence
	"xo xat", "xo day", "danh nhau", "danh dap", "hanh hung", "gay thuong tich", "au da", "hon chien", "dap pha",
	"nem da", "tan cong", "bi thuong", "chem", "dam nhau",
	// tense, heated
	"cang thang", "gay gat", "buc xuc", "gay can", "kich dong", "qua khich", "manh dong", "hiem khich", "thu han",
	"thu hang", "leo thang", "bung phat", "dien bien phuc tap", "tinh hinh phuc tap", "nghiem trong", "gay roi", "mat trat tu", "tu tap dong nguoi",
	"phan ung manh", "gian du", "nong gian",
	// recurrence, long-running
	"tai dien", "tai phat", "nhieu lan", "lap lai", "lien tuc", "keo dai", "nhieu nam", "day dua", "am i",
	"tiep dien", "lan thu hai", "lan thu ba", "chua dut diem", "khong dut diem", "van chua giai quyet",
}

// tensionNegators open a negation ("không có lời lẽ đe dọa", "chưa xảy ra
// xô xát"); tensionFillers are the words that may stand between a negator
// and the cue it negates. Anything else in between ("không trả nợ, đe dọa")
// ends the negation: fold turns punctuation into spaces, so clause
// boundaries are lost and this is the cheap substitute.
var (
	tensionNegators = map[string]bool{"khong": true, "chua": true, "chang": true, "cha": true, "ko": true, "kg": true}
	tensionFillers  = map[string]bool{"co": true, "he": true, "con": true, "loi": true, "le": true, "hanh": true,
		"vi": true, "dau": true, "hieu": true, "su": true, "viec": true, "bi": true, "gay": true, "xay": true, "ra": true,
		"tinh": true, "trang": true, "thay": true, "ghi": true, "nhan": true, "phat": true, "sinh": true, "muc": true,
		"do": true, "den": true, "toi": true,
		// the first word of a longer cue whose last word is a cue too ("đe dọa", "hù dọa")
		"de": true, "hu": true}
)

// Tension reports whether a case summary describes an escalating conflict
// (see tensionCues), matched on the summary folded without diacritics, by
// whole words, skipping negated mentions.
func Tension(summary string) bool {
	return tensionOf(" " + fold(summary, true) + " ")
}

// tensionOf is Tension of a summary already folded and padded with a space
// on each side (as subtopicOf takes it). It walks the words once and looks
// each up in tensionIndex: one map lookup a word, ~30x cheaper than
// searching the text for every cue (it runs on every summary ingested).
func tensionOf(s string) bool {
	for i := 0; i < len(s); {
		for i < len(s) && s[i] == ' ' {
			i++
		}
		j := i
		for j < len(s) && s[j] != ' ' {
			j++
		}
		if j > i {
			for _, rest := range tensionIndex[s[i:j]] {
				// rest is the cue's words after the first, "" for a one-word cue
				if rest != "" && !(j < len(s) && strings.HasPrefix(s[j+1:], rest) &&
					(j+1+len(rest) == len(s) || s[j+1+len(rest)] == ' ')) {
					continue
				}
				if !negatedAt(s, i) {
					return true
				}
			}
		}
		i = j
	}
	return false
}

// tensionIndex maps the first word of each cue to the rest of its words.
var tensionIndex = func() map[string][]string {
	m := map[string][]string{}
	for _, c := range tensionCues {
		first, rest, _ := strings.Cut(c, " ")
		m[first] = append(m[first], rest)
	}
	return m
}()

// negatedAt reports whether the cue starting at s[at] is negated: a negator
// among the 5 words before it with only fillers between the two. It walks
// back word by word without allocating (it runs on every match).
func negatedAt(s string, at int) bool {
	end := at
	for n := 0; n < 5; n++ {
		for end > 0 && s[end-1] == ' ' {
			end--
		}
		start := end
		for start > 0 && s[start-1] != ' ' {
			start--
		}
		if start == end {
			return false
		}
		w := s[start:end]
		if tensionNegators[w] {
			return true
		}
		if !tensionFillers[w] {
			return false
		}
		end = start
	}
	return false
}
