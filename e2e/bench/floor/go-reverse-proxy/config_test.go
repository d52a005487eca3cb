package main

import (
	"strings"
	"testing"
)

func TestParseArgsReadsPlainAndHTTPSForms(t *testing.T) {
	plain, err := parseArgs([]string{"p.port", "https://127.0.0.1:6443", "ca.crt"})
	if err != nil || plain.CertFile != "" || plain.Upstream.Host != "127.0.0.1:6443" || plain.UpstreamCA != "ca.crt" {
		t.Fatalf("plain: %+v, %v", plain, err)
	}
	served, err := parseArgs([]string{"p.port", "https://127.0.0.1:6443", "ca.crt", "tls.crt", "tls.key"})
	if err != nil || served.CertFile != "tls.crt" || served.KeyFile != "tls.key" {
		t.Fatalf("https: %+v, %v", served, err)
	}
}

func TestParseArgsRejectsWrongCountsAndURLs(t *testing.T) {
	for _, args := range [][]string{
		{"p.port", "https://127.0.0.1:6443"},
		{"p.port", "https://127.0.0.1:6443", "ca.crt", "tls.crt"},
		{"p.port", "127.0.0.1:6443", "ca.crt"},
	} {
		if _, err := parseArgs(args); err == nil || !strings.Contains(err.Error(), "usage:") {
			t.Errorf("%v: got %v, want the usage", args, err)
		}
	}
}
