// Command go-sample is the controller-runtime sample controller of the ControllerMesh e2e
// tests: it stamps labelled ConfigMaps with the replica that reconciled them, elects a leader
// with a Lease and serves a mutating webhook. See README.md for its environment.
package main

import (
	"fmt"
	"os"

	"k8s.io/klog/v2"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
)

func main() {
	logger := zap.New(zap.UseDevMode(false), zap.WriteTo(os.Stderr))
	ctrl.SetLogger(logger)
	// client-go's leader election and informers log through klog; send them to the same JSON stream.
	klog.SetLogger(logger)

	cfg, err := LoadConfig(os.Getenv)
	if err != nil {
		fmt.Fprintf(os.Stderr, "go-sample: invalid configuration:\n%v\n", err)
		os.Exit(2)
	}
	if err := run(ctrl.SetupSignalHandler(), cfg, logger); err != nil {
		logger.Error(err, "stopped with an error")
		os.Exit(1)
	}
}
