package main

import (
	"testing"

	"k8s.io/apimachinery/pkg/labels"
)

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

func TestWatchSelectorMatchesOnlyItsOwnValue(t *testing.T) {
	selector := WatchSelector("run-1a2b3c")
	cases := []struct {
		labels map[string]string
		want   bool
	}{
		{map[string]string{WatchLabel: "run-1a2b3c", "other": "x"}, true},
		{map[string]string{WatchLabel: "true"}, false},
		{map[string]string{WatchLabel: "run-ffffff"}, false},
		{map[string]string{}, false},
	}
	for _, c := range cases {
		if got := selector.Matches(labels.Set(c.labels)); got != c.want {
			t.Errorf("WatchSelector(run-1a2b3c).Matches(%v) = %v, want %v", c.labels, got, c.want)
		}
	}
	if got := WatchSelector("true").String(); got != "e2e.ctrlmesh.io/watch=true" {
		t.Errorf("the default selector is %q", got)
	}
}
