package main

import (
	"context"
	"fmt"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/leaderelection/resourcelock"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"
	"sigs.k8s.io/controller-runtime/pkg/webhook"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"
)

const (
	contentTypeJSON     = "application/json"
	contentTypeProtobuf = "application/vnd.kubernetes.protobuf"
)

// run builds the manager from cfg and blocks until ctx ends or leadership is lost.
func run(ctx context.Context, cfg Config, logger logr.Logger) error {
	restConfig, err := ctrl.GetConfig()
	if err != nil {
		return fmt.Errorf("no kubeconfig (set KUBECONFIG or run in a pod): %w", err)
	}
	setContentType(restConfig, cfg.Protobuf)

	options := managerOptions(cfg)
	if cfg.LeaderElection() {
		// controller-runtime would name the holder "<hostname>_<uuid>"; replicas of one test
		// share a hostname, so the pod name is the identity, as the hostname is in a real pod.
		lock, err := resourcelock.NewFromKubeconfig(resourcelock.LeasesResourceLock, cfg.PodNamespace,
			cfg.LeaderElectionName, resourcelock.ResourceLockConfig{Identity: cfg.PodName}, restConfig, cfg.RenewDeadline)
		if err != nil {
			return err
		}
		options.LeaderElectionResourceLockInterface = lock
	}
	mgr, err := ctrl.NewManager(restConfig, options)
	if err != nil {
		return err
	}

	reconciler := &ConfigMapReconciler{Client: mgr.GetClient(), Stamp: cfg.PodName + "@" + cfg.Version}
	if err := reconciler.SetupWithManager(mgr); err != nil {
		return err
	}
	if cfg.Webhook() {
		mgr.GetWebhookServer().Register(MutatePath, &admission.Webhook{Handler: AdmitConfigMap{PodName: cfg.PodName}})
	}
	go func() {
		select {
		case <-mgr.Elected():
			logger.Info("became leader", "pod", cfg.PodName, "version", cfg.Version,
				"leaderElection", cfg.LeaderElection(), "lease", cfg.PodNamespace+"/"+cfg.LeaderElectionName)
		case <-ctx.Done():
		}
	}()
	logger.Info("starting", "pod", cfg.PodName, "version", cfg.Version, "watch", WatchLabel+"="+cfg.WatchValue,
		"leaderElection", cfg.LeaderElection(),
		"webhookPort", cfg.WebhookPort, "protobuf", cfg.Protobuf)
	return mgr.Start(ctx)
}

// managerOptions turns cfg into controller-runtime options.
func managerOptions(cfg Config) ctrl.Options {
	scheme := runtime.NewScheme()
	_ = clientgoscheme.AddToScheme(scheme)
	options := ctrl.Options{
		Scheme: scheme,
		// Only ConfigMaps labelled with our watch value are listed and watched: the slice the
		// controller owns. The reconciler reads through this cache, so it checks nothing else.
		Cache: cache.Options{ByObject: map[client.Object]cache.ByObject{
			&corev1.ConfigMap{}: {Label: WatchSelector(cfg.WatchValue)},
		}},
		Metrics:                       metricsserver.Options{BindAddress: "0"},
		LeaderElection:                cfg.LeaderElection(),
		LeaderElectionReleaseOnCancel: true, // a stopped leader hands over at once
		LeaseDuration:                 &cfg.LeaseDuration,
		RenewDeadline:                 &cfg.RenewDeadline,
		RetryPeriod:                   &cfg.RetryPeriod,
	}
	if cfg.Webhook() {
		options.WebhookServer = webhook.NewServer(webhook.Options{
			Host: cfg.WebhookHost, Port: cfg.WebhookPort, CertDir: cfg.WebhookCertDir,
		})
	}
	return options
}

// setContentType pins the wire encoding. Left empty, controller-runtime picks protobuf for
// built-in types while client-go's clients pick JSON; tests need to know which one they get.
func setContentType(config *rest.Config, protobuf bool) {
	if protobuf {
		config.ContentType = contentTypeProtobuf
		config.AcceptContentTypes = contentTypeProtobuf + "," + contentTypeJSON
		return
	}
	config.ContentType = contentTypeJSON
	config.AcceptContentTypes = contentTypeJSON
}
