package main

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"gomodules.xyz/jsonpatch/v2"
	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"
)

const (
	// MutatePath is where the mutating webhook for ConfigMaps is served.
	MutatePath = "/mutate-configmap"
	// AdmittedByAnnotation names the replica whose webhook admitted a ConfigMap.
	AdmittedByAnnotation = "e2e.ctrlmesh.io/admitted-by"
)

// AdmitConfigMap is the mutating admission handler: it annotates every created or updated
// ConfigMap with the pod that admitted it. It serves on every replica, leader or not, as a
// controller-runtime webhook does.
type AdmitConfigMap struct {
	PodName string
}

// Handle answers with a JSONPatch adding the annotation, or a plain allow when nothing changes.
func (a AdmitConfigMap) Handle(_ context.Context, req admission.Request) admission.Response {
	if req.Operation != admissionv1.Create && req.Operation != admissionv1.Update {
		return admission.Allowed("only CREATE and UPDATE are mutated")
	}
	var object metav1.PartialObjectMetadata
	if err := json.Unmarshal(req.Object.Raw, &object); err != nil {
		return admission.Errored(http.StatusBadRequest, err)
	}
	patch, changed := AdmittedByPatch(object.Annotations, a.PodName)
	if !changed {
		return admission.Allowed("already annotated")
	}
	return admission.Patched("", patch)
}

// AdmittedByPatch is the JSONPatch operation that sets the admitted-by annotation to pod, and
// whether one is needed at all. Patching the single path (rather than diffing a re-encoded
// object) keeps the patch minimal and identical to the TypeScript sample's.
func AdmittedByPatch(annotations map[string]string, pod string) (jsonpatch.JsonPatchOperation, bool) {
	if current, ok := annotations[AdmittedByAnnotation]; ok && current == pod {
		return jsonpatch.JsonPatchOperation{}, false
	}
	if annotations == nil {
		// "add" on a missing parent fails, so the whole map is added at once.
		return jsonpatch.NewOperation("add", "/metadata/annotations", map[string]string{AdmittedByAnnotation: pod}), true
	}
	return jsonpatch.NewOperation("add", "/metadata/annotations/"+escapePointer(AdmittedByAnnotation), pod), true
}

// escapePointer escapes one JSON Pointer token (RFC 6901: "~" then "/").
func escapePointer(token string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(token)
}
