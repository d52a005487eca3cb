package main

import "testing"

func TestNeedsStampOnlyWhenTheAnnotationDiffers(t *testing.T) {
	cases := []struct {
		annotations map[string]string
		want        bool
	}{
		{nil, true},
		{map[string]string{"other": "x"}, true},
		{map[string]string{ReconciledByAnnotation: "p-1@v1"}, true},
		{map[string]string{ReconciledByAnnotation: "p-0@v1"}, false},
	}
	for _, c := range cases {
		if got := NeedsStamp(c.annotations, "p-0@v1"); got != c.want {
			t.Errorf("NeedsStamp(%v) = %v, want %v", c.annotations, got, c.want)
		}
	}
}
