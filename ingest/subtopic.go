package ingest

import (
	"strings"

	"github.com/canhbao/canhbao/models"
)

// subtopicRules holds the phrases (diacritic-free, lower case, whole words)
// that mark each subtopic in a case summary.
var subtopicRules = map[models.Subtopic][]string{
	models.SubtopicInheritance: {"thua ke", "di chuc", "di san", "chia tai san cua bo me", "tai san cua bo me de lai", "bo me de lai"},
	models.SubtopicBoundary: {"ranh gioi", "moc gioi", "lan chiem", "lan ranh", "lan dat", "loi di", "ngo di", "duong di chung",
		"tuong rao", "hang rao", "bo rao", "lan sang", "chi gioi"},
	models.SubtopicLand: {"dat dai", "quyen su dung dat", "su dung dat", "tranh chap dat", "thua dat", "manh dat", "lo dat",
		"nha dat", "dat o", "dat vuon", "dat nong nghiep", "dat ruong", "so do", "so hong", "qsdd", "chuyen nhuong dat",
		"mua ban dat", "dien tich dat", "dat canh tac", "dat thue"},
	models.SubtopicDebt: {"vay no", "no tien", "doi no", "tra no", "khoan no", "cho vay", "vay tien", "muon tien", "vay muon",
		"choi ho", "vo ho", "hui", "tien hang", "no nan", "khoan vay", "khong tra tien", "chua tra tien", "tien dat coc", "dat coc"},
	models.SubtopicSpouse: {"ly hon", "vo chong", "ngoai tinh", "ly than", "chung song", "hon nhan", "bo vo", "bo chong", "ve nha chong"},
	models.SubtopicDomestic: {"bao luc gia dinh", "danh vo", "danh chong", "danh con", "danh dap vo", "nguoc dai", "cap duong",
		"phung duong", "nuoi duong", "nuoi con", "bo me", "con cai", "anh em", "chi em", "me chong", "bo chong", "nang dau",
		"me vo", "con dau", "con re", "gia dinh", "ong ba", "cham soc"},
	models.SubtopicNoise: {"tieng on", "on ao", "karaoke", "loa keo", "mo loa", "bat loa", "gay on", "nhac to", "hat to"},
	models.SubtopicConstruction: {"xay dung", "xay nha", "xay tuong", "sua nha", "sua chua nha", "cong trinh", "thi cong",
		"nut tuong", "nut nha", "lun nut", "tham dot", "coi noi", "do tran", "lam nha"},
	models.SubtopicEnvironment: {"o nhiem", "nuoc thai", "rac thai", "do rac", "vut rac", "mui hoi", "hoi thoi", "chan nuoi",
		"xa thai", "moi truong", "thoat nuoc", "cong ranh", "ranh thoat", "khoi bui", "bui ban", "dot rom", "dot rac", "phan bon", "thuoc tru sau"},
	models.SubtopicMinorViolation: {"trom cap", "danh nhau", "xo xat", "cai va", "cai nhau", "chui boi", "chui nhau", "xuc pham",
		"gay thuong tich", "say ruou", "danh bac", "va cham giao thong", "va cham xe", "lay trom", "dap pha", "lam hu hong"},
	models.SubtopicNeighbour: {"hang xom", "lang gieng", "xich mich", "mau thuan", "cay coi", "cay xanh", "cho can", "vat nuoi",
		"gia cam", "cho nha", "meo", "ga vit", "trau bo", "loi noi", "nghi ky", "do xe", "de xe"},
}

// subtopicOrder is the order in which rules are tried for each category:
// the rules typical of the category come first, so "Vợ chồng tranh chấp
// nhà đất khi ly hôn" is a spouse dispute in the family category, while a
// land dispute between brothers in the civil category is land.
var subtopicOrder = map[models.Category][]models.Subtopic{
	models.CategoryCivil: {models.SubtopicInheritance, models.SubtopicBoundary, models.SubtopicLand, models.SubtopicDebt,
		models.SubtopicConstruction, models.SubtopicEnvironment, models.SubtopicNoise, models.SubtopicSpouse,
		models.SubtopicDomestic, models.SubtopicMinorViolation, models.SubtopicNeighbour},
	models.CategoryFamily: {models.SubtopicSpouse, models.SubtopicInheritance, models.SubtopicDomestic, models.SubtopicBoundary,
		models.SubtopicLand, models.SubtopicDebt, models.SubtopicConstruction, models.SubtopicEnvironment,
		models.SubtopicNoise, models.SubtopicMinorViolation, models.SubtopicNeighbour},
	models.CategoryOther: {models.SubtopicNoise, models.SubtopicEnvironment, models.SubtopicConstruction,
		models.SubtopicMinorViolation, models.SubtopicBoundary, models.SubtopicLand, models.SubtopicDebt,
		models.SubtopicInheritance, models.SubtopicSpouse, models.SubtopicDomestic, models.SubtopicNeighbour},
}

// domesticViolence phrases make a family dispute domestic even when it
// also names the spouses ("chồng đánh vợ").
var domesticViolence = []string{"bao luc gia dinh", "danh vo", "danh chong", "danh dap vo", "nguoc dai", "danh con"}

// Subtopic derives the subtopic of a case from its summary by keyword rules
// on the summary folded without diacritics, trying first the rules typical
// of the category (cat may be empty: civil order). A summary that matches
// no rule is "other", except in the family category, where it is
// "domestic".
func Subtopic(summary string, cat models.Category) models.Subtopic {
	return subtopicOf(" "+fold(summary, true)+" ", cat)
}

// subtopicOf is Subtopic of a summary already folded and padded with a
// space on each side.
func subtopicOf(s string, cat models.Category) models.Subtopic {
	if cat == models.CategoryFamily && containsAny(s, domesticViolence) {
		return models.SubtopicDomestic
	}
	order, ok := subtopicOrder[cat]
	if !ok {
		order = subtopicOrder[models.CategoryCivil]
	}
	for _, t := range order {
		if containsAny(s, subtopicRules[t]) {
			return t
		}
	}
	if cat == models.CategoryFamily {
		return models.SubtopicDomestic
	}
	return models.SubtopicOther
}

// containsAny reports whether the padded text s contains any phrase as
// whole words.
func containsAny(s string, phrases []string) bool {
	for _, p := range phrases {
		if containsWords(s, p) {
			return true
		}
	}
	return false
}

// containsWords reports whether s contains " "+p+" " (without building it).
func containsWords(s, p string) bool {
	for i := 0; i+len(p)+2 <= len(s); {
		j := strings.Index(s[i+1:len(s)-1], p)
		if j < 0 {
			return false
		}
		at := i + 1 + j // p starts at s[at]
		if s[at-1] == ' ' && s[at+len(p)] == ' ' {
			return true
		}
		i = at
	}
	return false
}
