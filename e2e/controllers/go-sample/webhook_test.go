package main

import (
	"context"
	"encoding/json"
	"testing"

	jsonpatch "github.com/evanphx/json-patch/v5"
	admissionv1 "k8s.io/api/admission/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"
)

func review(operation admissionv1.Operation, object string) admission.Request {
	return admission.Request{AdmissionRequest: admissionv1.AdmissionRequest{
		UID: "uid-1", Operation: operation, Object: runtime.RawExtension{Raw: []byte(object)},
	}}
}

// applyResponse applies the webhook's patch to object the way the apiserver would.
func applyResponse(t *testing.T, response admission.Response, object string) map[string]any {
	t.Helper()
	raw, err := json.Marshal(response.Patches)
	if err != nil {
		t.Fatal(err)
	}
	patch, err := jsonpatch.DecodePatch(raw)
	if err != nil {
		t.Fatal(err)
	}
	patched, err := patch.Apply([]byte(object))
	if err != nil {
		t.Fatalf("patch %s does not apply: %v", raw, err)
	}
	var result map[string]any
	if err := json.Unmarshal(patched, &result); err != nil {
		t.Fatal(err)
	}
	return result
}

func admittedBy(t *testing.T, object map[string]any) any {
	t.Helper()
	annotations, _ := object["metadata"].(map[string]any)["annotations"].(map[string]any)
	return annotations[AdmittedByAnnotation]
}

func TestWebhookAddsTheAnnotationWhenThereAreNoAnnotations(t *testing.T) {
	object := `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"}}`
	response := AdmitConfigMap{PodName: "p-0"}.Handle(context.Background(), review(admissionv1.Create, object))
	if !response.Allowed {
		t.Fatalf("not allowed: %+v", response.Result)
	}
	if got := admittedBy(t, applyResponse(t, response, object)); got != "p-0" {
		t.Fatalf("admitted-by = %v", got)
	}
}

func TestWebhookKeepsOtherAnnotations(t *testing.T) {
	object := `{"metadata":{"name":"a","annotations":{"keep":"me"}}}`
	response := AdmitConfigMap{PodName: "p-1"}.Handle(context.Background(), review(admissionv1.Update, object))
	patched := applyResponse(t, response, object)
	annotations := patched["metadata"].(map[string]any)["annotations"].(map[string]any)
	if annotations["keep"] != "me" || annotations[AdmittedByAnnotation] != "p-1" {
		t.Fatalf("annotations = %v", annotations)
	}
}

func TestWebhookLeavesAnAlreadyAnnotatedObjectAlone(t *testing.T) {
	object := `{"metadata":{"name":"a","annotations":{"e2e.ctrlmesh.io/admitted-by":"p-0"}}}`
	response := AdmitConfigMap{PodName: "p-0"}.Handle(context.Background(), review(admissionv1.Update, object))
	if !response.Allowed || len(response.Patches) != 0 {
		t.Fatalf("expected a plain allow, got %+v", response)
	}
}

func TestWebhookAllowsDeletesWithoutAPatch(t *testing.T) {
	response := AdmitConfigMap{PodName: "p-0"}.Handle(context.Background(), review(admissionv1.Delete, ""))
	if !response.Allowed || len(response.Patches) != 0 {
		t.Fatalf("expected a plain allow, got %+v", response)
	}
}

func TestWebhookRejectsAnUndecodableObject(t *testing.T) {
	response := AdmitConfigMap{PodName: "p-0"}.Handle(context.Background(), review(admissionv1.Create, "{"))
	if response.Allowed || response.Result.Code != 400 {
		t.Fatalf("expected a 400, got %+v", response.Result)
	}
}
