package main

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/labels"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"
)

const (
	// WatchLabel marks the ConfigMaps this controller owns (with the value Config.WatchValue);
	// its cache sees no others.
	WatchLabel = "e2e.ctrlmesh.io/watch"
	// ReconciledByAnnotation records which replica and version last reconciled a ConfigMap.
	ReconciledByAnnotation = "e2e.ctrlmesh.io/reconciled-by"
)

// ConfigMapReconciler stamps every watched ConfigMap with the replica that reconciled it.
type ConfigMapReconciler struct {
	Client client.Client
	// Stamp is "<pod>@<version>", the value of ReconciledByAnnotation.
	Stamp string
}

// Reconcile patches the annotation only when it differs, so its own update event does not
// start another write (no hot loop between replicas or with the watch).
func (r *ConfigMapReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	var cm corev1.ConfigMap
	if err := r.Client.Get(ctx, req.NamespacedName, &cm); err != nil {
		// Deleted, or no longer labelled with our watch value and therefore gone from the filtered cache.
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if !NeedsStamp(cm.Annotations, r.Stamp) {
		return ctrl.Result{}, nil
	}
	original := cm.DeepCopy()
	if cm.Annotations == nil {
		cm.Annotations = map[string]string{}
	}
	cm.Annotations[ReconciledByAnnotation] = r.Stamp
	// A merge patch touches only our annotation, so it never conflicts with other writers.
	if err := r.Client.Patch(ctx, &cm, client.MergeFrom(original)); err != nil {
		if apierrors.IsNotFound(err) {
			return ctrl.Result{}, nil
		}
		return ctrl.Result{}, err
	}
	log.FromContext(ctx).Info("reconciled", "namespace", cm.Namespace, "name", cm.Name, "reconciledBy", r.Stamp)
	return ctrl.Result{}, nil
}

// WatchSelector selects the ConfigMaps labelled WatchLabel=value, and no others: a ConfigMap
// labelled for another run of a controller is never listed, watched or reconciled.
func WatchSelector(value string) labels.Selector {
	return labels.SelectorFromSet(labels.Set{WatchLabel: value})
}

// NeedsStamp reports whether annotations lack stamp as their reconciled-by value.
func NeedsStamp(annotations map[string]string, stamp string) bool {
	return annotations[ReconciledByAnnotation] != stamp
}

// SetupWithManager registers the reconciler for ConfigMaps; the label filter lives in the
// cache options (see managerOptions), so ConfigMaps without our watch value are never even listed.
func (r *ConfigMapReconciler) SetupWithManager(mgr ctrl.Manager) error {
	return ctrl.NewControllerManagedBy(mgr).Named("configmap").For(&corev1.ConfigMap{}).Complete(r)
}
