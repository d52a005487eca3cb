package main

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"k8s.io/apimachinery/pkg/api/validate/content"
)

// watchValueRule says what a label value may be, in the words the TypeScript sample uses too.
const watchValueRule = "at most 63 alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric"

// Config is everything the sample controller reads from its environment, already validated.
// KUBECONFIG is not here: controller-runtime's config loader reads it (or falls back to the
// in-cluster service account), which is exactly what a real controller does.
type Config struct {
	// PodName names this replica in annotations, logs and the Lease holder identity.
	PodName string
	// PodNamespace holds the Lease lock.
	PodNamespace string
	// Version is written next to the pod name in the reconciled-by annotation.
	Version string
	// WatchValue is the value of WatchLabel that selects the ConfigMaps this replica reconciles;
	// tests give each run of a controller its own, so controllers never see each other's objects.
	WatchValue string
	// LeaderElectionName is the Lease name; empty turns leader election off.
	LeaderElectionName string
	// LeaseDuration, RenewDeadline and RetryPeriod are client-go's leader-election timings.
	LeaseDuration time.Duration
	RenewDeadline time.Duration
	RetryPeriod   time.Duration
	// WebhookHost, WebhookPort and WebhookCertDir configure the admission webhook server;
	// WebhookPort 0 turns the webhook off.
	WebhookHost    string
	WebhookPort    int
	WebhookCertDir string
	// Protobuf makes every request to the apiserver use the Kubernetes protobuf encoding.
	Protobuf bool
}

// LeaderElection reports whether this replica competes for a Lease.
func (c Config) LeaderElection() bool { return c.LeaderElectionName != "" }

// Webhook reports whether this replica serves the mutating webhook.
func (c Config) Webhook() bool { return c.WebhookPort != 0 }

// LoadConfig reads the configuration through getenv (os.Getenv in main) and returns every
// problem at once, so a misconfigured test says everything that is wrong in one run.
func LoadConfig(getenv func(string) string) (Config, error) {
	var problems []error
	required := func(name string) string {
		value := getenv(name)
		if value == "" {
			problems = append(problems, fmt.Errorf("%s is required", name))
		}
		return value
	}
	duration := func(name string, fallback time.Duration) time.Duration {
		raw := getenv(name)
		if raw == "" {
			return fallback
		}
		value, err := time.ParseDuration(raw)
		if err != nil || value <= 0 {
			problems = append(problems, fmt.Errorf("%s must be a positive duration such as 4s, got %q", name, raw))
			return fallback
		}
		return value
	}

	cfg := Config{
		PodName:            required("POD_NAME"),
		PodNamespace:       getenv("POD_NAMESPACE"),
		Version:            getenv("VERSION"),
		WatchValue:         getenv("WATCH_VALUE"),
		LeaderElectionName: getenv("LEADER_ELECTION_NAME"),
		// client-go's defaults; tests shorten them to fail over within seconds.
		LeaseDuration:  duration("LEASE_DURATION", 15*time.Second),
		RenewDeadline:  duration("RENEW_DEADLINE", 10*time.Second),
		RetryPeriod:    duration("RETRY_PERIOD", 2*time.Second),
		WebhookHost:    getenv("WEBHOOK_HOST"),
		WebhookCertDir: getenv("WEBHOOK_CERT_DIR"),
	}
	if cfg.Version == "" {
		cfg.Version = "v0"
	}
	if cfg.WatchValue == "" {
		cfg.WatchValue = "true"
	} else if len(content.IsLabelValue(cfg.WatchValue)) > 0 {
		problems = append(problems, fmt.Errorf("WATCH_VALUE must be a label value (%s), got %q", watchValueRule, cfg.WatchValue))
	}
	if cfg.WebhookHost == "" {
		cfg.WebhookHost = "127.0.0.1"
	}
	if cfg.LeaderElection() {
		if cfg.PodNamespace == "" {
			problems = append(problems, errors.New("POD_NAMESPACE is required when LEADER_ELECTION_NAME is set (it holds the Lease)"))
		}
		// The same ordering client-go's NewLeaderElector insists on; checked here so the message names the variables.
		if cfg.LeaseDuration <= cfg.RenewDeadline {
			problems = append(problems, fmt.Errorf("LEASE_DURATION (%s) must be greater than RENEW_DEADLINE (%s)", cfg.LeaseDuration, cfg.RenewDeadline))
		}
		if cfg.RenewDeadline <= cfg.RetryPeriod {
			problems = append(problems, fmt.Errorf("RENEW_DEADLINE (%s) must be greater than RETRY_PERIOD (%s)", cfg.RenewDeadline, cfg.RetryPeriod))
		}
	}
	if raw := getenv("WEBHOOK_PORT"); raw != "" {
		port, err := strconv.Atoi(raw)
		if err != nil || port < 1 || port > 65535 {
			problems = append(problems, fmt.Errorf("WEBHOOK_PORT must be a port number, got %q", raw))
		}
		cfg.WebhookPort = port
		if cfg.WebhookCertDir == "" {
			problems = append(problems, errors.New("WEBHOOK_CERT_DIR is required when WEBHOOK_PORT is set (it holds tls.crt and tls.key)"))
		}
	}
	switch content := getenv("KUBE_CONTENT_TYPE"); content {
	case "", "json":
	case "protobuf":
		cfg.Protobuf = true
	default:
		problems = append(problems, fmt.Errorf("KUBE_CONTENT_TYPE must be json or protobuf, got %q", content))
	}
	return cfg, errors.Join(problems...)
}
