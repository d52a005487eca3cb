package main

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// runWebhookCert writes a fresh CA (ca.crt) and a serving pair signed by it (tls.crt, tls.key,
// the names controller-runtime's webhook server looks for) for a webhook served on loopback.
// The apiserver trusts it through the caBundle of the webhook configuration, not through kas's CA.
func runWebhookCert(args []string) int {
	fs := flag.NewFlagSet("kas webhook-cert", flag.ContinueOnError)
	dir := fs.String("dir", "", "directory to write ca.crt, tls.crt and tls.key into")
	hosts := fs.String("hosts", "127.0.0.1,localhost", "comma-separated IP addresses and DNS names the certificate is valid for")
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		return 0
	} else if err != nil {
		return 2
	}
	if *dir == "" {
		fmt.Fprintln(os.Stderr, "kas webhook-cert: --dir is required")
		return 2
	}
	var dnsNames []string
	var ips []net.IP
	for _, host := range strings.Split(*hosts, ",") {
		host = strings.TrimSpace(host)
		if ip := net.ParseIP(host); ip != nil {
			ips = append(ips, ip)
		} else if host != "" {
			dnsNames = append(dnsNames, host)
		}
	}
	if err := writeWebhookCert(*dir, dnsNames, ips); err != nil {
		fmt.Fprintf(os.Stderr, "kas webhook-cert: %v\n", err)
		return 1
	}
	return 0
}

func writeWebhookCert(dir string, dnsNames []string, ips []net.IP) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	now := time.Now()
	ca, err := newCertificateAuthority(now, "kas-webhook-ca")
	if err != nil {
		return err
	}
	certPEM, keyPEM, err := ca.issueServing(now, "webhook", dnsNames, ips)
	if err != nil {
		return err
	}
	for name, data := range map[string][]byte{
		"ca.crt":  certificatePEM(ca.cert.Raw),
		"tls.crt": certPEM,
		"tls.key": keyPEM,
	} {
		if err := writeSecret(filepath.Join(dir, name), data); err != nil {
			return err
		}
	}
	return nil
}
