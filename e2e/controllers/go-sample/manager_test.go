package main

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
)

func TestManagerOptionsCacheOnlyConfigMapsWithTheWatchValue(t *testing.T) {
	options := managerOptions(Config{PodName: "p-0", WatchValue: "run-1a2b3c"})
	if len(options.Cache.ByObject) != 1 {
		t.Fatalf("expected one cache restriction, got %v", options.Cache.ByObject)
	}
	for object, byObject := range options.Cache.ByObject {
		if _, ok := object.(*corev1.ConfigMap); !ok {
			t.Fatalf("the cache restriction is for %T, want *v1.ConfigMap", object)
		}
		if got := byObject.Label.String(); got != WatchLabel+"=run-1a2b3c" {
			t.Fatalf("ConfigMaps are cached with selector %q", got)
		}
		if byObject.Label.Matches(labels.Set{WatchLabel: "true"}) {
			t.Fatal("the cache would hold ConfigMaps labelled for the default watch value")
		}
	}
}
