package simulate

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/canhbao/canhbao/models"
)

// Synthetic personal data: names are drawn from common Vietnamese family,
// middle and given names. They are fake, but look real enough that the
// ingest must hash them away.
var (
	familyNames = []choice[string]{
		{"Nguyễn", 31}, {"Trần", 11}, {"Lê", 9}, {"Phạm", 7}, {"Hoàng", 5}, {"Vũ", 4}, {"Phan", 3},
		{"Đỗ", 3}, {"Bùi", 3}, {"Đặng", 2}, {"Ngô", 2}, {"Dương", 2}, {"Đinh", 2}, {"Đào", 1.5},
		{"Trịnh", 1.5}, {"Lưu", 1}, {"Hà", 1}, {"Tạ", 1}, {"Cao", 1}, {"Lý", 1}, {"Mai", 1},
		{"Kiều", 1}, {"Chu", 1}, {"Tô", 1}, {"Khuất", 0.5}, {"Nghiêm", 0.5}, {"Đàm", 0.5},
	}
	maleMiddle = []choice[string]{
		{"Văn", 50}, {"Đức", 8}, {"Minh", 7}, {"Quang", 6}, {"Hữu", 6}, {"Xuân", 5}, {"Ngọc", 4},
		{"Thanh", 4}, {"Công", 4}, {"Tiến", 3}, {"Đình", 5}, {"Mạnh", 3},
	}
	femaleMiddle = []choice[string]{
		{"Thị", 55}, {"Thu", 7}, {"Ngọc", 7}, {"Thanh", 7}, {"Minh", 4}, {"Hồng", 6}, {"Phương", 4},
		{"Kim", 5}, {"Bích", 3},
	}
	maleGiven = []string{"An", "Bình", "Cường", "Dũng", "Đạt", "Đông", "Giang", "Hải", "Hiếu", "Hòa",
		"Hùng", "Huy", "Khánh", "Kiên", "Long", "Lâm", "Mạnh", "Nam", "Nghĩa", "Phong", "Phúc", "Quân",
		"Sơn", "Tài", "Thắng", "Thành", "Thịnh", "Toàn", "Trung", "Tuấn", "Tùng", "Việt", "Vinh"}
	femaleGiven = []string{"Anh", "Bích", "Chi", "Dung", "Duyên", "Giang", "Hà", "Hạnh", "Hằng",
		"Hiền", "Hoa", "Hồng", "Huệ", "Hương", "Lan", "Liên", "Linh", "Loan", "Mai", "Nga", "Ngọc",
		"Nhung", "Oanh", "Phương", "Quyên", "Tâm", "Thảo", "Thu", "Thủy", "Trang", "Vân", "Yến"}
	// villageNames name thôn in communes that do not number them.
	villageNames = []string{"Đông", "Đoài", "Thượng", "Hạ", "Trung", "Nam", "Bắc", "Đình", "Chùa",
		"Cầu", "Giữa", "Ngoài", "Trong", "An Lạc", "An Thái", "Phú Mỹ", "Hòa Bình", "Tân Lập",
		"Đồng Tâm", "Bình Minh", "Thái Bình", "Phú Xuân", "Vĩnh Thịnh", "Yên Bình", "Hợp Nhất",
		"Thanh Vân", "Xuân Lai", "Đại Đồng", "Hưng Thịnh", "Kim Bài", "Phú Lương", "Cao Xá",
		"Lạc Long", "Văn Minh", "Đoàn Kết", "Quyết Tiến", "Tiền Phong", "Phúc Lộc", "Hạnh Phúc", "Lương Xá"}
)

// person is one party of a case.
type person struct {
	name    string
	age     int
	village string
}

func (p person) String() string { return fmt.Sprintf("%s, %d tuổi, %s", p.name, p.age, p.village) }

func personName(r *rand.Rand, male bool) string {
	fam := draw(r, familyNames)
	if male {
		return fam + " " + draw(r, maleMiddle) + " " + maleGiven[r.IntN(len(maleGiven))]
	}
	return fam + " " + draw(r, femaleMiddle) + " " + femaleGiven[r.IntN(len(femaleGiven))]
}

// newParties draws the parties of a new dispute in village v of unit u.
func newParties(r *rand.Rand, u *unitSim, v string, sub models.Subtopic) []person {
	other := func() string {
		if r.Float64() < 0.25 {
			return u.villages[r.IntN(len(u.villages))]
		}
		return v
	}
	switch sub {
	case models.SubtopicSpouse:
		age := between(r, 22, 65)
		male := r.IntN(2) == 0
		return []person{
			{personName(r, male), age, v},
			{personName(r, !male), max(20, age+between(r, -6, 6)), v},
		}
	case models.SubtopicDomestic:
		age := between(r, 45, 80)
		return []person{
			{personName(r, r.IntN(2) == 0), age, v},
			{personName(r, r.IntN(2) == 0), max(18, age-between(r, 20, 35)), v},
		}
	}
	n := 2
	if r.Float64() < 0.15 {
		n = 3
	}
	ps := make([]person, n)
	for i := range ps {
		addr := v
		if i > 0 {
			addr = other()
		}
		ps[i] = person{personName(r, r.Float64() < 0.6), between(r, 20, 80), addr}
	}
	return ps
}

func joinParties(ps []person) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.String()
	}
	return strings.Join(s, "; ")
}

// villagesFor makes the villages (thôn) or residential groups (tổ dân phố) of
// a unit: about one per 2,500 people; a commune (xã) either numbers or names
// its thôn.
func villagesFor(r *rand.Rand, u models.Unit, pop float64) []string {
	phuong := strings.EqualFold(u.Type, "Phường")
	n := int(pop / 2500)
	if phuong {
		n = min(max(n, 8), 60)
	} else {
		n = min(max(n, 6), 40)
	}
	out := make([]string, n)
	switch {
	case phuong:
		for i := range out {
			out[i] = fmt.Sprintf("Tổ dân phố %d", i+1)
		}
	case r.IntN(2) == 0:
		for i := range out {
			out[i] = fmt.Sprintf("Thôn %d", i+1)
		}
	default:
		perm := r.Perm(len(villageNames))
		for i := range out {
			name := villageNames[perm[i%len(perm)]]
			if i >= len(perm) {
				name = fmt.Sprintf("%s %d", name, i/len(perm)+1)
			}
			out[i] = "Thôn " + name
		}
	}
	return out
}

// summaries are templates per subtopic; each carries the subtopic's keyword
// and no keyword of another subtopic.
var summaries = map[models.Subtopic][]string{
	models.SubtopicLand: {
		"Hai hộ tranh chấp quyền sử dụng đất tại thửa giáp ranh, mỗi bên cho rằng phần diện tích là của mình.",
		"Tranh chấp quyền sử dụng đất vườn chưa được cấp giấy chứng nhận giữa các bên.",
		"Tranh chấp quyền sử dụng đất ao, đất nông nghiệp sau khi đo đạc lại.",
	},
	models.SubtopicBoundary: {
		"Tranh chấp ranh giới, lối đi chung giữa hai hộ liền kề.",
		"Hai bên tranh chấp ranh giới, lối đi vào nhà sau khi một bên dựng tường rào.",
		"Tranh chấp ranh giới, lối đi, một bên rào chắn ngõ đi chung.",
	},
	models.SubtopicInheritance: {
		"Các con mâu thuẫn về việc chia thừa kế tài sản do bố mẹ để lại.",
		"Anh chị em không thống nhất việc chia thừa kế ngôi nhà của cha mẹ.",
	},
	models.SubtopicDebt: {
		"Tranh chấp vay nợ, đòi nợ giữa hai bên, số tiền vay chưa trả đúng hẹn.",
		"Phát sinh mâu thuẫn do vay nợ, đòi nợ nhiều lần không được.",
	},
	models.SubtopicSpouse: {
		"Mâu thuẫn vợ chồng do bất đồng trong cuộc sống, có ý định ly hôn.",
		"Mâu thuẫn vợ chồng liên quan đến kinh tế và nuôi dạy con.",
	},
	models.SubtopicDomestic: {
		"Có hành vi bạo lực gia đình, chửi bới, xúc phạm người thân.",
		"Mâu thuẫn giữa cha mẹ và con về việc phụng dưỡng, chăm sóc.",
		"Mâu thuẫn giữa cha mẹ và con liên quan đến sinh hoạt chung.",
	},
	models.SubtopicNeighbour: {
		"Mâu thuẫn hàng xóm do xích mích trong sinh hoạt hằng ngày.",
		"Mâu thuẫn hàng xóm vì vật nuôi gây phiền hà.",
	},
	models.SubtopicNoise: {
		"Một hộ kinh doanh gây tiếng ồn đến đêm khuya.",
		"Hộ bên cạnh hát karaoke gây tiếng ồn ảnh hưởng sinh hoạt.",
	},
	models.SubtopicConstruction: {
		"Một hộ xây dựng nhà lấn sang phần không gian của hộ liền kề.",
		"Mâu thuẫn do bên xây dựng nhà lấn ra ngõ và làm nứt tường nhà bên cạnh.",
	},
	models.SubtopicEnvironment: {
		"Mâu thuẫn về việc xả rác, nước thải, ô nhiễm ra khu vực chung.",
		"Hộ chăn nuôi xả rác, nước thải, ô nhiễm ảnh hưởng các hộ xung quanh.",
	},
	models.SubtopicMinorViolation: {
		"Phát sinh mâu thuẫn sau vi phạm nhỏ, va chạm giao thông, hai bên không thống nhất bồi thường.",
		"Vi phạm nhỏ, va chạm giao thông giữa xe máy và xe đạp, tranh cãi về bồi thường.",
	},
	models.SubtopicOther: {
		"Xích mích giữa các bên trong sinh hoạt cộng đồng.",
		"Mâu thuẫn, xích mích khác giữa các bên về việc sử dụng tài sản chung.",
	},
}

// tensions are appended to some episode cases.
var tensions = []string{
	"Mâu thuẫn kéo dài, các bên đã nhiều lần to tiếng.",
	"Các bên lời qua tiếng lại, có lời lẽ đe dọa.",
	"Vụ việc tái diễn, tình hình căng thẳng.",
}
