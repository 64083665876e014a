package export

import (
	"github.com/apache/arrow/go/v17/arrow"
	"github.com/apache/arrow/go/v17/arrow/array"
	"github.com/apache/arrow/go/v17/arrow/memory"
	"github.com/apache/arrow/go/v17/parquet"
	"github.com/apache/arrow/go/v17/parquet/compress"
	"github.com/apache/arrow/go/v17/parquet/pqarrow"

	"github.com/canhbao/canhbao/models"
)

// indicatorSchema is the schema of indicators.parquet, named like the
// warehouse's indicators table. The run id is left out on purpose: it is
// time-based, and the exports of a re-run week must be byte-identical
// (unit_code and week identify a row).
var indicatorSchema = arrow.NewSchema([]arrow.Field{
	{Name: "unit_code", Type: arrow.BinaryTypes.String},
	{Name: "week", Type: arrow.BinaryTypes.String},
	{Name: "observed", Type: arrow.PrimitiveTypes.Float64},
	{Name: "expected", Type: arrow.PrimitiveTypes.Float64},
	{Name: "ratio", Type: arrow.PrimitiveTypes.Float64},
	{Name: "pvalue", Type: arrow.PrimitiveTypes.Float64},
	{Name: "qvalue", Type: arrow.PrimitiveTypes.Float64},
	{Name: "serious", Type: arrow.PrimitiveTypes.Float64},
	{Name: "serious_share", Type: arrow.PrimitiveTypes.Float64},
	{Name: "score", Type: arrow.PrimitiveTypes.Float64},
	{Name: "tier", Type: arrow.BinaryTypes.String},
	{Name: "flagged", Type: arrow.FixedWidthTypes.Boolean},
	{Name: "reasons", Type: arrow.BinaryTypes.String},
	{Name: "probability", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "change", Type: arrow.BinaryTypes.String},
}, nil)

// writeParquet writes every indicator as one row of indicators.parquet
// (Snappy-compressed) through an Arrow record.
func writeParquet(path string, inds []models.Indicator) error {
	b := array.NewRecordBuilder(memory.DefaultAllocator, indicatorSchema)
	defer b.Release()
	str := func(i int) *array.StringBuilder { return b.Field(i).(*array.StringBuilder) }
	f64 := func(i int) *array.Float64Builder { return b.Field(i).(*array.Float64Builder) }
	for _, in := range inds {
		str(0).Append(in.UnitCode)
		str(1).Append(in.Week.String())
		for i, v := range []float64{in.Observed, in.Expected, in.Ratio, in.PValue, in.QValue, in.Serious, in.SeriousShare, in.Score} {
			f64(2 + i).Append(v)
		}
		str(10).Append(string(in.Tier))
		b.Field(11).(*array.BooleanBuilder).Append(in.Flagged)
		str(12).Append(joinCodes(in.Reasons))
		if in.Probability >= 0 {
			f64(13).Append(in.Probability)
		} else {
			f64(13).AppendNull()
		}
		str(14).Append(string(in.Change))
	}
	rec := b.NewRecord()
	defer rec.Release()
	f, err := create(path)
	if err != nil {
		return err
	}
	w, err := pqarrow.NewFileWriter(indicatorSchema, f,
		parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Snappy)), pqarrow.DefaultWriterProps())
	if err != nil {
		f.Close()
		return err
	}
	if err := w.Write(rec); err != nil {
		w.Close()
		return err
	}
	return w.Close() // closes f too
}
