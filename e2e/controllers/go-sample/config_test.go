package main

import (
	"strings"
	"testing"
	"time"
)

func envOf(values map[string]string) func(string) string {
	return func(name string) string { return values[name] }
}

func TestLoadConfigAppliesDefaults(t *testing.T) {
	cfg, err := LoadConfig(envOf(map[string]string{"POD_NAME": "p-0"}))
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	if cfg.Version != "v0" || cfg.WatchValue != "true" || cfg.WebhookHost != "127.0.0.1" || cfg.LeaderElection() || cfg.Webhook() || cfg.Protobuf {
		t.Fatalf("unexpected defaults: %+v", cfg)
	}
	if cfg.LeaseDuration != 15*time.Second || cfg.RenewDeadline != 10*time.Second || cfg.RetryPeriod != 2*time.Second {
		t.Fatalf("unexpected leader-election defaults: %+v", cfg)
	}
}

func TestLoadConfigReadsEverySetting(t *testing.T) {
	cfg, err := LoadConfig(envOf(map[string]string{
		"POD_NAME": "p-0", "POD_NAMESPACE": "ns", "VERSION": "v2", "WATCH_VALUE": "run-1a2b3c",
		"LEADER_ELECTION_NAME": "lock", "LEASE_DURATION": "4s", "RENEW_DEADLINE": "3s", "RETRY_PERIOD": "1s",
		"WEBHOOK_PORT": "9443", "WEBHOOK_CERT_DIR": "/certs", "KUBE_CONTENT_TYPE": "protobuf",
	}))
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
	want := Config{
		PodName: "p-0", PodNamespace: "ns", Version: "v2", WatchValue: "run-1a2b3c", LeaderElectionName: "lock",
		LeaseDuration: 4 * time.Second, RenewDeadline: 3 * time.Second, RetryPeriod: time.Second,
		WebhookHost: "127.0.0.1", WebhookPort: 9443, WebhookCertDir: "/certs", Protobuf: true,
	}
	if cfg != want {
		t.Fatalf("got %+v, want %+v", cfg, want)
	}
}

func TestLoadConfigReportsEveryProblemAtOnce(t *testing.T) {
	_, err := LoadConfig(envOf(map[string]string{
		"LEADER_ELECTION_NAME": "lock", "LEASE_DURATION": "3s", "RENEW_DEADLINE": "3s", "RETRY_PERIOD": "soon",
		"WEBHOOK_PORT": "70000", "KUBE_CONTENT_TYPE": "yaml", "WATCH_VALUE": "not a label",
	}))
	if err == nil {
		t.Fatal("expected an error")
	}
	for _, fragment := range []string{
		"POD_NAME is required", "POD_NAMESPACE is required", "RETRY_PERIOD must be a positive duration",
		"LEASE_DURATION (3s) must be greater than RENEW_DEADLINE (3s)", "WEBHOOK_PORT must be a port number",
		"WEBHOOK_CERT_DIR is required", "KUBE_CONTENT_TYPE must be json or protobuf",
		`WATCH_VALUE must be a label value (at most 63 alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric), got "not a label"`,
	} {
		if !strings.Contains(err.Error(), fragment) {
			t.Errorf("error %q does not mention %q", err, fragment)
		}
	}
}

func TestLoadConfigRejectsWatchValuesThatAreNoLabelValues(t *testing.T) {
	for _, value := range []string{"-run", "run-", "a/b", strings.Repeat("a", 64)} {
		_, err := LoadConfig(envOf(map[string]string{"POD_NAME": "p-0", "WATCH_VALUE": value}))
		if err == nil || !strings.Contains(err.Error(), "WATCH_VALUE must be a label value") {
			t.Errorf("WATCH_VALUE=%q: got %v, want a WATCH_VALUE problem", value, err)
		}
	}
	if _, err := LoadConfig(envOf(map[string]string{"POD_NAME": "p-0", "WATCH_VALUE": strings.Repeat("a", 63)})); err != nil {
		t.Errorf("a 63-character value is a label value: %v", err)
	}
}
