package ingest

import (
	"testing"

	"github.com/canhbao/canhbao/models"
)

func TestSubtopic(t *testing.T) {
	for _, c := range []struct {
		summary string
		cat     models.Category
		want    models.Subtopic
	}{
		{"Tranh chấp quyền sử dụng đất giữa hai hộ", models.CategoryCivil, models.SubtopicLand},
		{"Tranh chap dat vuon", models.CategoryCivil, models.SubtopicLand},
		{"Tranh chấp ranh giới đất giữa hai hộ liền kề", models.CategoryCivil, models.SubtopicBoundary},
		{"Xây tường rào lấn sang đất nhà bên cạnh", models.CategoryCivil, models.SubtopicBoundary},
		{"Tranh chấp thừa kế nhà đất của bố mẹ để lại", models.CategoryCivil, models.SubtopicInheritance},
		{"Tranh chấp khoản vay nợ 50 triệu đồng", models.CategoryCivil, models.SubtopicDebt},
		{"Chơi họ bị vỡ họ, đòi tiền", models.CategoryCivil, models.SubtopicDebt},
		{"Vợ chồng mâu thuẫn, vợ đòi ly hôn", models.CategoryFamily, models.SubtopicSpouse},
		{"Vợ chồng tranh chấp nhà đất khi ly hôn", models.CategoryFamily, models.SubtopicSpouse},
		{"Chồng đánh vợ sau khi uống rượu", models.CategoryFamily, models.SubtopicDomestic},
		{"Con cái không chăm sóc bố mẹ già", models.CategoryFamily, models.SubtopicDomestic},
		{"Mâu thuẫn trong gia đình", models.CategoryFamily, models.SubtopicDomestic},
		{"Hàng xóm hát karaoke gây ồn ào sau 22 giờ", models.CategoryOther, models.SubtopicNoise},
		{"Hang xom hat karaoke gay on ao", models.CategoryOther, models.SubtopicNoise},
		{"Nước thải chăn nuôi lợn gây ô nhiễm", models.CategoryOther, models.SubtopicEnvironment},
		{"Nhà bên xây dựng làm nứt tường", models.CategoryOther, models.SubtopicConstruction},
		{"Xô xát, đánh nhau do say rượu", models.CategoryOther, models.SubtopicMinorViolation},
		{"Hàng xóm xích mích vì chó cắn gà", models.CategoryOther, models.SubtopicNeighbour},
		{"Mâu thuẫn về chỗ đỗ xe trước cửa", models.CategoryOther, models.SubtopicNeighbour},
		{"Mâu thuẫn về tiền điện", models.CategoryOther, models.SubtopicNeighbour},
		{"Việc khác", models.CategoryOther, models.SubtopicOther},
		{"", models.CategoryCivil, models.SubtopicOther},
		{"Tranh chấp đất", "", models.SubtopicLand},
	} {
		if got := Subtopic(c.summary, c.cat); got != c.want {
			t.Errorf("Subtopic(%q, %q) = %q, want %q", c.summary, c.cat, got, c.want)
		}
	}
}

func TestSubtopicRulesKnown(t *testing.T) {
	known := map[models.Subtopic]bool{}
	for _, s := range models.Subtopics {
		known[s] = true
	}
	for cat, order := range subtopicOrder {
		seen := map[models.Subtopic]bool{}
		for _, s := range order {
			if !known[s] || len(subtopicRules[s]) == 0 {
				t.Errorf("%s: subtopic %q has no rules or is not in models.Subtopics", cat, s)
			}
			seen[s] = true
		}
		if len(seen) != len(subtopicRules) {
			t.Errorf("%s: order lists %d subtopics, rules have %d", cat, len(seen), len(subtopicRules))
		}
	}
	for s, phrases := range subtopicRules {
		for _, p := range phrases {
			if fold(p, true) != p {
				t.Errorf("%s: phrase %q is not folded", s, p)
			}
		}
	}
}
