package ingest

import "testing"

// TestTension checks the lexicon on hand-written summaries, in the way
// mediators write them (with and without diacritics), none of them the
// simulator's own sentences.
func TestTension(t *testing.T) {
	for _, c := range []struct {
		summary string
		want    bool
	}{
		// threats
		{"Ông A nhắn tin đe dọa sẽ đốt nhà nếu không trả tiền", true},
		{"Con trai bà B dọa đánh hàng xóm vì chuyện lối đi", true},
		{"Hai ben to tieng, co loi le de doa nhau", true},
		{"Ông C cầm dao ra ngõ thách thức gia đình bên cạnh", true},
		// raised voices, insults
		{"Hai gia đình to tiếng trước cổng nhà vì cây đổ sang sân", true},
		{"Lời qua tiếng lại nhiều ngày về chuyện nước thải", true},
		{"Bà D chửi bới, lăng mạ hàng xóm trên loa", true},
		// scuffles, violence
		{"Xô xát giữa hai anh em khi chia đất", true},
		{"Hai nhóm thanh niên đánh nhau, một người bị thương", true},
		{"Hành hung người thu tiền điện", true},
		{"Gây thương tích cho hàng xóm do tranh chấp ranh giới", true},
		// tense, heated
		{"Tình hình giữa hai hộ rất căng thẳng", true},
		{"Các bên bức xúc, phản ứng gay gắt tại buổi hòa giải", true},
		{"Nguy cơ mâu thuẫn leo thang", true},
		// recurrence, long-running
		{"Mâu thuẫn tái diễn sau lần hòa giải trước", true},
		{"Đã hòa giải nhiều lần nhưng không thành", true},
		{"Tranh chấp kéo dài từ năm 2019", true},
		{"Vu viec day dua, chua dut diem", true},
		{"TÌNH HÌNH CĂNG THẲNG", true},
		// negated
		{"Không có lời lẽ đe dọa", false},
		{"Hai bên không to tiếng, thống nhất được phương án", false},
		{"Chưa xảy ra xô xát", false},
		{"Bên kia không hề hù dọa ai", false},
		{"Không có dấu hiệu căng thẳng", false},
		{"Mâu thuẫn không kéo dài, hai bên tự thỏa thuận", false},
		// negation does not reach across other words
		{"Không trả nợ đúng hẹn, còn đe dọa chủ nợ", true},
		{"Không đồng ý chia đất, hai bên xô xát", true},
		// ordinary disputes
		{"Tranh chấp ranh giới đất giữa hai hộ liền kề", false},
		{"Vay nợ 30 triệu đồng chưa trả", false},
		{"Hàng xóm hát karaoke sau 22 giờ", false},
		{"Vợ chồng mâu thuẫn về việc nuôi con", false},
		{"Thủ tục sang tên sổ đỏ", false},
		{"Nước thải chăn nuôi chảy sang vườn", false},
		{"", false},
		// whole words only: "dọa" is not inside another word
		{"Đoàn thanh niên phối hợp hòa giải", false},
	} {
		if got := Tension(c.summary); got != c.want {
			t.Errorf("Tension(%q) = %v, want %v", c.summary, got, c.want)
		}
	}
}

// TestTensionCuesFolded checks that every cue is written as fold leaves
// text: otherwise it could never match.
func TestTensionCuesFolded(t *testing.T) {
	for _, p := range tensionCues {
		if f := fold(p, true); f != p {
			t.Errorf("cue %q folds to %q", p, f)
		}
	}
}
