package guard

import (
	"errors"
	"io"
	"testing"
)

func TestRun(t *testing.T) {
	if err := Run(func() error { return nil }); err != nil {
		t.Errorf("no panic, no error: got %v", err)
	}
	if err := Run(func() error { panic("mlx: boom") }); err == nil || err.Error() != "mlx: boom" {
		t.Errorf("string panic: got %v, want mlx: boom", err)
	}
	if err := Run(func() error { panic(io.EOF) }); !errors.Is(err, io.EOF) {
		t.Errorf("error panic must stay matchable with errors.Is: got %v", err)
	}
	if err := Run(func() error { return io.ErrUnexpectedEOF }); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("returned error must pass through: got %v", err)
	}
}
