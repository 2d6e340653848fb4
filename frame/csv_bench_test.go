package frame_test

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/gomle/gomle/frame"
)

// benchFileEnv names an environment variable: when set, BenchmarkReadCSV reads the file it
// names, writing it first if it does not exist, so that scripts/bench/csv_peers.py can time
// pandas on the same file.
const benchFileEnv = "GOMLE_CSV_BENCH_FILE"

// writeBenchCSV writes a file of rows rows and 20 columns, as R's write.csv would: y, 16
// numeric columns (x1 to x16: decimals of 3 to 9 digits, counts, and 1% missing as NA), two
// text columns (group: 5 levels, state: 50, quoted) and a boolean (TRUE/FALSE). The
// generator is seeded, so the file is the same on every run.
func writeBenchCSV(path string, rows int) error {
	file, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(file, 1<<20)
	rng := rand.New(rand.NewPCG(1, 1))
	w.WriteString(`"y"`)
	for j := 1; j <= 16; j++ {
		fmt.Fprintf(w, `,"x%d"`, j)
	}
	w.WriteString(`,"group","state","union"` + "\n")
	var buf []byte
	for range rows {
		buf = strconv.AppendFloat(buf[:0], rng.NormFloat64()*10, 'f', 6, 64)
		for j := 1; j <= 16; j++ {
			buf = append(buf, ',')
			switch {
			case rng.IntN(100) == 0:
				buf = append(buf, "NA"...)
			case j <= 8:
				buf = strconv.AppendFloat(buf, rng.NormFloat64(), 'g', 3+j%7, 64)
			case j <= 12:
				buf = strconv.AppendFloat(buf, rng.ExpFloat64()*1000, 'f', 2, 64)
			default:
				buf = strconv.AppendInt(buf, int64(rng.IntN(100)), 10)
			}
		}
		buf = fmt.Appendf(buf, `,"g%d","state%02d",`, rng.IntN(5), rng.IntN(50))
		if rng.IntN(2) == 0 {
			buf = append(buf, "TRUE\n"...)
		} else {
			buf = append(buf, "FALSE\n"...)
		}
		w.Write(buf)
	}
	if err := w.Flush(); err != nil {
		file.Close()
		return err
	}
	return file.Close()
}

// BenchmarkReadCSV reads a generated file of 1e6 rows and 20 columns (about 130 MB) with
// ReadFile; the MB/s column is the reading speed. Set GOMLE_CSV_BENCH_FILE to keep the file.
func BenchmarkReadCSV(b *testing.B) {
	const rows = 1_000_000
	path := os.Getenv(benchFileEnv)
	if path == "" {
		path = filepath.Join(b.TempDir(), "bench.csv")
	}
	if _, err := os.Stat(path); err != nil {
		if err := writeBenchCSV(path, rows); err != nil {
			b.Fatal(err)
		}
	}
	info, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.Run(fmt.Sprintf("rows=%d/cols=20", rows), func(b *testing.B) {
		b.SetBytes(info.Size())
		for b.Loop() {
			f, err := frame.ReadFile(path, frame.Options{})
			if err != nil {
				b.Fatal(err)
			}
			if f.Len() != rows || !f.IsText("state") || f.IsText("union") {
				b.Fatalf("%d rows, want %d, state text and union numeric", f.Len(), rows)
			}
		}
	})
}
