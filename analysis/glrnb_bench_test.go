package analysis

import "testing"

// BenchmarkGLRNBNational52 is the analyze workload of GLR-NB at national
// scale: 3,321 units, phase 1 = 156 weeks, the last 52 weeks monitored.
func BenchmarkGLRNBNational52(b *testing.B) {
	series := nationalPanel()
	g := NewGLRNB()
	for i := range series {
		series[i].Counts = series[i].Counts[520-208:]
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := DetectAll(g, series, 156, 0); err != nil {
			b.Fatal(err)
		}
	}
}
