package ingest

import "testing"

func TestLabels(t *testing.T) {
	for f, ls := range labels {
		for _, l := range ls {
			if len(l) > maxLabelLen {
				t.Errorf("%s: label %q is longer than maxLabelLen", f, l)
			}
		}
	}
	for in, want := range map[string]string{
		"Ngày, tháng, năm nhận vụ, việc hòa giải": fReceived,
		"NGAY THANG NAM NHAN VU VIEC HOA GIAI":    fReceived,
		"Ngày nhận vụ việc (dd/mm/yyyy)":          fReceived,
		"Xã / Phường":                             fUnitName,
		"Phuong/Xa":                               fUnitName,
		"Mã ĐVHC":                                 fUnitCode,
		"Quận, huyện, thị xã":                     fDistrict,
		"Hoà giải thành":                          fSettled,
		"Hoa giai khong thanh":                    fNotSettled,
		"Họ tên, tuổi, địa chỉ của các bên":       fParties,
		"Nội dung chủ yếu của vụ, việc":           fSummary,
		"case_id":    fCaseID,
		"Chuyển đến": fReferred,
	} {
		if got := labelField[labelKey(in)]; got != want {
			t.Errorf("label %q -> %q, want %q", in, got, want)
		}
	}
}
